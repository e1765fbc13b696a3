/**
 * The one SQL piece that keeps archived leads out: every lead list, count, pool and export query
 * adds `archiveScope()` (docs/ARCHITECTURE.md "Archived leads"); the list's "Archived" filter adds
 * `archiveScope(true)` instead. Archiving itself is in src/leads/archive.ts.
 */
import { isNotNull, isNull, type SQL } from 'drizzle-orm'
import { leads } from '../db/schema'

/**
 * SQL on `leads`: the lead is not archived (`archived` false or absent), or, with `archived` true,
 * only archived leads.
 */
export function archiveScope(archived = false): SQL {
  return archived ? isNotNull(leads.archivedAt) : isNull(leads.archivedAt)
}
