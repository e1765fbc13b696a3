/**
 * Changing a lead's status, with a `status_changed` activity (from / to / optional reason) and its
 * notifications (the lead's assignee and collaborators, through the fan-out) in the same batch.
 */
import { eq } from 'drizzle-orm'
import { retryInUnit, type Unit } from '../access/unit'
import { leadIs } from '../db/guard'
import { leads, type LeadStatus } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { threeWay } from '../lib/three-way'
import { STATUS_LABELS } from '../views/labels'
import { firstTouchWaitWrite } from '../orgs/first-touch-wait'
import { findVisibleLead } from '../leads/lead-detail'
import { updateLead } from '../leads/update-lead'
import { canEdit, factsOf } from '../leads/policy'
import { fanOut } from '../notifications/fan-out'

/**
 * Sets the status of `leadId` in `unit`, keeping `options.reason` (optional) in the activity; no-op when unchanged,
 * or when the form's `options.shown` status (what it was shown with) is the one sent: someone else's change meanwhile
 * stays (lib/three-way.ts); a no-op with a reason typed is refused (422) rather than dropping the reason. A concurrent
 * change of the status in between makes it run again against the new status (so each activity's `from` is the status
 * before it). The lead's assignees and collaborators are told through the fan-out, in the same batch.
 * @returns the activity's id, or null when nothing changed
 * @throws Refusal 404 when not visible, 403 when the unit's viewer may see but not edit the lead, 422 when a reason
 *   is typed but the status stays, 409 when someone else changed the status to another one while the form was shown,
 *   409 when concurrent changes kept winning for RETRY_BUDGET_MS
 */
export async function changeStatus(
  unit: Unit,
  leadId: string,
  status: LeadStatus,
  options: { reason?: string; shown?: LeadStatus } = {},
): Promise<string | null> {
  return retryInUnit(unit, [], (attempt) => changeOnce(attempt, leadId, status, options))
}

/** One try of `changeStatus`: reads the lead, plans the change against it, writes it unless the status moved meanwhile. */
async function changeOnce(
  unit: Unit,
  leadId: string,
  status: LeadStatus,
  { reason = '', shown }: { reason?: string; shown?: LeadStatus },
) {
  const { viewer } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (!canEdit(viewer, factsOf(lead))) {
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can change this lead.')
  }
  const { apply, conflicts } = threeWay(['status'], lead, { status: shown }, { status })
  if (conflicts.length > 0)
    throw new Refusal(
      409,
      `Someone else changed the status to ${STATUS_LABELS[lead.status]} while you had this page open. Choose again if it should still change.`,
    )
  if (!apply.status) {
    // A reason typed for a status that stays would be kept nowhere: refused, never dropped.
    if (reason)
      throw new Refusal(
        422,
        `The status stays ${STATUS_LABELS[lead.status]}, so the reason would be kept nowhere: choose another status, or add it as a note.`,
        { field: 'reason' },
      )
    return null
  }
  const change = { from: lead.status, to: status }
  const [fan, touch] = await Promise.all([
    fanOut(unit, [
      { type: 'status_changed', leads: [{ id: lead.id, name: lead.name }], status: change, note: reason || undefined },
    ]),
    firstTouchWaitWrite(unit, [lead]),
  ])
  const activityId = await updateLead(unit, lead.id, {
    set: { status },
    activity: { type: 'status_changed', data: { ...change, ...(reason ? { reason } : {}) } },
    expected: leadIs(lead.id, eq(leads.status, lead.status)),
    also: [...touch, ...fan.statements],
  })
  await fan.afterCommit()
  return activityId
}
