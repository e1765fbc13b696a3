/**
 * Assigning a lead's primary owner: the one domain function behind every single-lead assignment
 * path (list row, lead page), so each writes the same activity and the same notifications. Bulk assignment
 * (bulk.ts) writes the same rows and activities for many leads at once.
 *
 * - none → X: `assigned`; X → none: `unassigned`; X → Y: `transferred`. A note typed with any of them is
 *   saved as a `handoff` note on the lead, referenced from the activity (`noteId`), and sent with the
 *   notification: to the new assignee, or on unassigning to the previous one. X and Y are told through
 *   the notification fan-out. A note with no change to carry it is refused (422), never dropped.
 * - Every change of hands (X → Y, or X → none → Y within CHANGE_OF_HANDS_WINDOW_MS of handoffs.ts)
 *   needs the handoff note the setting requires and starts a handoff Y acknowledges (handoffs.ts);
 *   any change of the primary assignee clears a pending reassignment request.
 * - An Agent who owns the lead may hand it off through the same function (`handOff`), when the
 *   organization allows it.
 * - The previous assignee is recorded as a former assignee and keeps view access.
 * - Assigning takes the lead out of the pool. Reassigning to the current assignee changes nothing.
 * All writes of one assignment happen in one atomic D1 batch.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { retryInUnit, type AnyUnit, type Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { holdersAre, notArchived, primaryIs, unlessChanged } from '../db/guard'
import { activities, formerAssignees, leadAssignees, leads, notes } from '../db/schema'
import { newId } from '../lib/ids'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { refuseChangedHolders } from '../leads/holders'
import { type Viewer } from '../access/viewer'
import { canAssign, canHandOff, factsOf, refuseArchived } from '../leads/policy'
import { assignableMember } from '../orgs/members'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'
import { handoffChange, recentOwners } from './handoffs'

/** A person as recorded in an activity (the name as it was then). */
export type PersonRef = { id: string; name: string }

/** What `assignLead` did: `changed` false when the lead already had that assignee. */
export type AssignResult = { changed: boolean; from: PersonRef | null; to: PersonRef | null }

export type AssignOptions = {
  /** Handoff note ("why, and what the new owner needs to know"), kept with whatever change it comes with. */
  note?: string
  /** The organization requires a handoff note on transfers. */
  noteRequired?: boolean
  /** The primary assignee (an Agent) hands the lead on themselves, instead of an Owner/Admin assigning it. */
  handOff?: boolean
  /**
   * The holders (sorted user ids, leads/holders.ts) the form was shown with; when given, a lead whose holders
   * changed meanwhile is refused (409) instead of changed. Undefined: not checked (old pages, other clients).
   */
  shown?: string[]
}

/**
 * The notification events of moving `leads` from `from` to `to` (either may be null): `assigned`
 * (or `transferred_to`) for the new assignee, `transferred_away` for the previous one. `note` (may be
 * '') goes to the new assignee, or when there is none (unassigning) to the previous one.
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
  if (from) events.push({ type: 'transferred_away', leads, from, ...(to ? { to } : note ? { note } : {}) })
  return events
}

/**
 * Refuses a note typed with an assignment that changes nothing: it would reach no one.
 * @throws Refusal 422 (field `note`) when `note` is not blank
 */
export function refuseUnsentNote(note: string, why: string): void {
  if (note === '') return
  throw new Refusal(
    422,
    `${why}, so the note would reach no one: choose someone else, or add it as a note on the lead.`,
    {
      field: 'note',
    },
  )
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
 * Statements that make `userId` no longer an assignee of `leadId` but a former one since `unit.now` (view access
 * kept): for unassigning, transferring and removing a collaborator.
 */
export function endAssignment(unit: AnyUnit, leadId: string, userId: string): BatchItem<'sqlite'>[] {
  const { db, now } = unit
  const orgId = unit.org.id
  return [
    db.delete(leadAssignees).where(and(eq(leadAssignees.leadId, leadId), eq(leadAssignees.userId, userId))),
    db
      .insert(formerAssignees)
      .values({ orgId, leadId, userId, endedAt: now })
      .onConflictDoUpdate({ target: [formerAssignees.leadId, formerAssignees.userId], set: { endedAt: now } }),
  ]
}

/**
 * Makes `assigneeId` the lead's primary assignee, or unassigns it when `assigneeId` is null, as `unit`'s member
 * at `unit.now`; `options`: the handoff note, whether the organization requires one, whether it is a hand-off.
 * @throws Refusal 404 when the lead is not visible, 403 when the member may not assign, 409 when the lead is
 *   archived or its holders are no longer `options.shown` (naming who holds it now; nothing written), 422 when the assignee is deactivated or not a member, or a required handoff note is missing; 409
 *   when concurrent changes to the lead kept winning for RETRY_BUDGET_MS
 */
export async function assignLead(
  unit: Unit,
  leadId: string,
  assigneeId: string | null,
  options: AssignOptions = {},
): Promise<AssignResult> {
  // Two people assigning the same lead at once: the loser's batch fails on its stale-state guard (or
  // the one-primary index) and runs again against the winner's result, so the lead never has two
  // primary owners and every activity follows from the one before. Out of time: 409, never 500.
  return retryInUnit(unit, ONE_PRIMARY, (attempt) => assignOnce(attempt, leadId, assigneeId, options))
}

/** The unique index that keeps one primary assignee per lead, as SQLite names it in errors. */
export const ONE_PRIMARY = 'lead_assignees.lead_id'

async function assignOnce(
  unit: Unit,
  leadId: string,
  assigneeId: string | null,
  options: AssignOptions,
): Promise<AssignResult> {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (options.handOff) mayHandOff(viewer, lead, assigneeId)
  else if (!canAssign(viewer)) throw new Refusal(403, 'Only an Owner or Admin can assign leads.')
  refuseArchived(lead)
  refuseChangedHolders(lead, options.shown)
  const current = lead.assignees.find((a) => a.kind === 'primary')
  const from = current ? { id: current.userId, name: current.name } : null
  if ((current?.userId ?? null) === assigneeId) {
    refuseUnsentNote(
      handoffNote(options.note, false),
      from ? `${from.name} already has this lead` : 'This lead already has no assignee',
    )
    return { changed: false, from, to: from }
  }
  const target = assigneeId ? await assignableMember(db, viewer.orgId, assigneeId) : null
  const to = target ? { id: target.userId, name: target.name } : null
  const type = !from ? 'assigned' : !to ? 'unassigned' : 'transferred'
  // Unassigning and assigning someone else soon after is a change of hands too.
  const previous = from ?? (to ? ((await recentOwners(unit, [lead.id])).get(lead.id) ?? null) : null)
  const handedFrom = to && previous && previous.id !== to.id ? previous : null
  // Required only when the lead changes hands; typed with any other change, it is kept all the same.
  const note = handoffNote(options.note, handedFrom !== null && options.noteRequired)

  const statements: BatchItem<'sqlite'>[] = [
    // Planned on this primary assignee of a live lead: stop (and plan again) if someone changed it or archived
    // the lead meanwhile.
    // With the holders the form was shown: a change of them landing before this batch is refused on the retry.
    unlessChanged(
      db,
      sql`${primaryIs(lead.id, from?.id ?? null)} AND ${notArchived(lead.id)} AND ${options.shown ? holdersAre([[lead.id, options.shown]]) : sql`1`}`,
    ),
    ...(current ? endAssignment(unit, lead.id, current.userId) : []),
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
  const data = {
    from,
    to,
    ...(handedFrom && !from ? { handedFrom } : {}),
    ...(options.handOff ? { handOff: true } : {}),
    ...(noteId ? { note, noteId } : {}),
  }
  statements.push(
    ...handoffChange(unit, current ? [lead.id] : [], handedFrom ? [{ leadId: lead.id, from: handedFrom }] : [], {
      to,
      note,
    }),
  )
  statements.push(
    db
      .update(leads)
      .set({ inPool: false, updatedAt: now })
      .where(and(eq(leads.id, lead.id), eq(leads.orgId, viewer.orgId))),
    db
      .insert(activities)
      .values(activityRow({ orgId: viewer.orgId, leadId: lead.id, actorId: viewer.userId, type, data, at: now })),
  )
  // Unassigned a moment ago and now given to someone else: told as a transfer from the previous owner
  // (who was already told of the unassignment).
  const events = assignmentEvents([{ id: lead.id, name: lead.name }], from ?? handedFrom, to, note).filter(
    (e) => from || e.type !== 'transferred_away',
  )
  const fan = await fanOut(unit, events)
  await runBatch(db, [...statements, ...fan.statements])
  await fan.afterCommit()
  return { changed: true, from, to }
}

/**
 * Refuses `viewer` handing lead `lead` on themselves unless they may (see `canHandOff`).
 * @throws Refusal 403 naming who can act instead
 */
export function requireHandOff(viewer: Viewer, lead: Parameters<typeof factsOf>[0]): void {
  if (canHandOff(viewer, factsOf(lead))) return
  throw new Refusal(
    403,
    viewer.agentsMayHandOff
      ? 'Only the lead’s assignee can hand it off; Owners and Admins reassign it.'
      : 'Agents may not hand off leads in this organization: ask an Owner or Admin to reassign it.',
  )
}

/**
 * May `viewer` hand lead `lead` to `assigneeId` themselves?
 * @throws Refusal 403 (see `requireHandOff`); 422 when no teammate, or themselves, was chosen
 */
function mayHandOff(viewer: Viewer, lead: Parameters<typeof factsOf>[0], assigneeId: string | null): void {
  requireHandOff(viewer, lead)
  if (!assigneeId || assigneeId === viewer.userId) {
    throw new Refusal(422, 'Choose the teammate to hand this lead to.', { field: 'assigneeId' })
  }
}
