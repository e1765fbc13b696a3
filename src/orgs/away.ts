/**
 * Who is away (docs/ARCHITECTURE.md "Intake and routing"): a member marks themselves away from now until they are
 * back, or until a date and time; Owners and Admins can do it for anyone. While away, routing skips them
 * (leads/routing.ts), they cannot claim from the pool (pool/claim.ts), and the return timers of their leads from the
 * pool stand still (pool/aging.ts), and so does the clock of their leads' first touch (orgs/first-touch-wait.ts). Each
 * period is a row of `away_periods`; working hours are not modelled.
 */
import { and, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Database } from '../db/client'
import { awayPeriods } from '../db/schema'
import type { Interval } from '../lib/business-time'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { zonedToUtc } from '../lib/zoned-time'
import { z } from 'zod'
import { managedMember } from './team'

/** SQL: a period of `awayPeriods` that holds at `now` (epoch ms). */
function holdsAt(now: number): SQL {
  return and(lte(awayPeriods.startsAt, now), or(isNull(awayPeriods.endsAt), gt(awayPeriods.endsAt, now)))!
}

/**
 * The members of `orgId` away at `now` (epoch ms), each with when they are back (`until`: epoch ms, or null until
 * they say so).
 */
export async function awayMembers(db: Database, orgId: string, now: number): Promise<Map<string, number | null>> {
  const rows = await db
    .select({ userId: awayPeriods.userId, until: awayPeriods.endsAt })
    .from(awayPeriods)
    .where(and(eq(awayPeriods.orgId, orgId), holdsAt(now)))
    .all()
  return new Map(rows.map((r) => [r.userId, r.until]))
}

/**
 * When member `userId` of `orgId` is back if they are away at `now`: `{ until }` (epoch ms, or null until they say
 * so); null when they are not away.
 */
export async function awayUntil(
  db: Database,
  orgId: string,
  userId: string,
  now: number,
): Promise<{ until: number | null } | null> {
  const row = await db
    .select({ until: awayPeriods.endsAt })
    .from(awayPeriods)
    .where(and(eq(awayPeriods.orgId, orgId), eq(awayPeriods.userId, userId), holdsAt(now)))
    .get()
  return row ? { until: row.until } : null
}

/**
 * The away periods of members `userIds` of `orgId` that overlap `from`..`to` (epoch ms), by user id, each as an
 * `Interval` (a period not over yet ends at `Infinity`); members never away then are absent. Read on
 * `away_periods_member_idx`.
 */
export async function awayIntervals(
  db: Database,
  orgId: string,
  userIds: readonly string[],
  span: { from: number; to: number },
): Promise<Map<string, Interval[]>> {
  const byUser = new Map<string, Interval[]>()
  const ids = [...new Set(userIds)]
  if (ids.length === 0 || span.to <= span.from) return byUser
  const rows = await db
    .select({ userId: awayPeriods.userId, start: awayPeriods.startsAt, end: awayPeriods.endsAt })
    .from(awayPeriods)
    .where(
      and(
        eq(awayPeriods.orgId, orgId),
        inArray(awayPeriods.userId, ids),
        lt(awayPeriods.startsAt, span.to),
        or(isNull(awayPeriods.endsAt), gt(awayPeriods.endsAt, span.from)),
      ),
    )
    .all()
  for (const { userId, start, end } of rows)
    byUser.set(userId, [...(byUser.get(userId) ?? []), { start, end: end ?? Infinity }])
  return byUser
}

/**
 * SQL: how long (ms) member `userId` (an SQL expression) of `orgId` was away between `since` (an SQL expression,
 * epoch ms) and `now`: the sum of their periods' overlaps with it.
 */
export function awayBetween(orgId: string, userId: SQL, since: SQL, now: number): SQL<number> {
  return sql<number>`coalesce((SELECT sum(max(0, min(coalesce(p.ends_at, ${now}), ${now}) - max(p.starts_at, ${since})))
    FROM away_periods p WHERE p.org_id = ${orgId} AND p.user_id = ${userId} AND p.starts_at < ${now}), 0)`
}

/**
 * Checks that `unit.viewer` may mark member `userId` away or back: themselves, or anyone when an Owner or Admin.
 * @throws Refusal 403 when an Agent acts for someone else, 404 when there is no such member
 */
export async function mayMarkAway(unit: Pick<Unit, 'db' | 'viewer'>, userId: string): Promise<void> {
  if (userId !== unit.viewer.userId) await managedMember(unit, userId)
}

/** The statement that ends member `userId`'s period holding at `unit.now` (if any) at `unit.now`. */
function endCurrent(unit: Unit, userId: string) {
  const { db, now } = unit
  return db
    .update(awayPeriods)
    .set({ endsAt: now })
    .where(and(eq(awayPeriods.orgId, unit.org.id), eq(awayPeriods.userId, userId), holdsAt(now)))
}

/**
 * Marks member `userId` away from `unit.now` until `options.until` (epoch ms; null: until they are back), replacing a
 * period that holds now.
 * @throws Refusal 403 / 404 (see `mayMarkAway`); 422 on `until` when it is not after now
 */
export async function markAway(unit: Unit, userId: string, options: { until: number | null }): Promise<void> {
  await mayMarkAway(unit, userId)
  const { db, now } = unit
  if (options.until !== null && options.until <= now)
    throw new Refusal(422, 'Choose a time after now, or leave it empty.', { field: 'until' })
  await db.batch([
    endCurrent(unit, userId),
    db.insert(awayPeriods).values({ id: newId(), orgId: unit.org.id, userId, startsAt: now, endsAt: options.until }),
  ])
}

/**
 * Marks member `userId` back at `unit.now`.
 * @returns whether they were away
 * @throws Refusal 403 / 404 (see `mayMarkAway`)
 */
export async function markBack(unit: Unit, userId: string): Promise<boolean> {
  await mayMarkAway(unit, userId)
  const result = await endCurrent(unit, userId).run()
  return result.meta.changes > 0
}

/** The away form: `until`, a wall-clock time in `timeZone` (the person typing's), or empty for "until I am back". */
export function awayFormSchema(timeZone: string) {
  return z.object({
    until: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const typed = (v ?? '').trim()
        if (typed === '') return null
        const at = zonedToUtc(typed, timeZone)
        if (at === null) {
          ctx.issues.push({ code: 'custom', message: 'Enter a date and time, or leave it empty', input: v })
          return z.NEVER
        }
        return at
      }),
  })
}
