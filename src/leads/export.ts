/**
 * CSV export of the lead list with the same filters and the same visibility as the list, written
 * with papaparse. Columns: Lead ID, Name, Email, Phone, Company, Source, Status, Assigned to (every
 * assignee, primary first, `; `-separated, or `In pool`), Created (UTC) as `YYYY-MM-DD HH:MM:SS`.
 *
 * Formula guard (OWASP "CSV Injection"): a cell that a spreadsheet would evaluate, i.e. one starting
 * with `=`, `+`, `-`, `@`, tab or CR, gets a leading `'`, whatever follows (line breaks included).
 * A value that already starts with `'`s before such a character gets one more `'`, so that the
 * import (`unguardCell` in src/imports/parse.ts) can remove exactly the one the export added.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import Papa from 'papaparse'
import type { Database } from '../db/client'
import { sameOrg } from '../db/tenancy'
import { leadAssignees, users, type LeadStatus } from '../db/schema'
import { STATUS_LABELS } from '../views/labels'
import { listLeads, type LeadFilters } from './list-query'
import type { Unit } from '../access/unit'
import { inIdSet } from '../db/id-sets'

/** Rows fetched per query while exporting. */
const EXPORT_PAGE = 500
/** At most this many leads per export file. */
export const MAX_EXPORT_ROWS = 50_000

/** Header row of the export, in column order. */
export const EXPORT_HEADERS = [
  'Lead ID',
  'Name',
  'Email',
  'Phone',
  'Company',
  'Source',
  'Status',
  'Assigned to',
  'Created (UTC)',
] as const

/**
 * Cells the export guards: optional apostrophes, then a character that makes a spreadsheet read the
 * cell as a formula. No `$` and no `.`, so nothing after the first such character matters.
 */
export const GUARDED_CELL = /^'*[=+\-@\t\r]/

/** One lead as the export writes it. */
export type ExportLead = {
  id: string
  name: string
  email: string
  phone: string
  company: string
  source: string
  status: LeadStatus
  inPool: boolean
  /** Names of the current assignees, primary first. */
  assignees: string[]
  /** UTC epoch ms. */
  createdAt: number
}

/** `ms` (UTC epoch ms) as `YYYY-MM-DD HH:MM:SS` in UTC, which spreadsheets read as a date-time. */
export function exportTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** The CSV text (header row, CRLF line ends, formula guard) of `rows`. */
export function leadsCsv(rows: ExportLead[]): string {
  const data = rows.map((l) => [
    l.id,
    l.name,
    l.email,
    l.phone,
    l.company,
    l.source,
    STATUS_LABELS[l.status],
    l.assignees.length ? l.assignees.join('; ') : l.inPool ? 'In pool' : '',
    exportTime(l.createdAt),
  ])
  return Papa.unparse({ fields: [...EXPORT_HEADERS], data }, { escapeFormulae: GUARDED_CELL, newline: '\r\n' })
}

/** Names of the assignees of each of `leadIds` (one query, one bound JSON array), primary first. */
async function assigneeNames(db: Database, orgId: string, leadIds: string[]): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ leadId: leadAssignees.leadId, name: users.name })
    .from(leadAssignees)
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .where(and(sameOrg(leadAssignees.orgId, orgId), inIdSet(leadAssignees.leadId, leadIds)))
    .orderBy(desc(sql`${leadAssignees.kind} = 'primary'`), asc(leadAssignees.assignedAt), asc(users.name))
    .all()
  const byLead = new Map<string, string[]>()
  for (const r of rows) byLead.set(r.leadId, [...(byLead.get(r.leadId) ?? []), r.name])
  return byLead
}

/** The CSV text (with header row) of every lead `unit`'s viewer may see that matches `filters`. */
export async function exportLeadsCsv(unit: Pick<Unit, 'db' | 'viewer'>, filters: LeadFilters): Promise<string> {
  const { db, viewer } = unit
  const rows: ExportLead[] = []
  let cursor: string | undefined
  do {
    const page = await listLeads(unit, { ...filters, cursor }, EXPORT_PAGE)
    const names = await assigneeNames(
      db,
      viewer.orgId,
      page.leads.map((l) => l.id),
    )
    for (const l of page.leads) rows.push({ ...l, assignees: names.get(l.id) ?? [] })
    cursor = page.nextCursor ?? undefined
  } while (cursor && rows.length < MAX_EXPORT_ROWS)
  return leadsCsv(rows)
}
