/**
 * Assigning a lead's primary owner: the one domain function behind every single-lead assignment
 * path (list row, lead page), so each writes the same activity and the same notifications. Bulk assignment
 * (bulk.ts) writes the same rows and activities for many leads at once.
 *
 * - none → X: `assigned`; X → none: `unassigned`; X → Y: `transferred`, with the handoff note saved
 *   as a note on the lead and sent to Y. X and Y are told through the notification fan-out.
 * - The previous assignee is recorded as a former assignee and keeps view access.
 * - Assigning takes the lead out of the pool. Reassigning to the current assignee changes nothing.
 * All writes of one assignment happen in one atomic D1 batch.
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import { retryOnConflict } from '../db/errors'
import { primaryIs, unlessChanged } from '../db/guard'
import { activities, formerAssignees, leadAssignees, leads, notes } from '../db/schema'
import { newId } from '../lib/ids'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/leads'
import { type Viewer } from '../access/viewer'
import { canAssign } from '../leads/policy'
import { assignableMember } from '../orgs/members'
import { fanOut, type FanOutContext, type NotificationEvent } from '../notifications/fan-out'

/** A person as recorded in an activity (the name as it was then). */
export type PersonRef = { id: string; name: string }

/** What `assignLead` did: `changed` false when the lead already had that assignee. */
export type AssignResult = { changed: boolean; from: PersonRef | null; to: PersonRef | null }

export type AssignOptions = {
  /** Handoff note for a transfer ("why, and what the new owner needs to know"). */
  note?: string
  /** The organization requires a handoff note on transfers. */
  noteRequired?: boolean
  notify: FanOutContext
  now?: number
}

/**
 * The notification events of moving `leads` from `from` to `to` (either may be null): `assigned`
 * (or `transferred_to`, with the handoff note) for the new assignee, `transferred_away` for the
 * previous one.
 */
export function assignmentEvents(
  leads: { id: string; name: string }[],
  from: PersonRef | null,
  to: PersonRef | null,
  note: string,
): NotificationEvent[] {
  const events: NotificationEvent[] = []
  if (to) {
    const given = from ? { type: 'transferred_to' as const, leads, to, from } : { type: 'assigned' as const, leads, to }
    events.push(note ? { ...given, note } : given)
  }
  if (from) events.push({ type: 'transferred_away', leads, from, ...(to ? { to } : {}) })
  return events
}

/**
 * The handoff note of a transfer, trimmed (invisible characters count as blank).
 * @throws Refusal 422 when the note is blank and the organization requires one
 */
export function handoffNote(note: string | undefined, required: boolean | undefined): string {
  const text = (note ?? '').trim()
  if (required && text.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '') === '') {
    throw new Refusal(422, 'Write a handoff note: why, and what the new owner needs to know (required in Settings).')
  }
  return text
}

/**
 * Statements that make `userId` no longer an assignee of `leadId` but a former one (view access
 * kept): for unassigning, transferring and removing a collaborator.
 */
export function endAssignment(
  db: Database,
  orgId: string,
  leadId: string,
  userId: string,
  now: number,
): BatchItem<'sqlite'>[] {
  return [
    db.delete(leadAssignees).where(and(eq(leadAssignees.leadId, leadId), eq(leadAssignees.userId, userId))),
    db
      .insert(formerAssignees)
      .values({ orgId, leadId, userId, endedAt: now })
      .onConflictDoUpdate({ target: [formerAssignees.leadId, formerAssignees.userId], set: { endedAt: now } }),
  ]
}

/**
 * Makes `assigneeId` the lead's primary assignee, or unassigns it when `assigneeId` is null.
 * @throws Refusal 404 when the lead is not visible, 403 when `viewer` may not assign, 422 when the
 *   assignee is deactivated or not a member, or a required handoff note is missing; 409 when
 *   concurrent changes to the lead kept winning for RETRY_BUDGET_MS
 */
export async function assignLead(
  db: Database,
  viewer: Viewer,
  leadId: string,
  assigneeId: string | null,
  options: AssignOptions,
): Promise<AssignResult> {
  // Two people assigning the same lead at once: the loser's batch fails on its stale-state guard (or
  // the one-primary index) and runs again against the winner's result, so the lead never has two
  // primary owners and every activity follows from the one before. Out of time: 409, never 500.
  return retryOnConflict(ONE_PRIMARY, () => assignOnce(db, viewer, leadId, assigneeId, options))
}

/** The unique index that keeps one primary assignee per lead, as SQLite names it in errors. */
export const ONE_PRIMARY = 'lead_assignees.lead_id'

async function assignOnce(
  db: Database,
  viewer: Viewer,
  leadId: string,
  assigneeId: string | null,
  options: AssignOptions,
): Promise<AssignResult> {
  const now = options.now ?? Date.now()
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  if (!canAssign(viewer)) throw new Refusal(403, 'Only an Owner or Admin can assign leads.')
  const current = lead.assignees.find((a) => a.kind === 'primary')
  const from = current ? { id: current.userId, name: current.name } : null
  if ((current?.userId ?? null) === assigneeId) return { changed: false, from, to: from }
  const target = assigneeId ? await assignableMember(db, viewer.orgId, assigneeId) : null
  const to = target ? { id: target.userId, name: target.name } : null
  const type = !from ? 'assigned' : !to ? 'unassigned' : 'transferred'
  const note = type === 'transferred' ? handoffNote(options.note, options.noteRequired) : ''

  const statements: BatchItem<'sqlite'>[] = [
    // Planned on this primary assignee: stop (and plan again) if someone changed it meanwhile.
    unlessChanged(db, primaryIs(lead.id, from?.id ?? null)),
    ...(current ? endAssignment(db, viewer.orgId, lead.id, current.userId, now) : []),
  ]
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
  const noteId = note ? newId() : null
  if (noteId) {
    statements.push(
      db.insert(notes).values({
        id: noteId,
        orgId: viewer.orgId,
        leadId: lead.id,
        authorId: viewer.userId,
        kind: 'handoff',
        body: note,
        createdAt: now,
      }),
    )
  }
  const data = noteId ? { from, to, note, noteId } : { from, to }
  statements.push(
    db
      .update(leads)
      .set({ inPool: false, updatedAt: now })
      .where(and(eq(leads.id, lead.id), eq(leads.orgId, viewer.orgId))),
    db
      .insert(activities)
      .values(activityRow({ orgId: viewer.orgId, leadId: lead.id, actorId: viewer.userId, type, data, at: now })),
  )
  const fan = await fanOut(
    db,
    options.notify,
    assignmentEvents([{ id: lead.id, name: lead.name }], from, to, note),
    now,
  )
  await runBatch(db, [...statements, ...fan.statements])
  await fan.afterCommit()
  return { changed: true, from, to }
}
