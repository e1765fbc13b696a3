/**
 * The first-touch target (`first_touch_target_minutes`, docs/ARCHITECTURE.md "Speed to lead"), checked by the cron
 * (src/scheduled.ts) as the pool's aging is (src/pool/aging.ts): an assigned lead nobody holding it has touched yet
 * (`leads.first_touched_at` NULL) at 80 % of the target after its first assignment, counted in business time without
 * the time its assignee was away (`workingWait`, src/lib/business-time.ts; not at all while they are away), is
 * announced once to its assignee (`first_touch_due`); at the target it is missed:
 * Owners and Admins are told once (`first_touch_missed`), and with `first_touch_return` it goes back to the pool with
 * the reason in its timeline. Each mark is written in the batch of its notifications, behind a stale-state guard.
 */
import { and, eq, isNull, lte, sql } from 'drizzle-orm'
import { orgDatabases, unitFor, type SystemUnit } from '../access/unit'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { leadIs, primaryIs, unlessChanged } from '../db/guard'
import { leads, organizations, users } from '../db/schema'
import type { Env } from '../env'
import { businessHoursOf, workingWait } from '../lib/business-time'
import { archiveScope } from '../leads/archive-scope'
import { publishListChanges } from '../leads/live-lists'
import { fanOut } from '../notifications/fan-out'
import { awayIntervals } from '../orgs/away'
import { backToPool } from './aging'

const MINUTE = 60_000
/** The share of the target at which the assignee is told it is near. */
export const DUE_SHARE = 0.8
/** Most leads one run looks at per organization; the next run takes the rest. */
const TARGET_BATCH = 100

type TargetOrg = typeof organizations.$inferSelect

/**
 * Checks `org`'s assigned leads not touched yet against its target at `unit.now` (`unit`: `org`'s, Leadpool acts):
 * tells assignees of those near it and managers of those that missed it, and returns the missed ones to the pool
 * when the organization says so. A lead touched, reassigned or archived meanwhile is left for the next run.
 * @returns how many were announced as due, missed, and returned to the pool
 */
export async function checkFirstTouchTargets(unit: SystemUnit, org: TargetOrg) {
  const { db, now } = unit
  const counts = { due: 0, missed: 0, returned: 0 }
  const target = org.firstTouchTargetMinutes * MINUTE
  if (target <= 0) return counts
  const hours = businessHoursOf(org)
  // Business time never exceeds the wall clock: a lead assigned less than 80 % of the target ago is not due yet.
  const candidates = await db
    .select({
      id: leads.id,
      name: leads.name,
      assignedAt: leads.firstAssignedAt,
      warnedAt: leads.firstTouchWarnedAt,
      userId: users.id,
      userName: users.name,
    })
    .from(leads)
    .innerJoin(users, eq(users.id, leads.primaryAssigneeId))
    .where(
      and(
        eq(leads.orgId, org.id),
        isNull(leads.firstTouchedAt),
        isNull(leads.firstTouchMissedAt),
        lte(leads.firstAssignedAt, now - DUE_SHARE * target),
        archiveScope(),
      ),
    )
    .orderBy(leads.firstAssignedAt)
    .limit(TARGET_BATCH)
    .all()
  // The clock stands still while the assignee is away (the one holding it now, over the whole wait).
  const away = await awayIntervals(
    db,
    org.id,
    candidates.map((lead) => lead.userId),
    { from: Math.min(...candidates.map((lead) => lead.assignedAt!)), to: now },
  )
  for (const lead of candidates) {
    const theirs = away.get(lead.userId) ?? []
    // Away now: neither near the target nor past it until they are back.
    if (theirs.some((period) => period.start <= now && now < period.end)) continue
    const waited = workingWait(lead.assignedAt!, now, hours, theirs)
    const missed = waited >= target
    if (!missed && (lead.warnedAt !== null || waited < DUE_SHARE * target)) continue
    const ref = { id: lead.id, name: lead.name }
    const from = { id: lead.userId, name: lead.userName }
    const fan = await fanOut(unit, [
      missed
        ? { type: 'first_touch_missed', leads: [ref], to: from }
        : { type: 'first_touch_due', leads: [ref], to: from },
    ])
    const back = missed && org.firstTouchReturn
    try {
      await runBatch(db, [
        // Still untouched, not yet marked, with the same assignee, not archived: else the next run sees it anew.
        unlessChanged(
          db,
          and(
            leadIs(
              lead.id,
              sql`leads.first_touched_at IS NULL AND leads.first_touch_missed_at IS NULL AND leads.archived_at IS NULL`,
            ),
            primaryIs(lead.id, lead.userId),
          )!,
        ),
        db
          .update(leads)
          .set(missed ? { firstTouchMissedAt: now } : { firstTouchWarnedAt: now })
          .where(eq(leads.id, lead.id)),
        ...(back
          ? backToPool(
              unit,
              { id: lead.id, from },
              { reason: 'first_touch_missed', minutes: org.firstTouchTargetMinutes },
            )
          : []),
        ...fan.statements,
      ])
    } catch (error) {
      if (staleWrite(error)) continue
      throw error
    }
    await fan.afterCommit()
    if (missed) counts.missed++
    else counts.due++
    if (back) counts.returned++
  }
  return counts
}

/** The cron's first-touch chore for every organization with a target, at `now` (epoch ms), a unit per organization. */
export async function checkAllFirstTouchTargets(env: Env, now: number): Promise<void> {
  const orgs = (
    await Promise.all(
      orgDatabases(env).map(({ name, db }) =>
        db
          .select()
          .from(organizations)
          .where(and(eq(organizations.database, name), sql`${organizations.firstTouchTargetMinutes} > 0`))
          .all(),
      ),
    )
  ).flat()
  for (const org of orgs) {
    try {
      const unit = unitFor(env, org, { now })
      const { returned } = await checkFirstTouchTargets(unit, org)
      if (returned > 0) {
        await env.POOL_ROOM.get(env.POOL_ROOM.idFromName(org.id)).refresh(org.id, now)
        await publishListChanges(env, unit, now)
      }
    } catch (error) {
      console.error('first-touch target check failed for an organization', org.id, error)
    }
  }
}
