/** Changing a lead's status, with a `status_changed` activity (from / to / reason) in the same batch. */
import { eq } from 'drizzle-orm'
import type { Database } from '../db/client'
import { retryOnConflict } from '../db/errors'
import { leadIs } from '../db/guard'
import { leads, type LeadStatus } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead, updateLead } from '../leads/leads'
import { type Viewer } from '../access/viewer'
import { canEdit, factsOf } from '../leads/policy'
import { STATUS_LABELS } from '../views/labels'
import { notificationStatements, type CollaborationEvent } from './notify'

/**
 * Sets the status of `leadId`, with an optional `reason` kept in the activity; no-op when unchanged.
 * The lead's assignees (other than the actor) are notified.
 * @returns the activity's id, or null when unchanged A concurrent change of the status in between
 * makes it run again against the new status (so each activity's `from` is the status before it).
 * @throws Refusal 404 when not visible, 403 when `viewer` may see but not edit the lead, 409 when
 *   concurrent changes kept winning for RETRY_BUDGET_MS
 */
export async function changeStatus(
  db: Database,
  viewer: Viewer,
  leadId: string,
  status: LeadStatus,
  now?: number,
  reason = '',
): Promise<string | null> {
  // Each try is stamped when it runs, so the timeline keeps the order the changes took effect in.
  return retryOnConflict([], () => changeOnce(db, viewer, leadId, status, now ?? Date.now(), reason))
}

async function changeOnce(
  db: Database,
  viewer: Viewer,
  leadId: string,
  status: LeadStatus,
  now: number,
  reason: string,
) {
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  if (!canEdit(viewer, factsOf(lead))) {
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can change this lead.')
  }
  if (lead.status === status) return null
  const recipients = lead.assignees.map((a) => a.userId).filter((id) => id !== viewer.userId)
  const event: CollaborationEvent = {
    type: 'status_changed',
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    recipientIds: recipients,
    text: `${lead.name} is now ${STATUS_LABELS[status]}`,
  }
  return updateLead(
    db,
    viewer,
    lead.id,
    { status },
    { type: 'status_changed', data: { from: lead.status, to: status, ...(reason ? { reason } : {}) } },
    now,
    leadIs(lead.id, eq(leads.status, lead.status)),
    notificationStatements(db, recipients.length ? [event] : []),
  )
}
