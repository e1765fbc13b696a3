/**
 * Notes on a lead with @mentions (collaboration/mentions.ts): the note, its activity and notifications in one batch;
 * and the notes the lead page lists, a prospect's own messages (web form, API: no author) first.
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import { activityRow } from '../activity/activities'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { activities, notes, users } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { firstTouchWaitWrite } from '../orgs/first-touch-wait'
import { findVisibleLead } from '../leads/lead-detail'
import { whoCanSee } from '../leads/policy'
import { assignableMembers } from '../orgs/members'
import { parseMentions, type Unresolved } from './mentions'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'

/** The longest note, in characters. */
export const NOTE_MAX = 5_000

/** At most this many notes are listed on the lead page; the timeline's Notes filter pages through all. */
export const NOTES_LISTED = 50

/**
 * A note as the lead page lists it: `authorName` null for a prospect's message; `mentionNames`, the current name
 * of each member `body` mentions (`@{memberId}`), by id.
 */
export type NoteView = {
  id: string
  body: string
  mentions: string[]
  createdAt: number
  authorName: string | null
  mentionNames: Record<string, string>
}

/** Names of the members a note mentions, by id, read in the notes' own query (json_each over `mentions`). */
const mentionNames = sql<string>`(SELECT json_group_object(u.id, u.name) FROM json_each(${notes.mentions}) j
  JOIN users u ON u.id = j.value)`

/**
 * The notes of lead `leadId` (the caller checked the unit's viewer can see it), in one query: the prospect's own
 * messages first, then the team's, each newest first; at most `NOTES_LISTED`, and `more` when there are others.
 */
export async function notesOf(
  unit: Pick<Unit, 'db' | 'org'>,
  leadId: string,
): Promise<{ notes: NoteView[]; more: boolean }> {
  const rows = await unit.db
    .select({
      id: notes.id,
      body: notes.body,
      mentions: notes.mentions,
      createdAt: notes.createdAt,
      authorName: users.name,
      mentionNames,
    })
    .from(notes)
    .leftJoin(users, eq(users.id, notes.authorId))
    .where(and(eq(notes.orgId, unit.org.id), eq(notes.leadId, leadId), eq(notes.kind, 'note')))
    .orderBy(sql`${notes.authorId} IS NULL DESC`, desc(notes.createdAt), desc(notes.id))
    .limit(NOTES_LISTED + 1)
    .all()
  const listed = rows.slice(0, NOTES_LISTED).map((r) => ({
    ...r,
    mentionNames: JSON.parse(r.mentionNames || '{}') as Record<string, string>,
  }))
  return { notes: listed, more: rows.length > NOTES_LISTED }
}

/** "@Zed" → nobody called that can see the lead; "@bo" → whom it could be. */
function unresolvedSentence({ word, candidates }: Unresolved): string {
  if (candidates.length === 0) return `Nobody called @${word} can see this lead.`
  const names = candidates.map((m) => m.name).sort((a, b) => a.localeCompare(b))
  return `@${word} could be ${names.slice(0, -1).join(', ')} or ${names.at(-1)!}: write the full name or the email address.`
}

/** “@Zed” and “@bo”, for the "save as plain text" choice. */
const quotedWords = (unresolved: Unresolved[]) =>
  unresolved.map((u) => `“@${u.word}”`).join(unresolved.length > 2 ? ', ' : ' and ')

/**
 * Adds note `text` to lead `leadId` in `unit` (its viewer as author, stamped `unit.now`). Each member it mentions
 * (`@Name`, `@First`, `@email`: collaboration/mentions.ts) must be able to see the lead; each is notified once
 * (`mentioned`), the lead's assignees and collaborators get `note_added`, through the fan-out, in the same batch.
 * An `@word` naming nobody, or several members, is refused unless `options.asText` (then it stays plain text).
 * @returns the note's activity id
 * @throws Refusal 404 (lead not visible); 422 on `body` (nothing saved, nobody notified) for a mentioned member who
 *   cannot see the lead, or an `@word` that names nobody who can see it or several members (then `errors.asText`
 *   is the label of the "save as plain text" choice)
 */
export async function addNote(unit: Unit, leadId: string, text: string, options: { asText?: boolean } = {}) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const [members, seeing] = await Promise.all([assignableMembers(unit), whoCanSee(unit, leadId)])
  const canSee = new Set(seeing.map((m) => m.userId))
  const { body, mentioned, unresolved } = parseMentions(text, members, { prefer: (m) => canSee.has(m.userId) })
  const blind = mentioned.filter((m) => !canSee.has(m.userId))
  const flagged = options.asText ? [] : unresolved
  if (blind.length > 0 || flagged.length > 0) {
    const names = blind.map((m) => m.name).join(', ')
    const who = blind.length === 1 ? 'they' : 'these members'
    const message = [
      ...flagged.map(unresolvedSentence),
      ...(blind.length > 0
        ? [
            `${names} cannot see this lead, so ${who} cannot be mentioned. Remove the mention, or ask an Owner or Admin to give them access first.`,
          ]
        : []),
    ].join(' ')
    const asText = flagged.length > 0 && blind.length === 0 ? `Save ${quotedWords(flagged)} as plain text` : undefined
    throw new Refusal(422, message, { errors: { body: message, ...(asText && { asText }) } })
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
  const [fan, touch] = await Promise.all([fanOut(unit, events), firstTouchWaitWrite(unit, [lead])])
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
    ...touch,
    ...fan.statements,
  ])
  await fan.afterCommit()
  return activity.id
}
