/**
 * The body of a webhook delivery (README "Webhooks"): `{ type, timestamp, data: { sequence, lead, actor, details } }`,
 * built from the activity the event records at its first attempt and kept, so every retry sends the same bytes.
 */
import { and, eq } from 'drizzle-orm'
import type { Database } from '../db/client'
import { activities, leadAssignees, leads, users, type WebhookDelivery, type WebhookEvent } from '../db/schema'
import { apiLead, iso } from '../api/representations'

/** A webhook body as JSON. `timestamp`: when the change happened (ISO 8601, UTC). */
export type WebhookPayload = {
  type: WebhookEvent
  timestamp: string
  data: {
    /** The lead's event number: 1, 2, …; a receiver orders one lead's events by it. */
    sequence: number
    /** The lead as the API's `GET /leads/{id}` answers its fields, with its assignees, when the event is first sent. */
    lead: (ReturnType<typeof apiLead> & { archived: boolean; assignees: Assignee[] }) | { id: string }
    /** Who made the change (a member or an API key's integration); null when Leadpool did (routing, the web form). */
    actor: { id: string; name: string } | null
    /** What the timeline keeps of the change (e.g. a status's `from` and `to`, a note's `body`). */
    details: Record<string, unknown>
  }
}

type Assignee = { id: string; name: string; kind: 'primary' | 'collaborator' }

/**
 * The JSON body of `delivery` (of its organization `delivery.orgId`), read from its activity and its lead now.
 * @returns the body as the text that is signed and sent
 */
export async function webhookPayload(
  db: Database,
  delivery: Pick<WebhookDelivery, 'orgId' | 'leadId' | 'activityId' | 'type' | 'seq' | 'createdAt'>,
): Promise<string> {
  const { orgId, leadId } = delivery
  const [activity, lead, assignees] = await Promise.all([
    db
      .select({ createdAt: activities.createdAt, data: activities.data, actorId: users.id, actorName: users.name })
      .from(activities)
      .leftJoin(users, eq(users.id, activities.actorId))
      .where(and(eq(activities.id, delivery.activityId), eq(activities.orgId, orgId)))
      .get(),
    db
      .select()
      .from(leads)
      .where(and(eq(leads.id, leadId), eq(leads.orgId, orgId)))
      .get(),
    db
      .select({ id: users.id, name: users.name, kind: leadAssignees.kind })
      .from(leadAssignees)
      .innerJoin(users, eq(users.id, leadAssignees.userId))
      .where(and(eq(leadAssignees.leadId, leadId), eq(leadAssignees.orgId, orgId)))
      .all(),
  ])
  const payload: WebhookPayload = {
    type: delivery.type,
    timestamp: iso(activity?.createdAt ?? delivery.createdAt),
    data: {
      sequence: delivery.seq,
      lead: lead ? { ...apiLead(lead), archived: lead.archivedAt !== null, assignees } : { id: leadId },
      actor: activity?.actorId ? { id: activity.actorId, name: activity.actorName ?? '' } : null,
      details: activity?.data ?? {},
    },
  }
  return JSON.stringify(payload)
}
