/**
 * Communications with a lead (calls, emails, meetings, SMS, other): logged by anyone who can see
 * the lead, or by an email to the organization's inbound address (inbound-email/receive.ts), edited or deleted by
 * their author or an Owner/Admin. Every change writes its activity (`communication_logged` / `_edited` / `_deleted`)
 * and notifications in the same batch.
 */
import { and, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import type { AnyUnit, Unit } from '../access/unit'
import { isManager, type Viewer } from '../access/viewer'
import { runBatch, type Database } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import {
  activities,
  communications,
  inboundEmails,
  users,
  type Communication,
  type EmailAttachment,
  type EmailAuth,
  type CommunicationKind,
  type Direction,
} from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { threeWay } from '../lib/three-way'
import { newId } from '../lib/ids'
import { firstTouchWaitWrite } from '../orgs/first-touch-wait'
import { findVisibleLead } from '../leads/lead-detail'
import { fanOut } from '../notifications/fan-out'

/** A communication as the form gives it: `occurredAt` already an instant (epoch ms). */
export type CommunicationInput = { kind: CommunicationKind; direction: Direction; summary: string; occurredAt: number }

/**
 * A logged communication with the name of the member who logged it (null: an email no member sent), and for one
 * logged by email what its message said of itself: the sender's address, SPF/DKIM/DMARC results and attachments.
 */
export type CommunicationView = Communication & {
  authorName: string | null
  email: { from: string; auth: EmailAuth; attachments: EmailAttachment[] } | null
}

/** The lead's communications, most recent first, each with its author's name (the caller checked the lead is visible). */
export async function communicationsOf(unit: Pick<Unit, 'db' | 'org'>, leadId: string): Promise<CommunicationView[]> {
  const { db } = unit
  const orgId = unit.org.id
  return db
    .select({
      communication: communications,
      authorName: users.name,
      from: inboundEmails.fromAddress,
      auth: inboundEmails.auth,
      attachments: inboundEmails.attachments,
    })
    .from(communications)
    .leftJoin(users, eq(users.id, communications.authorId))
    .leftJoin(inboundEmails, eq(inboundEmails.communicationId, communications.id))
    .where(and(eq(communications.orgId, orgId), eq(communications.leadId, leadId)))
    .orderBy(communications.occurredAt)
    .all()
    .then((rows) =>
      rows.reverse().map(({ communication, authorName, from, auth, attachments }) => ({
        ...communication,
        authorName,
        email: from !== null && auth && attachments ? { from, auth, attachments } : null,
      })),
    )
}

/** May `viewer` edit or delete `communication`? Its author, an Owner or an Admin. */
export function canChangeCommunication(viewer: Viewer, communication: { authorId: string | null }): boolean {
  return communication.authorId === viewer.userId || isManager(viewer)
}

/**
 * Logs a communication with lead `leadId` in `unit` (its viewer as author, stamped `unit.now`); the lead's assignees
 * hear of it through the fan-out.
 * @returns the activity's id
 * @throws Refusal 404 when the lead is not visible
 */
export async function logCommunication(unit: Unit, leadId: string, input: CommunicationInput) {
  const { db, viewer } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const planned = planCommunication(unit, leadId, input, { authorId: viewer.userId })
  // The lead's assignees and collaborators hear of it (communication_logged, src/notifications/events.ts).
  const [fan, touch] = await Promise.all([
    fanOut(unit, [{ type: 'communication_logged', leads: [{ id: lead.id, name: lead.name }], note: input.summary }]),
    firstTouchWaitWrite(unit, [lead]),
  ])
  await runBatch(db, [...planned.statements, ...touch, ...fan.statements])
  await fan.afterCommit()
  return planned.activityId
}

/**
 * The statements logging a communication with lead `leadId` of the unit's organization (stamped `unit.now`): the
 * communication by `options.authorId` (null: no member, an email's own) and its `communication_logged` activity,
 * whose data adds `options.data` (e.g. `via: 'email'`). The caller runs them in its batch, with its notifications.
 * @returns the communication's id, the activity's id and the statements
 */
export function planCommunication(
  unit: AnyUnit,
  leadId: string,
  input: CommunicationInput,
  { authorId, data = {} }: { authorId: string | null; data?: Record<string, unknown> },
): { id: string; activityId: string; statements: BatchItem<'sqlite'>[] } {
  const { db, now } = unit
  const orgId = unit.org.id
  const id = newId()
  const activity = activityRow({
    orgId,
    leadId,
    actorId: authorId,
    type: 'communication_logged',
    data: { communicationId: id, ...input, ...data },
    at: now,
  })
  return {
    id,
    activityId: activity.id,
    statements: [
      db.insert(communications).values({ id, orgId, leadId, authorId, ...input, createdAt: now, updatedAt: now }),
      db.insert(activities).values(activity),
    ],
  }
}

/**
 * The communication `id` of lead `leadId`, if the unit's viewer may see the lead (and so it).
 * @throws Refusal 404 otherwise
 */
export async function findCommunication(unit: Unit, leadId: string, id: string): Promise<Communication> {
  const { db, viewer } = unit
  const lead = await findVisibleLead(unit, leadId)
  const row = lead
    ? await db
        .select()
        .from(communications)
        .where(
          and(eq(communications.id, id), eq(communications.leadId, leadId), eq(communications.orgId, viewer.orgId)),
        )
        .get()
    : undefined
  if (!row) throw notFound()
  return row
}

function mayChange(viewer: Viewer, row: Communication): void {
  if (!canChangeCommunication(viewer, row)) {
    throw new Refusal(403, 'Only whoever logged this communication, an Owner or an Admin can change it.')
  }
}

const EDITABLE = ['kind', 'direction', 'summary', 'occurredAt'] as const
type Editable = (typeof EDITABLE)[number]

/** The editable fields of `c` as the edit form's text (`occurredAt` in epoch ms): what the form was shown with. */
export function communicationShown(c: CommunicationInput): Record<Editable, string> {
  return { kind: c.kind, direction: c.direction, summary: c.summary, occurredAt: String(c.occurredAt) }
}

/**
 * The edit form's hidden `shown_{field}` inputs (`communicationShown`), for the three-way merge; each at most
 * `max` characters (the summary's limit, inputs.ts `summaryMax`).
 */
export const shownCommunicationSchema = (max: number) =>
  z
    .object(Object.fromEntries(EDITABLE.map((f) => [`shown_${f}`, z.string().max(max).optional()])))
    .transform(
      (v) => Object.fromEntries(EDITABLE.map((f) => [f, v[`shown_${f}`]])) as Partial<Record<Editable, string>>,
    )

/**
 * Saves `input` on communication `id` of lead `leadId` in `unit` (stamped `unit.now`), with an activity listing what
 * changed: the fields the person changed from what the form showed (`options.shown`, merged three ways:
 * lib/three-way.ts).
 * @returns the activity's id, or null when nothing changed
 * @throws Refusal 404 (not visible), 403 (neither its author nor an Owner/Admin), 409 when someone else
 *   changed a field this edit changes too, or it was changed or deleted at the same moment
 */
export async function editCommunication(
  unit: Unit,
  leadId: string,
  id: string,
  input: CommunicationInput,
  { shown = {} }: { shown?: Partial<Record<Editable, string>> } = {},
) {
  const { db, viewer, now } = unit
  const row = await findCommunication(unit, leadId, id)
  mayChange(viewer, row)
  const { apply, conflicts } = threeWay(EDITABLE, communicationShown(row), shown, communicationShown(input))
  if (conflicts.length > 0)
    throw new Refusal(
      409,
      'Someone else changed this communication while you were editing. It is shown as it is now with your changes; save again to keep them.',
    )
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const field of EDITABLE) if (apply[field] !== undefined) changes[field] = { from: row[field], to: input[field] }
  if (Object.keys(changes).length === 0) return null
  const set = Object.fromEntries(Object.keys(changes).map((f) => [f, input[f as Editable]]))
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    type: 'communication_edited',
    data: { communicationId: id, kind: input.kind, changes },
    at: now,
  })
  await guarded(db, id, row.updatedAt, [
    db
      .update(communications)
      .set({ ...set, updatedAt: now })
      .where(eq(communications.id, id)),
    db.insert(activities).values(activity),
  ])
  return activity.id
}

/**
 * Runs `statements` in one batch unless communication `id` changed since it was read (its
 * `updatedAt`) or was deleted.
 * @throws Refusal 409 when it did
 */
async function guarded(db: Database, id: string, updatedAt: number, statements: BatchItem<'sqlite'>[]) {
  const unchanged = sql`EXISTS (SELECT 1 FROM communications WHERE id = ${id} AND updated_at = ${updatedAt})`
  try {
    await runBatch(db, [unlessChanged(db, unchanged), ...statements])
  } catch (error) {
    if (!staleWrite(error)) throw error
    throw new Refusal(409, 'Someone else changed this communication at the same moment; reload and try again.')
  }
}

/**
 * Deletes communication `id` of lead `leadId` in `unit` (stamped `unit.now`); the activity keeps what it was.
 * @returns the activity's id
 * @throws Refusal 404 (not visible), 403 (neither its author nor an Owner/Admin), 409 when it was
 *   changed or deleted at the same moment
 */
export async function deleteCommunication(unit: Unit, leadId: string, id: string) {
  const { db, viewer, now } = unit
  const row = await findCommunication(unit, leadId, id)
  mayChange(viewer, row)
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    type: 'communication_deleted',
    data: {
      communicationId: id,
      kind: row.kind,
      direction: row.direction,
      summary: row.summary,
      occurredAt: row.occurredAt,
    },
    at: now,
  })
  await guarded(db, id, row.updatedAt, [
    db.delete(communications).where(eq(communications.id, id)),
    db.insert(activities).values(activity),
  ])
  return activity.id
}
