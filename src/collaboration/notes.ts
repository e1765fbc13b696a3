/** Notes on a lead with @mentions (collaboration/mentions.ts): the note, its activity and notifications in one batch. */
import { activityRow } from '../activity/activities'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { activities, notes } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { findVisibleLead } from '../leads/lead-detail'
import { whoCanSee } from '../leads/policy'
import { assignableMembers } from '../orgs/members'
import { parseMentions } from './mentions'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'

/** The longest note, in characters. */
export const NOTE_MAX = 5_000

/**
 * Adds note `text` to lead `leadId` in `unit` (its viewer as author, stamped `unit.now`). Each member it mentions
 * (`@Name`, `@email`) must be able to see the lead; each is notified once (`mentioned`), the lead's assignees and
 * collaborators get `note_added`, through the fan-out, in the same batch.
 * @returns the note's activity id
 * @throws Refusal 404 (lead not visible), 422 on `body` naming a mentioned member who cannot see the
 *   lead (nothing is saved, nobody is notified)
 */
export async function addNote(unit: Unit, leadId: string, text: string) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const [members, seeing] = await Promise.all([assignableMembers(unit), whoCanSee(unit, leadId)])
  const canSee = new Set(seeing.map((m) => m.userId))
  const { body, mentioned } = parseMentions(text, members)
  const blind = mentioned.filter((m) => !canSee.has(m.userId))
  if (blind.length > 0) {
    const names = blind.map((m) => m.name).join(', ')
    const who = blind.length === 1 ? 'they' : 'these members'
    throw new Refusal(
      422,
      `${names} cannot see this lead, so ${who} cannot be mentioned. Remove the mention, or ask an Owner or Admin to give them access first.`,
      { field: 'body' },
    )
  }
  const noteId = newId()
  const mentions = mentioned.map((m) => m.userId)
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    type: 'note_added',
    data: { noteId, body, mentions },
    at: now,
  })
  const ref = [{ id: lead.id, name: lead.name }]
  const events: NotificationEvent[] = [
    // A mentioned assignee hears once: the mention outranks the note (src/notifications/events.ts).
    { type: 'mentioned', leads: ref, people: mentioned.map((m) => ({ id: m.userId, name: m.name })), note: text },
    { type: 'note_added', leads: ref, note: text },
  ]
  const fan = await fanOut(unit, events)
  await runBatch(db, [
    db.insert(notes).values({
      id: noteId,
      orgId: viewer.orgId,
      leadId,
      authorId: viewer.userId,
      kind: 'note',
      body,
      mentions,
      createdAt: now,
    }),
    db.insert(activities).values(activity),
    ...fan.statements,
  ])
  await fan.afterCommit()
  return activity.id
}
