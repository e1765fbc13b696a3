/**
 * Routing of new leads (the organization's setting `routing`): leave them unassigned, put them in the pool, or
 * give them round-robin to the chosen members (`routing_members`, in `position` order), skipping deactivated
 * members and members at the claim cap, and putting a lead in the pool when nobody is eligible. One rotation
 * serves the web form, the API, leads Owners and Admins type in, and imports.
 *
 * The rotation's position (`organizations.routing_last_user_id`) is read and advanced only in a routing turn of the
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

export type { LeadRouter, RoutedLead }

/** Where each routed lead went (`to` null: the pool). */
export type RoutingPlan = { lead: { id: string; name: string }; to: { id: string; name: string } | null }[]

/**
 * Plans the notifications of a routing (the PoolRoom's routing turn passes the fan-out, which lives above leads/):
 * statements for the routing's batch, and what to do once it committed.
 */
export type RoutingNotifier = (
  plan: RoutingPlan,
) => Promise<{ statements: BatchItem<'sqlite'>[]; afterCommit(): Promise<void> }>

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
    .innerJoin(
      activities,
      and(
        eq(activities.leadId, leadAssignees.leadId),
        eq(activities.createdAt, leadAssignees.assignedAt),
        or(
          and(eq(activities.type, 'claimed'), eq(activities.actorId, leadAssignees.userId)),
          and(eq(activities.type, 'assigned'), sql`json_extract(${activities.data}, '$.via') = 'routing'`),
        ),
      ),
    )
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

/** The rotation of `orgId`: its members in order, with whether each may be given a lead now. */
async function rotation(db: Database, orgId: string) {
  return db
    .select({
      userId: routingMembers.userId,
      name: users.name,
      active: sql<number>`${memberships.status} = 'active'`,
    })
    .from(routingMembers)
    .innerJoin(users, eq(users.id, routingMembers.userId))
    .innerJoin(memberships, and(eq(memberships.orgId, orgId), eq(memberships.userId, routingMembers.userId)))
    .where(eq(routingMembers.orgId, orgId))
    .orderBy(asc(routingMembers.position), asc(routingMembers.userId))
    .all()
}

/**
 * Routes `leadIds` of the unit's organization now: leads that already have an assignee (an Agent's own lead) are
 * left alone; the rest go where the setting says, written in one D1 batch stamped `unit.now` with an activity per
 * lead by the unit's actor (`assigned` with `data.via = 'routing'`, or `moved_to_pool`) and the new rotation
 * position, with `options.notify`'s statements (the notifications of the routing). Run only in a routing turn of the
 * PoolRoom (pool/routing-turns.ts `routeInTurn`).
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

  const members = org.routing === 'round_robin' ? await rotation(db, orgId) : []
  const held = new Map<string, number>()
  if (org.cap > 0)
    for (const m of members) if (m.active) held.set(m.userId, await openPoolLeadCount(db, orgId, m.userId))
  const eligible = (userId: string) => org.cap <= 0 || (held.get(userId) ?? 0) < org.cap

  let last = org.last
  const statements: BatchItem<'sqlite'>[] = []
  const routed = new Map<string, string>()
  for (const leadId of open) {
    const start = members.findIndex((m) => m.userId === last) + 1
    const next = members
      .map((_, i) => members[(start + i) % members.length]!)
      .find((m) => m.active && eligible(m.userId))
    if (next) {
      last = next.userId
      held.set(next.userId, (held.get(next.userId) ?? 0) + 1)
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
            data: { from: null, to: { id: next.userId, name: next.name }, via: 'routing' },
            at: now,
          }),
        ),
      )
    } else {
      routed.set(leadId, 'pool')
      statements.push(
        db
          .update(leads)
          .set({ inPool: true, pooledAt: now, updatedAt: now })
          .where(and(eq(leads.id, leadId), eq(leads.orgId, orgId))),
        db
          .insert(activities)
          .values(activityRow({ orgId, leadId, actorId, type: 'moved_to_pool', data: { via: 'routing' }, at: now })),
      )
    }
  }
  if (last !== org.last)
    statements.push(db.update(organizations).set({ routingLastUserId: last }).where(eq(organizations.id, orgId)))
  const plan = open.map((leadId) => {
    const to = routed.get(leadId)!
    const member = members.find((m) => m.userId === to)
    return {
      lead: { id: leadId, name: names.get(leadId)! },
      to: member ? { id: member.userId, name: member.name } : null,
    }
  })
  const told = options.notify ? await options.notify(plan) : null
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
