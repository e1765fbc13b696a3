/**
 * Routing of new leads (the organization's setting `routing`): leave them unassigned, put them in the pool, or
 * give them by weighted round-robin (leads/weighted-rotation.ts) to the chosen members (`routing_members`, in
 * `position` order), skipping deactivated members, members away (orgs/away.ts) or outside their working hours
 * (orgs/working-hours.ts), and members at the claim cap or at their routing cap, and putting a lead in the pool
 * when nobody is eligible. One rotation serves the web form, the API, leads Owners and Admins type in, and imports.
 *
 * The rotation's state (`organizations.routing_last_user_id`, `routing_shape`, `routing_members.credit`) is read
 * and advanced only in a routing turn of the
 * organization's PoolRoom (pool/routing-turns.ts), one routing at a time, so concurrent submissions never hand two
 * leads to the same turn. Callers use `routeNewLeads` (or `leadRouter`), never `routeLeadsNow` directly.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit } from '../access/unit'
import { activityRow } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import { activities, leadAssignees, leads, memberships, organizations, routingMembers, users } from '../db/schema'
import type { Env } from '../env'
import { OPEN_STATUSES } from '../orgs/members'
import type { LeadRouter, RoutedLead } from './routed'
import { inIdSet } from '../db/id-sets'
import { awayMembers } from '../orgs/away'
import { workingHoursOf } from '../orgs/working-hours'
import { closedUntil } from '../lib/business-time'
import { takeTurn, type RotationState } from './weighted-rotation'

export type { LeadRouter, RoutedLead }

/** Where each routed lead went (`to` null: the pool). */
export type RoutingPlan = { lead: { id: string; name: string }; to: { id: string; name: string } | null }[]

/**
 * Plans the notifications of a routing (the PoolRoom's routing turn passes the fan-out, which lives above leads/):
 * statements for the routing's batch, and what to do once it committed. `stuck`: the leads nobody could take of
 * which the managers are to be told (none when they were told already).
 */
export type RoutingNotifier = (
  plan: RoutingPlan,
  stuck: { id: string; name: string }[],
) => Promise<{ statements: BatchItem<'sqlite'>[]; afterCommit(): Promise<void> }>

/**
 * Join condition: the activity that gave a primary assignee their lead from the pool (written with their assignee
 * row): `claimed` by them, or `assigned` by round-robin routing.
 */
const fromPoolActivity = and(
  eq(activities.leadId, leadAssignees.leadId),
  eq(activities.createdAt, leadAssignees.assignedAt),
  or(
    and(eq(activities.type, 'claimed'), eq(activities.actorId, leadAssignees.userId)),
    and(eq(activities.type, 'assigned'), sql`json_extract(${activities.data}, '$.via') = 'routing'`),
  ),
)!

/**
 * How many open leads (`OPEN_STATUSES`) `userId` holds as primary assignee that came to them from the pool: claimed
 * by them (the `claimed` activity written with their assignee row) or given by round-robin routing. The claim cap
 * and round-robin both count these.
 */
export async function openPoolLeadCount(db: Database, orgId: string, userId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(leadAssignees)
    .innerJoin(leads, eq(leads.id, leadAssignees.leadId))
    .innerJoin(activities, fromPoolActivity)
    .where(
      and(
        eq(leadAssignees.orgId, orgId),
        eq(leadAssignees.userId, userId),
        eq(leadAssignees.kind, 'primary'),
        inArray(leads.status, [...OPEN_STATUSES]),
      ),
    )
    .get()
  return row?.n ?? 0
}

/** The rotation of `orgId`: its members in order, with whether each may be given a lead, weight, cap and credit. */
async function rotation(db: Database, orgId: string) {
  return db
    .select({
      userId: routingMembers.userId,
      name: users.name,
      active: sql<number>`${memberships.status} = 'active'`,
      weight: memberships.routingWeight,
      cap: memberships.routingCap,
      credit: routingMembers.credit,
      workDays: memberships.workDays,
      workStart: memberships.workStart,
      workEnd: memberships.workEnd,
      timeZone: users.timeZone,
    })
    .from(routingMembers)
    .innerJoin(users, eq(users.id, routingMembers.userId))
    .innerJoin(memberships, and(eq(memberships.orgId, orgId), eq(memberships.userId, routingMembers.userId)))
    .where(eq(routingMembers.orgId, orgId))
    .orderBy(asc(routingMembers.position), asc(routingMembers.userId))
    .all()
}

/**
 * The open leads (`OPEN_STATUSES`, primary assignee) of `orgId` that came from the pool, for each of `userIds` (the
 * members a cap applies to; none: no query): `pool` counts those claimed and those routed (the claim cap's count,
 * `openPoolLeadCount`), `routed` those given by routing (the member's routing cap).
 */
async function heldLeads(
  db: Database,
  orgId: string,
  userIds: string[],
): Promise<Map<string, { pool: number; routed: number }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({
      userId: leadAssignees.userId,
      pool: sql<number>`count(*)`,
      routed: sql<number>`sum(${activities.type} = 'assigned')`,
    })
    .from(leadAssignees)
    .innerJoin(leads, eq(leads.id, leadAssignees.leadId))
    .innerJoin(activities, fromPoolActivity)
    .where(
      and(eq(leadAssignees.orgId, orgId), eq(leadAssignees.kind, 'primary'), inArray(leads.status, [...OPEN_STATUSES])),
    )
    .groupBy(leadAssignees.userId)
    .all()
  return new Map(rows.map((r) => [r.userId, { pool: Number(r.pool), routed: Number(r.routed ?? 0) }]))
}

/**
 * Why a member of the rotation was passed over for a lead (the ledger's words, `data.skipped` of its activity).
 * `until`: when an away member is back (null: until they say so), or when an `outside_hours` member's hours start.
 */
export type Skipped = {
  id: string
  name: string
  why: 'deactivated' | 'away' | 'outside_hours' | 'at_cap'
  until?: number | null
}

/**
 * The fairness balance after a turn (`data.balance` of a routed lead's activity): each member who could take the
 * lead, with their weight (1-5) and their credit in the current stretch after the turn (leads/weighted-rotation.ts:
 * above 0, owed a lead; below, ahead). A member's expected share of that lead is their weight over the sum of all
 * the weights (the routing page, pool/routing-balance.ts).
 */
export type Balance = { id: string; weight: number; credit: number }[]

function balanceAfter(state: RotationState, candidates: { userId: string; weight: number }[]): Balance {
  return candidates.map((c) => ({ id: c.userId, weight: c.weight, credit: state.credits.get(c.userId) ?? 0 }))
}

/**
 * Routes `leadIds` of the unit's organization now: leads that already have an assignee (an Agent's own lead) are
 * left alone; the rest go where the setting says, written in one D1 batch stamped `unit.now` with an activity per
 * lead by the unit's actor (`assigned` with `data.via = 'routing'`, or `moved_to_pool`; `data.skipped`: who the
 * rotation passed over and why; `data.balance` of an `assigned`: the fairness balance after it, `Balance`) and the
 * rotation's new state (position, credits, stretch), with `options.notify`'s statements (the notifications of the
 * routing). Round-robin is weighted (leads/weighted-rotation.ts) over the active members who are not away
 * (orgs/away.ts) nor outside their working hours (orgs/working-hours.ts), below the claim cap (leads from the pool)
 * and below their own routing cap (leads from routing); when nobody is, the lead goes to the pool, and the managers
 * are told once (`notify`'s `stuck`) until a routed lead finds someone again (`organizations.routing_stuck_at`). Run
 * only in a routing turn of the PoolRoom (pool/routing-turns.ts `routeInTurn`).
 * @returns where each lead went, in `leadIds` order
 */
export async function routeLeadsNow(
  unit: AnyUnit,
  leadIds: string[],
  options: { notify?: RoutingNotifier } = {},
): Promise<RoutedLead[]> {
  const { db, now } = unit
  const orgId = unit.org.id
  const actorId = unit.actor?.id ?? null
  const org = await db
    .select({
      routing: organizations.routing,
      last: organizations.routingLastUserId,
      cap: organizations.poolClaimCap,
      shape: organizations.routingShape,
      stuckAt: organizations.routingStuckAt,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get()
  if (!org || leadIds.length === 0) return []
  const found = await db
    .select({ id: leads.id, name: leads.name, assigned: sql<boolean>`${leads.assigneeCount} > 0` })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), inIdSet(leads.id, leadIds)))
    .all()
  const names = new Map(found.map((l) => [l.id, l.name]))
  const assigned = new Set(found.filter((l) => Boolean(l.assigned)).map((l) => l.id))
  const open = leadIds.filter((id) => names.has(id) && !assigned.has(id))
  if (org.routing === 'unassigned' || open.length === 0)
    return leadIds.map((leadId) => ({ leadId, to: assigned.has(leadId) ? 'assigned' : 'unassigned' }))

  const roundRobin = org.routing === 'round_robin'
  const [members, away] = roundRobin
    ? await Promise.all([rotation(db, orgId), awayMembers(db, orgId, now)])
    : [[], new Map<string, number | null>()]
  // Counted only for members a cap applies to: with no cap, a turn reads no leads.
  const capped = members.filter((m) => m.active && (org.cap > 0 || m.cap > 0)).map((m) => m.userId)
  const held = await heldLeads(db, orgId, capped)
  const holds = (userId: string) => held.get(userId) ?? { pool: 0, routed: 0 }
  /** Why `m` cannot take a lead now, or null when they can. */
  const passedOver = (m: (typeof members)[number]): Skipped | null => {
    const who = { id: m.userId, name: m.name }
    if (!m.active) return { ...who, why: 'deactivated' }
    if (away.has(m.userId)) return { ...who, why: 'away', until: away.get(m.userId) ?? null }
    const hours = workingHoursOf(m, m.timeZone)
    const opens = hours && closedUntil(now, hours)
    if (opens) return { ...who, why: 'outside_hours', until: opens }
    const h = holds(m.userId)
    if ((org.cap > 0 && h.pool >= org.cap) || (m.cap > 0 && h.routed >= m.cap)) return { ...who, why: 'at_cap' }
    return null
  }

  let state: RotationState = {
    shape: org.shape,
    credits: new Map(members.map((m) => [m.userId, m.credit])),
    last: org.last,
  }
  let stuckAt = org.stuckAt
  const stuck: { id: string; name: string }[] = []
  const statements: BatchItem<'sqlite'>[] = []
  const routed = new Map<string, string>()
  for (const leadId of open) {
    const skipped = members.map(passedOver).filter((s) => s !== null)
    const candidates = members
      .filter((m) => !skipped.some((s) => s.id === m.userId))
      .map((m) => ({ userId: m.userId, weight: m.weight }))
    const turn = candidates.length > 0 ? takeTurn(state, candidates) : null
    const next = turn && members.find((m) => m.userId === turn.userId)
    if (turn && next) {
      state = turn.state
      stuckAt = null
      const h = holds(next.userId)
      held.set(next.userId, { pool: h.pool + 1, routed: h.routed + 1 })
      routed.set(leadId, next.userId)
      statements.push(
        db
          .insert(leadAssignees)
          .values({ orgId, leadId, userId: next.userId, kind: 'primary', assignedBy: actorId, assignedAt: now }),
        db
          .update(leads)
          .set({ inPool: false, pooledAt: null, updatedAt: now })
          .where(and(eq(leads.id, leadId), eq(leads.orgId, orgId))),
        db.insert(activities).values(
          activityRow({
            orgId,
            leadId,
            actorId,
            type: 'assigned',
            data: {
              from: null,
              to: { id: next.userId, name: next.name },
              via: 'routing',
              skipped,
              balance: balanceAfter(turn.state, candidates),
            },
            at: now,
          }),
        ),
      )
    } else {
      routed.set(leadId, 'pool')
      if (roundRobin && (stuckAt === null || stuck.length > 0)) {
        stuckAt = now
        stuck.push({ id: leadId, name: names.get(leadId)! })
      }
      statements.push(
        db
          .update(leads)
          .set({ inPool: true, pooledAt: now, updatedAt: now })
          .where(and(eq(leads.id, leadId), eq(leads.orgId, orgId))),
        db.insert(activities).values(
          activityRow({
            orgId,
            leadId,
            actorId,
            type: 'moved_to_pool',
            data: roundRobin ? { via: 'routing', skipped } : { via: 'routing' },
            at: now,
          }),
        ),
      )
    }
  }
  for (const m of members) {
    const credit = state.credits.get(m.userId) ?? 0
    if (credit !== m.credit)
      statements.push(
        db
          .update(routingMembers)
          .set({ credit })
          .where(and(eq(routingMembers.orgId, orgId), eq(routingMembers.userId, m.userId))),
      )
  }
  if (state.last !== org.last || state.shape !== org.shape || stuckAt !== org.stuckAt)
    statements.push(
      db
        .update(organizations)
        .set({ routingLastUserId: state.last, routingShape: state.shape, routingStuckAt: stuckAt })
        .where(eq(organizations.id, orgId)),
    )
  const plan = open.map((leadId) => {
    const to = routed.get(leadId)!
    const member = members.find((m) => m.userId === to)
    return {
      lead: { id: leadId, name: names.get(leadId)! },
      to: member ? { id: member.userId, name: member.name } : null,
    }
  })
  const told = options.notify ? await options.notify(plan, stuck) : null
  await runBatch(db, [...statements, ...(told?.statements ?? [])])
  await told?.afterCommit()
  return leadIds.map((leadId) => ({
    leadId,
    to: routed.get(leadId) ?? (names.has(leadId) ? 'assigned' : 'unassigned'),
  }))
}

/**
 * Routes the new leads `leadIds` of `orgId` in a routing turn of the organization's PoolRoom (one routing at a time
 * per organization: pool/pool-room.ts `takeRoutingTurn`). `actorId`: who brought them in (null for the web form and the API).
 * @returns where each lead went
 */
export async function routeNewLeads(
  env: Env,
  orgId: string,
  leadIds: string[],
  actorId: string | null,
): Promise<RoutedLead[]> {
  if (leadIds.length === 0) return []
  return env.POOL_ROOM.get(env.POOL_ROOM.idFromName(orgId)).takeRoutingTurn(orgId, leadIds, actorId)
}

/** `routeOrLog` bound to `env`, for the import's writers (the request and the import queue). */
export function leadRouter(env: Env): LeadRouter {
  return (orgId, leadIds, actorId) => routeOrLog(env, orgId, leadIds, actorId)
}

/**
 * `routeNewLeads`, for callers whose leads are already saved: a routing failure is logged and the leads stay
 * unassigned (Owners and Admins see them for triage), rather than failing a create that succeeded.
 */
export async function routeOrLog(
  env: Env,
  orgId: string,
  leadIds: string[],
  actorId: string | null,
): Promise<RoutedLead[]> {
  try {
    return await routeNewLeads(env, orgId, leadIds, actorId)
  } catch (error) {
    console.error('new leads not routed; left unassigned', orgId, leadIds.length, error)
    return leadIds.map((leadId) => ({ leadId, to: 'unassigned' }))
  }
}
