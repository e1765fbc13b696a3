/**
 * How long an unassigned lead (no assignee, not in the pool: docs/ARCHITECTURE.md "Unassigned vs pool") has waited,
 * read from what D1 already holds: it became unassigned when it was created, or at its newest activity that leaves a
 * lead without anyone (`unassigned`, `removed_from_pool`, `collaborator_removed`), written in the batch of that very
 * change, so the time is the change's own.
 */
import { and, eq, sql } from 'drizzle-orm'
import { leads } from '../db/schema'

/** The activities after which a lead may be left with nobody, and so waits unassigned from their time. */
const LEFT_WITHOUT_ANYONE = ['unassigned', 'removed_from_pool', 'collaborator_removed'] as const

/** SQL: an unassigned lead (no assignee or collaborator, not in the pool). */
export const isUnassigned = () => and(eq(leads.assigneeCount, 0), eq(leads.inPool, false))!

/** SQL: when the lead last became unassigned (epoch ms), for a lead that is (`isUnassigned`). */
export const unassignedSince = sql<number>`max(${leads.createdAt}, coalesce((SELECT max(a.created_at) FROM activities a
  WHERE a.lead_id = ${leads.id} AND a.type IN (${sql.raw(LEFT_WITHOUT_ANYONE.map((type) => `'${type}'`).join(', '))})), 0))`

/** SQL: `unassignedSince` for an unassigned lead, else NULL (the list's rows). */
export const unassignedSinceOrNull = sql<
  number | null
>`CASE WHEN ${leads.assigneeCount} = 0 AND NOT ${leads.inPool} THEN ${unassignedSince} END`

/** One hour, in ms. */
const HOUR = 3_600_000

/**
 * Whether a lead unassigned since `since` has waited past the organization's warning (`warnHours`, 0 = never) at
 * `now` (both epoch ms).
 */
export function waitingOver(since: number, now: number, warnHours: number): boolean {
  return warnHours > 0 && now - since > warnHours * HOUR
}
