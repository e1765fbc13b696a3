/**
 * Reassignment requests (docs/ARCHITECTURE.md "Handoffs"): an Agent who owns a lead but may not hand it off
 * asks the Owners/Admins to reassign it (`reassignment_requests`, one waiting per lead). The request ends with
 * any change of the lead's primary assignee (handoffs.ts `handoffChange`), its release or its return to the pool.
 */
import { and, eq } from 'drizzle-orm'
import { activityRow } from '../activity/activities'
import { retryInUnit, type Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { primaryIs, unlessChanged } from '../db/guard'
import { activities, reassignmentRequests, users } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { canRequestReassignment, factsOf } from '../leads/policy'
import { fanOut } from '../notifications/fan-out'

/** The refusal of a reassignment request by someone who may not ask. */
export const REASSIGNMENT_REQUESTERS =
  'Only an Agent who is the lead’s assignee can ask for it to be reassigned; Owners and Admins reassign it.'

/** The pending reassignment request of lead `leadId` of `unit.org`, with the requester's name, or null. */
export async function findReassignmentRequest(unit: Pick<Unit, 'db' | 'org'>, leadId: string) {
  const { db } = unit
  const orgId = unit.org.id
  return (
    (await db
      .select({
        requestedBy: reassignmentRequests.requestedBy,
        note: reassignmentRequests.note,
        at: reassignmentRequests.createdAt,
        name: users.name,
      })
      .from(reassignmentRequests)
      .innerJoin(users, eq(users.id, reassignmentRequests.requestedBy))
      .where(and(eq(reassignmentRequests.orgId, orgId), eq(reassignmentRequests.leadId, leadId)))
      .get()) ?? null
  )
}

/**
 * An Agent who owns a lead asks the Owners/Admins to reassign it: the request (marking the lead for
 * the list filter *Reassignment requested*) and a `reassignment_requested` activity (`data.reason`)
 * in one batch with the notifications to the Owners/Admins (fan-out `reassignment_requested`, each
 * told once). One request at a time per lead. `unit`'s member asks, at `unit.now`; `note`: their reason.
 * @throws Refusal 404 when not visible; 403 when the member is not an Agent owning it; 409 when a
 *   request is already waiting
 */
export async function requestReassignment(unit: Unit, leadId: string, note: string): Promise<void> {
  const { db, viewer } = unit
  await retryInUnit(unit, ['reassignment_requests.lead_id'], async (attempt) => {
    const { now } = attempt
    const lead = await findVisibleLead(unit, leadId)
    if (!lead) throw notFound()
    if (!canRequestReassignment(viewer, factsOf(lead))) {
      throw new Refusal(403, REASSIGNMENT_REQUESTERS)
    }
    if (await findReassignmentRequest(unit, lead.id)) {
      throw new Refusal(409, 'You already asked for this lead to be reassigned; an Owner or Admin will pick it up.')
    }
    const fan = await fanOut(attempt, [
      { type: 'reassignment_requested', leads: [{ id: lead.id, name: lead.name }], note },
    ])
    await runBatch(db, [
      unlessChanged(db, primaryIs(lead.id, viewer.userId)),
      db
        .insert(reassignmentRequests)
        .values({ leadId: lead.id, orgId: viewer.orgId, requestedBy: viewer.userId, note, createdAt: now }),
      db.insert(activities).values(
        activityRow({
          orgId: viewer.orgId,
          leadId: lead.id,
          actorId: viewer.userId,
          type: 'reassignment_requested',
          data: { reason: note },
          at: now,
        }),
      ),
      ...fan.statements,
    ])
    await fan.afterCommit()
  })
}
