/**
 * CSV export of the lead list with the same filters and the same visibility as the list, written
 * with papaparse. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are escaped
 * (papaparse `escapeFormulae`, after OWASP "CSV Injection").
 */
import Papa from 'papaparse'
import type { Database } from '../db/client'
import { STATUS_LABELS } from '../views/labels'
import { listLeads, type LeadFilters } from './leads'
import type { Viewer } from '../access/viewer'

/** Rows fetched per query while exporting. */
const EXPORT_PAGE = 500
/** At most this many leads per export file. */
export const MAX_EXPORT_ROWS = 50_000

/** The CSV text (with header row) of every lead `viewer` may see that matches `filters`. */
export async function exportLeadsCsv(db: Database, viewer: Viewer, filters: LeadFilters): Promise<string> {
  const rows: string[][] = []
  let cursor: string | undefined
  do {
    const page = await listLeads(db, viewer, { ...filters, cursor }, EXPORT_PAGE)
    for (const l of page.leads) {
      rows.push([
        l.name,
        l.email,
        l.phone,
        l.company,
        l.source,
        STATUS_LABELS[l.status],
        l.ownerName ?? (l.inPool ? 'In pool' : ''),
        new Date(l.createdAt).toISOString(),
      ])
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor && rows.length < MAX_EXPORT_ROWS)
  return Papa.unparse(
    { fields: ['Name', 'Email', 'Phone', 'Company', 'Source', 'Status', 'Assigned to', 'Created'], data: rows },
    { escapeFormulae: true, newline: '\r\n' },
  )
}
