/** The lead list's totals: how many leads match the filters ("1,234 leads"), and where a page starts ("51–100"). */
import { and, sql, type SQL } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Viewer } from '../access/viewer'
import type { Database } from '../db/client'
import { leads } from '../db/schema'
import { known, mapPlanned, planned, readTogether, type Planned } from '../db/reads'
import { assignedTotal, bucketTotal, keptTotal, planTotals, plainFilters } from './counts'
import { afterCursor, statusOrder } from './filters'
import { isStatusSort, leadConditions, type LeadFilters } from './list-query'
import { visibleLeadParts } from './policy'
import { matchExpression, RANKED_MATCHES, searchOrder } from './search'

/** Counts stop at this many leads: a larger total is shown as "10,000+". */
export const COUNT_BOUND = 10_000

/** A list total: exact up to COUNT_BOUND; `more` when there are more than `count` (= COUNT_BOUND). */
export type LeadTotal = { count: number; more: boolean }

/**
 * How many leads `unit`'s viewer may see match `filters` (the cursor is ignored). Read from the trigger-kept counters
 * when one describes the view (src/leads/counts.ts: the whole list, one status, the pool, unassigned, one
 * member's); otherwise counted up to COUNT_BOUND over the disjoint, index-served parts of the visibility
 * (src/leads/policy.ts `visibleLeadParts`: an Agent's own leads and the pool), so that the time it takes does
 * not grow with the organization.
 */
export async function countLeads(unit: Pick<Unit, 'db' | 'viewer'>, filters: LeadFilters): Promise<LeadTotal> {
  const [total] = await readTogether(unit.db, [planCount(unit, filters)])
  return total
}

/** The statement of `countLeads`, planned to go to D1 with the page's other reads (db/reads.ts `readTogether`). */
export function planCount(unit: Pick<Unit, 'db' | 'viewer'>, filters: LeadFilters): Planned<LeadTotal> {
  const { db, viewer } = unit
  const kept = keptTotal(viewer, filters)
  const plain = plainFilters(filters) && !filters.status && !filters.assignee
  const parts: CountPart[] = kept
    ? [{ n: 'bucket' in kept ? bucketTotal(viewer.orgId, kept.bucket) : assignedTotal(viewer.orgId, kept.assigned) }]
    : visibleLeadParts(viewer).flatMap(({ where, bucket, own }): CountPart[] => {
        if (bucket && plain) return [{ n: bucketTotal(viewer.orgId, bucket) }]
        if (!own || !plain) return [boundedCount(db, viewer, filters, where)]
        return [{ n: assignedTotal(viewer.orgId, own.assigned) }, boundedCount(db, viewer, filters, own.history)]
      })
  // Every part in one statement.
  const totals = planTotals(
    db,
    parts.map((p) => p.n),
  )
  return mapPlanned(totals, (values) =>
    parts.reduce<LeadTotal>(
      (total, { bound }, i) => ({
        count: total.count + (bound === undefined ? values[i]! : Math.min(values[i]!, bound)),
        more: total.more || (bound !== undefined && values[i]! > bound),
      }),
      { count: 0, more: false },
    ),
  )
}

/** A part of a total: SQL counting it, and `bound` when it is counted only up to bound + 1 (else exact). */
type CountPart = { n: SQL<number>; bound?: number }

/**
 * Counts the leads matching `filters` among those `visibility` selects, up to COUNT_BOUND (RANKED_MATCHES for a
 * search): SQL over the bounded walk, aliased `matching`.
 */
function boundedCount(db: Database, viewer: Viewer, filters: LeadFilters, visibility: SQL): CountPart {
  const match = filters.q ? matchExpression(filters.q) : null
  const search = match ? searchOrder(match, viewer.orgId, false) : null
  // A search's total stops where its ranking does (search.ts RANKED_MATCHES): "1,000+".
  const bound = search ? RANKED_MATCHES : COUNT_BOUND
  const base = db
    .select({ one: sql`1` })
    .from(leads)
    .$dynamic()
  // A search is driven by the word index (the matching leads), not by the organization's leads.
  const matching = (search ? base.innerJoin(search.table, search.on) : base)
    .where(leadConditions(db, viewer, filters, { search: !search, visibility }))
    .limit(bound + 1)
  return { n: sql<number>`(SELECT count(*) FROM ${matching.as('matching')})`, bound }
}

/** "1,234", or "10,000+" for a bounded total. */
export function totalLabel(total: LeadTotal): string {
  return `${total.count.toLocaleString('en-US')}${total.more ? '+' : ''}`
}

/**
 * How many leads matching `filters` come before the page that starts after `filters.cursor` (0 on the
 * first page): the list's "51–100 of 1,234". Counted up to COUNT_BOUND, as totals are; null for a later
 * page of a search (ranked pages have no position to count from).
 */
export async function rowsBefore(unit: Pick<Unit, 'db' | 'viewer'>, filters: LeadFilters): Promise<number | null> {
  const [before] = await readTogether(unit.db, [planRowsBefore(unit, filters)])
  return before
}

/** The statement of `rowsBefore` (none on a first page), planned to go to D1 with the page's other reads. */
export function planRowsBefore(unit: Pick<Unit, 'db' | 'viewer'>, filters: LeadFilters): Planned<number | null> {
  const { db, viewer } = unit
  if (!filters.cursor) return known(0)
  if (filters.q) return known(null)
  const upTo = isStatusSort(filters) ? statusUpTo(filters) : notAfter(filters)
  const before = db
    .select({ one: sql`1` })
    .from(leads)
    .where(and(leadConditions(db, viewer, filters, { walk: true }), upTo))
    .limit(COUNT_BOUND + 1)
  const count = db.select({ n: sql<number>`count(*)` }).from(before.as('before'))
  return planned(count, ([row]) => Math.min(Number(row?.n ?? 0), COUNT_BOUND))
}

/** SQL: the row is the cursor's lead or comes before it in the (non-status) sort order. */
function notAfter(filters: LeadFilters): SQL {
  return sql`NOT ${afterCursor(filters, filters.cursor!)}`
}

/** SQL: the row is the cursor's lead or comes before it in the status sort order. */
function statusUpTo(filters: LeadFilters): SQL {
  const order = statusOrder(filters.sort!)
  const cursorStatus = sql`(SELECT k.status FROM ${leads} k WHERE k.id = ${filters.cursor!})`
  const rank = (column: SQL) =>
    sql`(CASE ${column} ${sql.join(
      order.map((s, i) => sql`WHEN ${s} THEN ${i}`),
      sql` `,
    )} END)`
  const cmp = sql.raw(filters.sort === '-status' ? '>=' : '<=')
  return sql`(${rank(sql`${leads.status}`)} < ${rank(cursorStatus)} OR (${leads.status} = ${cursorStatus} AND ${leads.id} ${cmp} ${filters.cursor!}))`
}
