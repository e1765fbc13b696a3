/**
 * The team page's speed to lead per member: how long the leads a member first touched in the last 30 days waited
 * from arrival to that touch, read from the trigger-kept `leads.first_touched_at` / `first_touched_by`
 * (docs/ARCHITECTURE.md "Speed to lead") on the index `leads_org_first_touched_idx`, never from the timeline.
 */
import { and, eq, gte, isNotNull } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { leads } from '../db/schema'
import type { BusinessHours } from '../lib/business-time'
import { firstTouchWaits } from './first-touch-wait'

/** The window the team page looks back over (ms): 30 days. */
export const FIRST_TOUCH_WINDOW_MS = 30 * 86_400_000

/** One member's numbers: how many leads they first touched, and the median and 90th percentile wait (ms). */
export type FirstTouchTimes = { leads: number; median: number; p90: number }

/**
 * The `p`-th percentile (0 < p ≤ 1) of `sorted` (ascending, not empty) by nearest rank: the smallest value with at
 * least `p` of the values at or below it (the median of 4 values is the 2nd).
 */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!
}

/**
 * Per member (by user id) of `unit`'s organization: the leads they first touched from `unit.now` − 30 days on, and
 * their median and 90th percentile working wait from arrival to first touch (ms): the stored wait, or for one not
 * written yet the organization's business `hours` (null: every hour) without the time they were away
 * (src/orgs/first-touch-wait.ts `firstTouchWaits`). Members without such a lead are absent.
 */
export async function firstTouchTimes(
  unit: Pick<Unit, 'db' | 'org' | 'now'>,
  options: { hours: BusinessHours | null },
): Promise<Map<string, FirstTouchTimes>> {
  const rows = await unit.db
    .select({
      id: leads.id,
      createdAt: leads.createdAt,
      firstTouchedAt: leads.firstTouchedAt,
      firstTouchedBy: leads.firstTouchedBy,
      firstTouchWaitMs: leads.firstTouchWaitMs,
    })
    .from(leads)
    .where(
      and(
        eq(leads.orgId, unit.org.id),
        isNotNull(leads.firstTouchedAt),
        gte(leads.firstTouchedAt, unit.now - FIRST_TOUCH_WINDOW_MS),
      ),
    )
    .all()
  const touched = rows.map((row) => ({ ...row, firstTouchedAt: row.firstTouchedAt! }))
  const wait = await firstTouchWaits(unit.db, unit.org.id, options.hours, touched)
  const waits = new Map<string, number[]>()
  for (const { id, firstTouchedBy: userId } of touched) {
    if (!userId) continue
    waits.set(userId, [...(waits.get(userId) ?? []), wait.get(id)!])
  }
  return new Map(
    [...waits].map(([userId, list]) => {
      const sorted = list.sort((a, b) => a - b)
      return [userId, { leads: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) }]
    }),
  )
}
