/**
 * Stale-state guards (optimistic concurrency for D1, which has no interactive transactions): a
 * write that reads the state, plans its statements on it, and runs them as one batch puts a guard
 * first in that batch. The guard fails the whole batch (nothing is written) when the state it was
 * planned on has changed in between; `retryOnConflict` (db/errors.ts) then runs the write again
 * against the new state. Two simultaneous writes thus behave as if one ran after the other.
 */
import { sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from './client'
import { selectInto } from './insert-select'
import { staleWriteGuard } from './schema'

/**
 * A batch statement that stops the batch (CHECK constraint `stale_write`, see `staleWrite`) unless
 * `stillTrue` (an SQL condition on the state the write was planned on) holds when the batch runs.
 */
export function unlessChanged(db: Database, stillTrue: SQL): BatchItem<'sqlite'> {
  return db
    .insert(staleWriteGuard)
    .select(selectInto(staleWriteGuard, { stale: sql`1` }, sql`WHERE NOT (${stillTrue})`))
}

/** SQL: lead `leadId` exists and matches `condition` (on its `leads` row, e.g. `eq(leads.status, 'new')`). */
export function leadIs(leadId: string, condition: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM leads WHERE leads.id = ${leadId} AND ${condition})`
}

/** SQL: lead `leadId` exists and is not archived (an ownership or pool change was planned on a live lead). */
export function notArchived(leadId: string): SQL {
  return leadIs(leadId, sql`leads.archived_at IS NULL`)
}

/** SQL: lead `leadId` has no assignee at all. */
export function noAssignee(leadId: string): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM lead_assignees WHERE lead_id = ${leadId})`
}

/** SQL: the primary assignee of `leadId` is `userId` (null: the lead has none). */
export function primaryIs(leadId: string, userId: string | null): SQL {
  return sql`(SELECT user_id FROM lead_assignees WHERE lead_id = ${leadId} AND kind = 'primary') IS ${userId}`
}

/** SQL: `userId` is (`present` true) or is not an assignee of `leadId` of kind `kind`. */
export function assigneeIs(leadId: string, userId: string, kind: 'primary' | 'collaborator', present: boolean): SQL {
  const row = sql`EXISTS (SELECT 1 FROM lead_assignees WHERE lead_id = ${leadId} AND user_id = ${userId} AND kind = ${kind})`
  return present ? row : sql`NOT ${row}`
}

/**
 * SQL: every lead of `expected` (`[leadId, primary user id or null]` pairs) still has that primary
 * assignee. One bound parameter (a JSON array read with json_each), whatever the number of leads.
 */
export function primariesAre(expected: [string, string | null][]): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(expected)}) j
    WHERE (SELECT user_id FROM lead_assignees WHERE lead_id = json_extract(j.value, '$[0]') AND kind = 'primary')
      IS NOT json_extract(j.value, '$[1]'))`
}

/**
 * SQL: each lead of `expected` (`[leadId, sorted user ids]` pairs) has exactly those assignees (primary and
 * collaborators): the holders a form was shown with are still the lead's. One bound parameter, whatever the count.
 */
export function holdersAre(expected: [string, string[]][]): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(expected)}) j
    WHERE (SELECT count(*) FROM lead_assignees WHERE lead_id = j.value ->> 0) != json_array_length(j.value, '$[1]')
      OR EXISTS (SELECT 1 FROM json_each(j.value, '$[1]') u WHERE NOT EXISTS
        (SELECT 1 FROM lead_assignees WHERE lead_id = j.value ->> 0 AND user_id = u.value)))`
}
