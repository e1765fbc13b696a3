/**
 * Routing of new leads: the first routing rule that matches (leads/routing-rules.ts, each with its own rotation), else
 * the organization's setting `routing`, the fallback: leave them unassigned, put them in the pool, or give them by
 * weighted round-robin (leads/weighted-rotation.ts) to the chosen members (`routing_members`, in `position` order),
 * skipping deactivated members, members away (orgs/away.ts) or outside their working hours (orgs/working-hours.ts),
 * and members at the claim cap or at their routing cap.
 * One decision (leads/routing-plan.ts) serves the web form, the API, leads Owners and Admins type in, imports and
 * the rules page's dry run.
 *
 * The rotations' state (`organizations.routing_last_user_id`, `routing_shape`, `routing_members.credit`, and each
 * rule's in `routing_rules` and `routing_rule_members`) is read and advanced only in a routing turn of the
 * organization's PoolRoom (pool/routing-turns.ts), one routing at a time, so concurrent submissions never hand two
 * leads to the same turn. Callers use `routeNewLeads` (or `leadRouter`), never `routeLeadsNow` directly.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit } from '../access/unit'
import { activityRow } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import {
  activities,
  leadAssignees,
  leads,
  memberships,
  organizations,
  routingMembers,
  routingRuleMembers,
  routingRules,
  users,
  type RoutingMode,
} from '../db/schema'
import type { Env } from '../env'
import { OPEN_STATUSES } from '../orgs/members'
import type { LeadRouter, RoutedLead } from './routed'
import { inIdSet } from '../db/id-sets'
import { awayMembers } from '../orgs/away'
import { workingHoursOf } from '../orgs/working-hours'
import { closedUntil } from '../lib/business-time'
import { decide, type Balance, type Decision, type Rotation, type RoutingState, type Skipped } from './routing-plan'

export type { Balance, LeadRouter, RoutedLead, Skipped }

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
 * The members of `orgId` routing may give leads to (every membership: a deactivated one is skipped, named; with their
 * working-hours columns and time zone), and the rotations: the organization's (`org`, `routing_members`) and each `round_robin` rule's (`routing_rule_members`),
 * each in order.
 */
async function rotations(db: Database, orgId: string, org: { last: string | null; shape: string }, rules: RuleRow[]) {
  const [members, orgRotation, ruleRotations] = await Promise.all([
    db
      .select({
        userId: memberships.userId,
        name: users.name,
        active: sql<number>`${memberships.status} = 'active'`,
        weight: memberships.routingWeight,
        cap: memberships.routingCap,
        workDays: memberships.workDays,
        workStart: memberships.workStart,
        workEnd: memberships.workEnd,
        timeZone: users.timeZone,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.orgId, orgId))
      .all(),
    db
      .select({ userId: routingMembers.userId, credit: routingMembers.credit })
      .from(routingMembers)
      .where(eq(routingMembers.orgId, orgId))
      .orderBy(asc(routingMembers.position), asc(routingMembers.userId))
      .all(),
    db
      .select({
        ruleId: routingRuleMembers.ruleId,
        userId: routingRuleMembers.userId,
        credit: routingRuleMembers.credit,
      })
      .from(routingRuleMembers)
      .where(eq(routingRuleMembers.orgId, orgId))
      .orderBy(asc(routingRuleMembers.position), asc(routingRuleMembers.userId))
      .all(),
  ])
  const rotation = (rows: { userId: string; credit: number }[], last: string | null, shape: string): Rotation => ({
    memberIds: rows.map((r) => r.userId),
    state: { shape, last, credits: new Map(rows.map((r) => [r.userId, r.credit])) },
  })
  const all = new Map<string, Rotation>([['org', rotation(orgRotation, org.last, org.shape)]])
  for (const rule of rules.filter((r) => r.action === 'round_robin'))
    all.set(
      rule.id,
      rotation(
        ruleRotations.filter((r) => r.ruleId === rule.id),
        rule.lastUserId,
        rule.shape,
      ),
    )
  return { members: new Map(members.map((m) => [m.userId, { ...m, active: Boolean(m.active) }])), rotations: all }
}

/**
 * The members of `members` outside their working hours (orgs/working-hours.ts, in their own time zone) at `now`
 * (epoch ms), each with when those hours next start (epoch ms); members without working hours are never outside them.
 */
function outsideWorkingHours(
  members: Iterable<{ userId: string; workDays: string | null; workStart: string; workEnd: string; timeZone: string }>,
  now: number,
): Map<string, number> {
  const outside = new Map<string, number>()
  for (const m of members) {
    const hours = workingHoursOf(m, m.timeZone)
    const opens = hours && closedUntil(now, hours)
    if (opens) outside.set(m.userId, opens)
  }
  return outside
}

/** The routing rules of `orgId`, in order. */
function rulesOf(db: Database, orgId: string) {
  return db
    .select()
    .from(routingRules)
    .where(eq(routingRules.orgId, orgId))
    .orderBy(asc(routingRules.position), asc(routingRules.id))
    .all()
}
type RuleRow = Awaited<ReturnType<typeof rulesOf>>[number]

/** What `readRoutingState` read: the state to decide from, and what was stored, to write back only what changed. */
export type RoutingRead = {
  state: RoutingState
  org: { routing: RoutingMode; stuckAt: number | null }
  /** Each rotation as stored: who took its last lead, its stretch and credits. */
  stored: Map<string, { last: string | null; shape: string; credits: Map<string, number> }>
}

/**
 * Everything routing decides from in `orgId` at `now` (epoch ms), read once (leads/routing-plan.ts); null when there
 * is no such organization.
 */
export async function readRoutingState(db: Database, orgId: string, now: number): Promise<RoutingRead | null> {
  const [org, rules] = await Promise.all([
    db
      .select({
        routing: organizations.routing,
        last: organizations.routingLastUserId,
        cap: organizations.poolClaimCap,
        shape: organizations.routingShape,
        stuckAt: organizations.routingStuckAt,
      })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .get(),
    rulesOf(db, orgId),
  ])
  if (!org) return null
  const [{ members, rotations: all }, away] = await Promise.all([
    rotations(db, orgId, org, rules),
    awayMembers(db, orgId, now),
  ])
  // Counted only for members a cap applies to: with no cap, a turn reads no leads.
  const capped = [...members.values()].filter((m) => m.active && (org.cap > 0 || m.cap > 0)).map((m) => m.userId)
  const stored = new Map(
    [...all].map(([id, r]) => [id, { last: r.state.last, shape: r.state.shape, credits: new Map(r.state.credits) }]),
  )
  const state: RoutingState = {
    fallback: org.routing,
    claimCap: org.cap,
    members,
    away,
    offHours: outsideWorkingHours(members.values(), now),
    held: await heldLeads(db, orgId, capped),
    rules: rules.map((r) => ({
      id: r.id,
      name: r.name,
      conditions: r.conditions,
      action: r.action,
      memberId: r.memberId,
    })),
    rotations: all,
  }
  return { state, org, stored }
}

/** The leads `leadIds` of `orgId` as the rules see them (`via`: how each came in; `typed` by a member). */
async function leadShapes(db: Database, orgId: string, leadIds: string[]) {
  return db
    .select({
      id: leads.id,
      name: leads.name,
      email: leads.email,
      phone: leads.phone,
      company: leads.company,
      source: leads.source,
      status: leads.status,
      // Qualified by hand: in a one-table select Drizzle writes "id", which inside the subquery is the activity's.
      via: sql<string>`coalesce((SELECT json_extract(a.data, '$.via') FROM activities a
        WHERE a.lead_id = "leads"."id" AND a.type = 'created' LIMIT 1), 'typed')`,
      assigned: sql<boolean>`${leads.assigneeCount} > 0`,
    })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), inIdSet(leads.id, leadIds)))
    .all()
}

/**
 * Routes `leadIds` of the unit's organization now: leads that already have an assignee (an Agent's own lead) are
 * left alone; each of the rest goes where the first matching routing rule says, else where the organization's
 * setting says (leads/routing-plan.ts `decide`), written in one D1 batch stamped `unit.now` with an activity per
 * lead by the unit's actor (`assigned` with `data.via = 'routing'`, or `moved_to_pool`; `data.skipped`: who was
 * passed over and why; `data.rule`: the rule that decided, `data.fellThrough`: the rule that matched but none of
 * whose members could take it, each `{ id, name }` at that time; `data.balance` of an `assigned`: the fairness
 * balance after it of the rotation that decided, `Balance`) and the rotations' new state, with
 * `options.notify`'s statements (the notifications of the routing). When the organization's round-robin finds
 * nobody, the lead goes to the pool and the managers are told once (`notify`'s `stuck`) until a routed lead finds
 * someone again (`organizations.routing_stuck_at`). Run only in a routing turn of the PoolRoom
 * (pool/routing-turns.ts `routeInTurn`).
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
  if (leadIds.length === 0) return []
  const [read, found] = await Promise.all([readRoutingState(db, orgId, now), leadShapes(db, orgId, leadIds)])
  if (!read) return []
  const { org, state } = read
  const byId = new Map(found.map((l) => [l.id, l]))
  const assigned = new Set(found.filter((l) => Boolean(l.assigned)).map((l) => l.id))
  const open = leadIds.filter((id) => byId.has(id) && !assigned.has(id))
  if ((org.routing === 'unassigned' && state.rules.length === 0) || open.length === 0)
    return leadIds.map((leadId) => ({ leadId, to: assigned.has(leadId) ? 'assigned' : 'unassigned' }))

  let stuckAt = org.stuckAt
  const stuck: { id: string; name: string }[] = []
  const statements: BatchItem<'sqlite'>[] = []
  const routed = new Map<string, string>()
  const plan: RoutingPlan = []
  for (const leadId of open) {
    const lead = byId.get(leadId)!
    const decision = decide(state, lead)
    const { to } = decision
    routed.set(leadId, typeof to === 'string' ? to : to.id)
    if (to === 'unassigned') continue
    plan.push({ lead: { id: leadId, name: lead.name }, to: to === 'pool' ? null : to })
    const data = ledgerData(decision)
    const where = and(eq(leads.id, leadId), eq(leads.orgId, orgId))
    if (to === 'pool') {
      if (decision.stuck && (stuckAt === null || stuck.length > 0)) {
        stuckAt = now
        stuck.push({ id: leadId, name: lead.name })
      }
      statements.push(
        db.update(leads).set({ inPool: true, pooledAt: now, updatedAt: now }).where(where),
        db.insert(activities).values(activityRow({ orgId, leadId, actorId, type: 'moved_to_pool', data, at: now })),
      )
      continue
    }
    stuckAt = null
    statements.push(
      db
        .insert(leadAssignees)
        .values({ orgId, leadId, userId: to.id, kind: 'primary', assignedBy: actorId, assignedAt: now }),
      db.update(leads).set({ inPool: false, pooledAt: null, updatedAt: now }).where(where),
      db
        .insert(activities)
        .values(activityRow({ orgId, leadId, actorId, type: 'assigned', data: { from: null, to, ...data }, at: now })),
    )
  }
  statements.push(...rotationWrites(db, orgId, read))
  if (stuckAt !== org.stuckAt)
    statements.push(db.update(organizations).set({ routingStuckAt: stuckAt }).where(eq(organizations.id, orgId)))
  const told = options.notify ? await options.notify(plan, stuck) : null
  await runBatch(db, [...statements, ...(told?.statements ?? [])])
  await told?.afterCommit()
  return leadIds.map((leadId) => ({
    leadId,
    to: routed.get(leadId) ?? (byId.has(leadId) ? 'assigned' : 'unassigned'),
  }))
}

/**
 * The ledger of a routing `decision`, kept in its activity's data: `via: 'routing'`, who was passed over
 * (`skipped`, whenever members were looked at), the rule that decided (`rule`) or fell through (`fellThrough`), and
 * for a lead given to a member the fairness balance after it (`balance`).
 */
export function ledgerData(decision: Decision): Record<string, unknown> {
  return {
    via: 'routing',
    ...(decision.rotated && { skipped: decision.skipped }),
    ...(decision.rule && { rule: decision.rule }),
    ...(decision.fellThrough && { fellThrough: decision.fellThrough }),
    ...(decision.balance && { balance: decision.balance }),
  }
}

/** The statements that store what a routing turn changed of the rotations `readRoutingState` read. */
function rotationWrites(db: Database, orgId: string, { state, stored }: RoutingRead): BatchItem<'sqlite'>[] {
  const statements: BatchItem<'sqlite'>[] = []
  for (const [id, rotation] of state.rotations) {
    const was = stored.get(id)!
    for (const userId of rotation.memberIds) {
      const credit = rotation.state.credits.get(userId) ?? 0
      if (credit === (was.credits.get(userId) ?? 0)) continue
      statements.push(
        id === 'org'
          ? db
              .update(routingMembers)
              .set({ credit })
              .where(and(eq(routingMembers.orgId, orgId), eq(routingMembers.userId, userId)))
          : db
              .update(routingRuleMembers)
              .set({ credit })
              .where(and(eq(routingRuleMembers.ruleId, id), eq(routingRuleMembers.userId, userId))),
      )
    }
    const { last, shape } = rotation.state
    if (last === was.last && shape === was.shape) continue
    statements.push(
      id === 'org'
        ? db
            .update(organizations)
            .set({ routingLastUserId: last, routingShape: shape })
            .where(eq(organizations.id, orgId))
        : db
            .update(routingRules)
            .set({ lastUserId: last, shape })
            .where(and(eq(routingRules.orgId, orgId), eq(routingRules.id, id))),
    )
  }
  return statements
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
