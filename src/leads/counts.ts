/**
 * List totals read from the counters SQL triggers keep (lead_counts, migrations/0014_lead_counts.sql;
 * assignee_lead_counts, migrations/0011_lead_derived_state.sql) instead of counted: one primary-key read
 * whatever the organization's size. Only the views those counters describe are read here; every other
 * combination of filters is counted by src/leads/list-totals.ts `countLeads`, up to its bound.
 */
import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { planned, readTogether, type Planned } from '../db/reads'
import { assigneeLeadCounts, leadCounts, type LeadStatus } from '../db/schema'
import { isManager, type Viewer } from '../access/viewer'

/** What a list's filters ask for, as far as the counters go (the rest of `LeadFilters` is absent). */
type Counted = {
  q?: string
  status?: LeadStatus
  assignee?: string
  source?: string
  from?: string
  to?: string
  attention?: string
  archived?: boolean
}

/**
 * What a counter says for `filters` as `viewer` sees them: `bucket` (a lead_counts bucket) or `assigned` (a
 * member's assignee_lead_counts); null when no counter describes them (search, source, dates, attention,
 * archived, two filters at once, or an Agent's whole list, which src/leads/policy.ts `visibleLeadParts` splits).
 */
export type KeptTotal = { bucket: string } | { assigned: string } | null

/** Whether `filters` narrow nothing a counter cannot describe (search, source, dates, attention, archived). */
export function plainFilters(filters: Counted): boolean {
  return !(filters.q || filters.source || filters.from || filters.to || filters.attention || filters.archived)
}

/** Which counter answers `filters` for `viewer` (see `KeptTotal`). */
export function keptTotal(viewer: Viewer, filters: Counted): KeptTotal {
  if (!plainFilters(filters)) return null
  const manager = isManager(viewer)
  // An Agent's other assignee filters are ignored by the list (src/leads/list-query.ts `assigneeCondition`).
  const assignee = manager || filters.assignee === 'me' || filters.assignee === 'pool' ? filters.assignee : undefined
  if (filters.status) return manager && !assignee ? { bucket: `status:${filters.status}` } : null
  if (assignee === 'me') return { assigned: viewer.userId }
  if (assignee === 'pool') return manager || viewer.poolEnabled ? { bucket: 'pool' } : null
  if (!manager) return null
  if (!assignee) return { bucket: 'all' }
  if (assignee === 'unassigned') return { bucket: 'unassigned' }
  return { assigned: assignee }
}

/** SQL: the number of leads of organization `orgId` in lead_counts bucket `bucket` (0 when it has none). */
export function bucketTotal(orgId: string, bucket: string): SQL<number> {
  return sql<number>`coalesce((SELECT max(0, ${leadCounts.leads}) FROM ${leadCounts}
    WHERE ${leadCounts.orgId} = ${orgId} AND ${leadCounts.bucket} = ${bucket}), 0)`
}

/** SQL: the number of leads (not archived) member `userId` of organization `orgId` is assigned to. */
export function assignedTotal(orgId: string, userId: string): SQL<number> {
  return sql<number>`coalesce((SELECT max(0, ${assigneeLeadCounts.leads}) FROM ${assigneeLeadCounts}
    WHERE ${assigneeLeadCounts.orgId} = ${orgId} AND ${assigneeLeadCounts.userId} = ${userId}), 0)`
}

/** Reads `totals` (SQL expressions such as `bucketTotal`'s) in one statement: their values (counts), in order. */
export async function readTotals(db: Database, totals: SQL<number>[]): Promise<number[]> {
  const [values] = await readTogether(db, [planTotals(db, totals)])
  return values
}

/** `readTotals`' statement, planned to go to D1 with a page's other reads (db/reads.ts `readTogether`). */
export function planTotals(db: Database, totals: SQL<number>[]): Planned<number[]> {
  // A select with one row (no table: D1's batch takes Drizzle's selects, not its raw `db.all`), a column per total.
  const columns = Object.fromEntries(totals.map((total, i) => [`t${i}`, total.as(`t${i}`)]))
  const query = db.select(columns).from(sql`(SELECT 1)`)
  return planned(query, ([row]) => totals.map((_, i) => Number(row?.[`t${i}`] ?? 0)))
}
