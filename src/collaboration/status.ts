/** Changing a lead's status, with a `status_changed` activity (from / to) in the same batch. */
import type { Database } from '../db/client'
import type { LeadStatus } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead, updateLead } from '../leads/leads'
import { type Viewer } from '../access/viewer'
import { canEdit, factsOf } from '../leads/policy'

/**
 * Sets the status of `leadId`; no-op when unchanged.
 * @throws Refusal 404 when not visible, 403 when `viewer` may see but not edit the lead
 */
export async function changeStatus(db: Database, viewer: Viewer, leadId: string, status: LeadStatus, now = Date.now()) {
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  if (!canEdit(viewer, factsOf(lead))) {
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can change this lead.')
  }
  if (lead.status === status) return
  await updateLead(
    db,
    viewer,
    lead.id,
    { status },
    { type: 'status_changed', data: { from: lead.status, to: status } },
    now,
  )
}
