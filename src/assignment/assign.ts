/**
 * Assigning a lead's primary owner: the one domain function behind every assignment path, so each
 * writes the same activity. Writes happen in one atomic D1 batch.
 *
 * - none → X: `assigned`; X → none: `unassigned`; X → Y: `transferred` (with the handoff note).
 * - The previous assignee is recorded as a former assignee and keeps view access.
 * - Assigning takes the lead out of the pool. Reassigning to the current assignee changes nothing.
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import type { Database } from '../db/client'
import { activities, formerAssignees, leadAssignees, leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/leads'
import { canAssign, type Viewer } from '../leads/policy'
import { assignableMember } from '../orgs/members'

/** A person as recorded in an activity (the name as it was then). */
export type PersonRef = { id: string; name: string }

/** What `assignLead` did: `changed` false when the lead already had that assignee. */
export type AssignResult = { changed: boolean; from: PersonRef | null; to: PersonRef | null }

/**
 * Makes `assigneeId` the lead's primary assignee, or unassigns it when `assigneeId` is null.
 * @param note handoff note for a transfer ("why, and what the new owner needs to know")
 * @throws Refusal 403 when `viewer` may not assign, 404 when the lead is not visible, 422 when the
 *   assignee is deactivated or not a member
 */
export async function assignLead(
  db: Database,
  viewer: Viewer,
  leadId: string,
  assigneeId: string | null,
  note = '',
  now = Date.now(),
): Promise<AssignResult> {
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  if (!canAssign(viewer)) throw new Refusal(403, 'Only an Owner or Admin can assign leads.')
  const current = lead.assignees.find((a) => a.kind === 'primary')
  const from = current ? { id: current.userId, name: current.name } : null
  if ((current?.userId ?? null) === assigneeId) return { changed: false, from, to: from }
  const target = assigneeId ? await assignableMember(db, viewer.orgId, assigneeId) : null
  const to = target ? { id: target.userId, name: target.name } : null

  const statements: BatchItem<'sqlite'>[] = []
  if (current) {
    statements.push(
      db.delete(leadAssignees).where(and(eq(leadAssignees.leadId, lead.id), eq(leadAssignees.userId, current.userId))),
      db
        .insert(formerAssignees)
        .values({ orgId: viewer.orgId, leadId: lead.id, userId: current.userId, endedAt: now })
        .onConflictDoUpdate({ target: [formerAssignees.leadId, formerAssignees.userId], set: { endedAt: now } }),
    )
  }
  if (target) {
    statements.push(
      // A collaborator who becomes the primary owner keeps a single row.
      db.delete(leadAssignees).where(and(eq(leadAssignees.leadId, lead.id), eq(leadAssignees.userId, target.userId))),
      db.insert(leadAssignees).values({
        orgId: viewer.orgId,
        leadId: lead.id,
        userId: target.userId,
        kind: 'primary',
        assignedBy: viewer.userId,
        assignedAt: now,
      }),
    )
  }
  const type = !from ? 'assigned' : !to ? 'unassigned' : 'transferred'
  const data = type === 'transferred' && note.trim() ? { from, to, note: note.trim() } : { from, to }
  statements.push(
    db.update(leads).set({ inPool: false, updatedAt: now }).where(and(eq(leads.id, lead.id), eq(leads.orgId, viewer.orgId))),
    db.insert(activities).values(activityRow({ orgId: viewer.orgId, leadId: lead.id, actorId: viewer.userId, type, data, at: now })),
  )
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  return { changed: true, from, to }
}
