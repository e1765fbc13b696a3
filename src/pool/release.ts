/**
 * Releasing a lead back to the pool: its primary assignee (or an Owner/Admin) puts it back with a note. Every
 * assignee of the lead becomes a former assignee (they keep seeing it), the lead enters the pool again, and the
 * note, the `released` activity and its notifications (fan-out) are written in the same D1 batch.
 */
import { and, eq } from 'drizzle-orm'
import { activityRow } from '../activity/activities'
import { retryInUnit, type Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { holdersAre, notArchived, primaryIs, unlessChanged } from '../db/guard'
import {
  activities,
  formerAssignees,
  leadAssignees,
  leadHandoffs,
  leads,
  notes,
  reassignmentRequests,
} from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { findVisibleLead } from '../leads/lead-detail'
import { isManager } from '../access/viewer'
import { refuseArchived } from '../leads/policy'
import { refuseChangedHolders } from '../leads/holders'
import { fanOut } from '../notifications/fan-out'

/**
 * Releases `leadId` to the pool with `note` (may be empty): `unit`'s member acts, at `unit.now` (epoch ms).
 * `options.shown`: the holders (sorted user ids, leads/holders.ts) the form was shown with; undefined: not checked.
 * @returns the former primary assignee (id and name)
 * @throws Refusal 404 when not visible; 403 when the viewer is neither its primary assignee nor a manager; 409
 *   when its holders are no longer `options.shown` (naming who holds it now), when it has no assignee or is archived
 *   (or the assignment changed meanwhile and kept changing)
 */
export async function releaseLead(unit: Unit, leadId: string, note: string, options: { shown?: string[] } = {}) {
  return retryInUnit(unit, [], (attempt) => releaseOnce(attempt, leadId, note, options.shown))
}

async function releaseOnce(unit: Unit, leadId: string, note: string, shown: string[] | undefined) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const primary = lead.assignees.find((a) => a.kind === 'primary')
  // Who may release it is asked first: a holders refusal names the holders, which only they may learn.
  if (primary && primary.userId !== viewer.userId && !isManager(viewer))
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can release it to the pool.')
  refuseChangedHolders(lead, shown)
  if (!primary) throw new Refusal(409, 'This lead has no assignee to release it.')
  if (primary.userId !== viewer.userId && !isManager(viewer))
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can release it to the pool.')
  refuseArchived(lead)
  const noteId = note ? newId() : null
  // Owners and Admins who opted in are told (notifications/events.ts `released`).
  const fan = await fanOut(unit, [
    { type: 'released', leads: [{ id: lead.id, name: lead.name }], ...(note ? { note } : {}) },
  ])
  await runBatch(db, [
    // Archived in between: refused on the retry, so archiving and releasing at once never both win.
    unlessChanged(
      db,
      and(
        primaryIs(lead.id, primary.userId),
        notArchived(lead.id),
        shown ? holdersAre([[lead.id, shown]]) : undefined,
      )!,
    ),
    ...lead.assignees.map((a) =>
      db
        .insert(formerAssignees)
        .values({ orgId: viewer.orgId, leadId: lead.id, userId: a.userId, endedAt: now })
        .onConflictDoUpdate({ target: [formerAssignees.leadId, formerAssignees.userId], set: { endedAt: now } }),
    ),
    db.delete(leadAssignees).where(and(eq(leadAssignees.orgId, viewer.orgId), eq(leadAssignees.leadId, lead.id))),
    // Its handoff and reassignment request end with its owner (assignment/handoffs.ts).
    db.delete(leadHandoffs).where(eq(leadHandoffs.leadId, lead.id)),
    db.delete(reassignmentRequests).where(eq(reassignmentRequests.leadId, lead.id)),
    db
      .update(leads)
      .set({ inPool: true, pooledAt: now, returnWarnedAt: null, updatedAt: now })
      .where(and(eq(leads.id, lead.id), eq(leads.orgId, viewer.orgId))),
    ...(noteId
      ? [
          db.insert(notes).values({
            id: noteId,
            orgId: viewer.orgId,
            leadId: lead.id,
            authorId: viewer.userId,
            body: note,
            createdAt: now,
          }),
        ]
      : []),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId: lead.id,
        actorId: viewer.userId,
        type: 'released',
        data: noteId
          ? { from: { id: primary.userId, name: primary.name }, note, noteId }
          : { from: { id: primary.userId, name: primary.name } },
        at: now,
      }),
    ),
    ...fan.statements,
  ])
  await fan.afterCommit()
  return { id: primary.userId, name: primary.name }
}
