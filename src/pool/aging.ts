/**
 * Aging of the pool, run by the cron (src/index.ts `scheduled`):
 * - "warn after X hours in the pool" (`pool_stale_hours`): the pool page marks such leads stale (pool/queries.ts);
 *   here, at most once a day per organization, Owners and Admins get a digest of them (fan-out event `pool_stale`),
 *   with the unassigned leads waiting past "mark unassigned leads after hours" (`unassigned_warn_hours`,
 *   leads/unassigned.ts; event `unassigned_waiting`), which the lead list marks.
 * - "return a claimed lead untouched for Y days" (`pool_return_days`): a lead its assignee took from the pool
 *   (claimed, or given by routing) and has not touched since (no activity of theirs on it: note, communication,
 *   task, status change) is announced to them a day before (`return_warning`), then put back in the pool with a
 *   `returned_to_pool` activity. Touching it after the warning cancels the return. While the assignee is away
 *   (orgs/away.ts) the timer stands still: the time away is added to the last touch. The leads returned go live to
 *   the pool page and to the organization's open lists (leads/live-lists.ts `publishListChanges`).
 * Each organization is handled on its own: one failing does not stop the others.
 */
import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow, WORKED_ACTIVITIES } from '../activity/activities'
import { orgDatabases, unitFor, type SystemUnit } from '../access/unit'
import { runBatch } from '../db/client'
import {
  activities,
  formerAssignees,
  leadAssignees,
  leadHandoffs,
  leads,
  organizations,
  reassignmentRequests,
  users,
} from '../db/schema'
import type { Env } from '../env'
import { archiveScope } from '../leads/archive-scope'
import { publishListChanges } from '../leads/live-lists'
import { inPool } from '../leads/policy'
import { isUnassigned, unassignedSince } from '../leads/unassigned'
import { OPEN_STATUSES } from '../orgs/members'
import { fanOut } from '../notifications/fan-out'
import { waitingSince } from './queries'
import { awayBetween } from '../orgs/away'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Most leads one run returns (or warns about) per organization; the next run takes the rest. */
export const AGING_BATCH = 50

/** An organization's row: its aging settings and when its last digest went. */
type AgingOrg = typeof organizations.$inferSelect

/** Most leads one digest names per kind (stale in the pool, unassigned too long); the count says how many in all. */
const DIGEST_LEADS = 100

/** `org`'s leads waiting in the pool longer than its warning at `now`, oldest first (none when the warning is off). */
async function stalePoolLeads(unit: SystemUnit, org: AgingOrg) {
  if (org.poolStaleHours <= 0) return []
  return unit.db
    .select({ id: leads.id, name: leads.name })
    .from(leads)
    .where(and(eq(leads.orgId, org.id), inPool(), lt(waitingSince, unit.now - org.poolStaleHours * HOUR)))
    .orderBy(waitingSince)
    .limit(DIGEST_LEADS)
    .all()
}

/**
 * `org`'s unassigned leads (not archived) waiting longer than its warning at `now`, longest first (none when the
 * warning is off). Created before the cut-off is implied, so the index on unassigned leads narrows the search first.
 */
async function longUnassignedLeads(unit: SystemUnit, org: AgingOrg) {
  if (org.unassignedWarnHours <= 0) return []
  const cutoff = unit.now - org.unassignedWarnHours * HOUR
  return unit.db
    .select({ id: leads.id, name: leads.name })
    .from(leads)
    .where(
      and(
        eq(leads.orgId, org.id),
        isUnassigned(),
        archiveScope(),
        lt(leads.createdAt, cutoff),
        lt(unassignedSince, cutoff),
      ),
    )
    .orderBy(unassignedSince)
    .limit(DIGEST_LEADS)
    .all()
}

/**
 * Sends the managers' digest of `org` (the organization of `unit`, in which Leadpool acts) when a day has passed
 * since the last one at `unit.now` and some lead waits too long: in the pool past "warn after hours in the pool"
 * (`pool_stale`), or unassigned past "mark unassigned leads after hours" (`unassigned_waiting`). @returns leads named
 */
export async function sendStaleDigest(unit: SystemUnit, org: AgingOrg): Promise<number> {
  const { db, now } = unit
  if (org.poolDigestSentAt !== null && org.poolDigestSentAt > now - DAY) return 0
  const [stale, unassigned] = await Promise.all([stalePoolLeads(unit, org), longUnassignedLeads(unit, org)])
  if (stale.length + unassigned.length === 0) return 0
  const fan = await fanOut(unit, [
    ...(stale.length > 0 ? [{ type: 'pool_stale' as const, leads: stale }] : []),
    ...(unassigned.length > 0 ? [{ type: 'unassigned_waiting' as const, leads: unassigned }] : []),
  ])
  await runBatch(db, [
    db.update(organizations).set({ poolDigestSentAt: now }).where(eq(organizations.id, org.id)),
    ...fan.statements,
  ])
  await fan.afterCommit()
  return stale.length + unassigned.length
}

/**
 * SQL: when the primary assignee last touched the lead (their latest activity working it, `WORKED_ACTIVITIES`, or
 * when they got it).
 */
const lastTouch = sql<number>`max(${leadAssignees.assignedAt}, coalesce((SELECT max(a.created_at) FROM activities a
  WHERE a.lead_id = ${leadAssignees.leadId} AND a.actor_id = ${leadAssignees.userId}
    AND a.type IN (${sql.join(
      WORKED_ACTIVITIES.map((type) => sql`${type}`),
      sql`, `,
    )})), 0))`

/**
 * SQL: the last touch moved later by the time the assignee has been away since it, up to `now` (orgs/away.ts): the
 * return timer stands still while they are away and goes on from where it stood when they are back.
 */
function timerTouch(orgId: string, now: number) {
  return sql<number>`(${lastTouch} + ${awayBetween(orgId, sql`${leadAssignees.userId}`, lastTouch, now)})`
}

/** SQL: the primary assignment came from the pool (claimed by the assignee, or given by routing). */
const fromPool = sql`EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = ${leadAssignees.leadId}
  AND a.created_at = ${leadAssignees.assignedAt}
  AND ((a.type = 'claimed' AND a.actor_id = ${leadAssignees.userId})
    OR (a.type = 'assigned' AND json_extract(a.data, '$.via') = 'routing')))`

/**
 * The statements that put lead `lead.id` of `unit`'s organization back in the pool at `unit.now`, taken from its
 * assignee `lead.from` (kept as a former assignee; their handoff and reassignment request end), with a
 * `returned_to_pool` activity carrying `from` and `why` (`days` untouched, or `reason`): for one batch.
 */
export function backToPool(
  unit: SystemUnit,
  lead: { id: string; from: { id: string; name: string } },
  why: { days: number } | { reason: 'first_touch_missed'; minutes: number },
): BatchItem<'sqlite'>[] {
  const { db, now } = unit
  const orgId = unit.org.id
  return [
    db
      .insert(formerAssignees)
      .values({ orgId, leadId: lead.id, userId: lead.from.id, endedAt: now })
      .onConflictDoUpdate({ target: [formerAssignees.leadId, formerAssignees.userId], set: { endedAt: now } }),
    db.delete(leadAssignees).where(eq(leadAssignees.leadId, lead.id)),
    // Its handoff and reassignment request end with its owner (assignment/handoffs.ts).
    db.delete(leadHandoffs).where(eq(leadHandoffs.leadId, lead.id)),
    db.delete(reassignmentRequests).where(eq(reassignmentRequests.leadId, lead.id)),
    db
      .update(leads)
      .set({ inPool: true, pooledAt: now, returnWarnedAt: null, updatedAt: now })
      .where(and(eq(leads.id, lead.id), eq(leads.orgId, orgId))),
    db.insert(activities).values(
      activityRow({
        orgId,
        leadId: lead.id,
        actorId: null,
        type: 'returned_to_pool',
        data: { from: lead.from, ...why },
        at: now,
      }),
    ),
  ]
}

/**
 * Warns the assignees of `org`'s claimed leads untouched for `pool_return_days − 1` days, and returns to the pool
 * those still untouched a day after the warning, at `unit.now` (`unit`: `org`'s, Leadpool acts).
 * @returns how many were warned and returned
 */
export async function returnUntouchedLeads(unit: SystemUnit, org: AgingOrg) {
  const { db, now } = unit
  if (org.poolReturnDays <= 0) return { warned: 0, returned: 0 }
  const candidates = await db
    .select({
      id: leads.id,
      name: leads.name,
      warnedAt: leads.returnWarnedAt,
      userId: leadAssignees.userId,
      userName: users.name,
      touched: timerTouch(org.id, now),
    })
    .from(leadAssignees)
    .innerJoin(leads, eq(leads.id, leadAssignees.leadId))
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .where(
      and(
        eq(leadAssignees.orgId, org.id),
        eq(leadAssignees.kind, 'primary'),
        sql`${leads.status} IN (${sql.join(
          OPEN_STATUSES.map((s) => sql`${s}`),
          sql`, `,
        )})`,
        fromPool,
        or(lt(timerTouch(org.id, now), now - (org.poolReturnDays - 1) * DAY), isNotNull(leads.returnWarnedAt)),
      ),
    )
    .limit(AGING_BATCH * 2)
    .all()
  let warned = 0
  let returned = 0
  for (const lead of candidates) {
    if (lead.warnedAt !== null && lead.touched > lead.warnedAt) {
      // Touched since the warning: no return.
      await db.update(leads).set({ returnWarnedAt: null }).where(eq(leads.id, lead.id))
      continue
    }
    if (lead.warnedAt === null) {
      if (warned >= AGING_BATCH) continue
      const fan = await fanOut(unit, [
        {
          type: 'return_warning',
          leads: [{ id: lead.id, name: lead.name }],
          to: { id: lead.userId, name: lead.userName },
        },
      ])
      await runBatch(db, [
        db
          .update(leads)
          .set({ returnWarnedAt: now })
          .where(and(eq(leads.id, lead.id), isNull(leads.returnWarnedAt))),
        ...fan.statements,
      ])
      await fan.afterCommit()
      warned++
    } else if (lead.touched < now - org.poolReturnDays * DAY && lead.warnedAt <= now - DAY + HOUR) {
      if (returned >= AGING_BATCH) continue
      await runBatch(
        db,
        backToPool(unit, { id: lead.id, from: { id: lead.userId, name: lead.userName } }, { days: org.poolReturnDays }),
      )
      returned++
    }
  }
  return { warned, returned }
}

/** The cron's pool chores for every organization with aging on, at `now` (epoch ms), in a unit per organization. */
export async function agePools(env: Env, now: number): Promise<void> {
  const orgs = (
    await Promise.all(
      orgDatabases(env).map(({ name, db }) =>
        db
          .select()
          .from(organizations)
          .where(
            and(
              eq(organizations.database, name),
              or(
                gt(organizations.poolStaleHours, 0),
                gt(organizations.poolReturnDays, 0),
                gt(organizations.unassignedWarnHours, 0),
              ),
            ),
          )
          .all(),
      ),
    )
  ).flat()
  for (const org of orgs) {
    try {
      const unit = unitFor(env, org, { now })
      await sendStaleDigest(unit, org)
      const { returned } = await returnUntouchedLeads(unit, org)
      if (returned > 0) {
        await env.POOL_ROOM.get(env.POOL_ROOM.idFromName(org.id)).refresh(org.id, now)
        await publishListChanges(env, unit, now)
      }
    } catch (error) {
      console.error('pool aging failed for an organization', org.id, error)
    }
  }
}
