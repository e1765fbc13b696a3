/**
 * Routing turns: the second job of the organization's PoolRoom (pool/pool-room.ts `takeRoutingTurn`), beside its
 * claims. New leads are routed by the organization's setting (leads/routing.ts), and the round-robin position is
 * read and advanced one routing at a time, in the room's one queue. Claims and routing share that queue because
 * both count each member's leads from the pool against the claim cap (leads/routing.ts `openPoolLeadCount`): in
 * turns, a claim and a routing never overrun the cap together. Here: the unit a turn acts in, and its notifications.
 */
import { eq } from 'drizzle-orm'
import { locateOrg, orgRefColumns } from '../access/databases'
import { orgDatabase, unitFor, type AnyUnit, type UnitBindings } from '../access/unit'
import { messagesSentWith } from '../activity/activities'
import { createDb } from '../db/client'
import { organizations, users } from '../db/schema'
import { routeLeadsNow, type RoutedLead, type RoutingPlan } from '../leads/routing'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'

/**
 * The unit of a routing turn in organization `orgId` at `now` (epoch ms): the member `actorId` acts (who brought the
 * leads in), or Leadpool itself when null (the web form, the API). @returns null when there is no such organization
 */
export async function routingUnit(
  env: UnitBindings,
  orgId: string,
  actorId: string | null,
  now: number,
): Promise<AnyUnit | null> {
  const location = await locateOrg(env, { id: orgId })
  if (!location) return null
  const db = createDb(orgDatabase(env, location))
  const org = await db.select(orgRefColumns).from(organizations).where(eq(organizations.id, orgId)).get()
  if (!org) return null
  const actor = actorId
    ? ((await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, actorId)).get()) ?? null)
    : null
  return unitFor(env, org, { now, actor, db })
}

/**
 * Routes the new leads `leadIds` of `unit`'s organization now (leads/routing.ts `routeLeadsNow`), with the
 * notifications of the routing in the same batch. Run only in the organization's PoolRoom queue.
 * @returns where each lead went, in `leadIds` order
 */
export function routeInTurn(unit: AnyUnit, leadIds: string[]): Promise<RoutedLead[]> {
  return routeLeadsNow(unit, leadIds, { notify: (plan, stuck) => routingNotices(unit, plan, stuck) })
}

/**
 * The notifications of a routing: each member told of the leads routed to them (`assigned`), the Owners and
 * Admins who opted in of the leads put in the pool (`pool_new_lead`), and the Owners and Admins of the `stuck`
 * leads nobody in the rotation could take (`routing_no_one`), from `unit`'s actor (or Leadpool).
 */
async function routingNotices(unit: AnyUnit, plan: RoutingPlan, stuck: { id: string; name: string }[]) {
  const byMember = new Map<string, { to: { id: string; name: string }; leads: { id: string; name: string }[] }>()
  const pooled: { id: string; name: string }[] = []
  for (const { lead, to } of plan) {
    if (!to) pooled.push(lead)
    else byMember.set(to.id, { to, leads: [...(byMember.get(to.id)?.leads ?? []), lead] })
  }
  // A lead from the web form or the API brings its message along when the notification names that lead alone.
  const messages = unit.actor
    ? new Map<string, string>()
    : await messagesSentWith(
        unit.db,
        unit.org.id,
        plan.map((p) => p.lead.id),
      )
  const message = (leads: { id: string }[]) => {
    const note = leads.length === 1 ? messages.get(leads[0]!.id) : undefined
    return note ? { note, noteLabel: 'The message sent with the lead' } : {}
  }
  const events: NotificationEvent[] = [
    ...[...byMember.values()].map((m) => ({
      type: 'assigned' as const,
      leads: m.leads,
      to: m.to,
      ...message(m.leads),
    })),
    ...(pooled.length ? [{ type: 'pool_new_lead' as const, leads: pooled, ...message(pooled) }] : []),
    ...(stuck.length ? [{ type: 'routing_no_one' as const, leads: stuck }] : []),
  ]
  return fanOut(unit, events)
}
