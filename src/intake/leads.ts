/**
 * Leads that arrive by themselves (docs/ARCHITECTURE.md "Intake"): from the public web form (`/f/{formKey}`) and
 * the JSON API (`/api/v1/leads`). Both take the same fields with the same rules as the create form and the import,
 * and de-duplicate the same way (one lead per email address per organization): a lead whose email is already
 * there is not created again; its message is added to that lead as a note instead (an archived one is restored). The
 * message is also kept in the submission's activity, so the timeline shows it. New leads are then routed by
 * the organization's setting (leads/routing.ts).
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { z } from 'zod'
import { activityRow } from '../activity/activities'
import { retryInUnit, type SystemUnit } from '../access/unit'
import { runBatch } from '../db/client'
import { leadIs, unlessChanged } from '../db/guard'
import { activities, leads, notes } from '../db/schema'
import { newId } from '../lib/ids'
import { optionalMultiLine } from '../lib/text'
import { archiveScope } from '../leads/archive-scope'
import { foldedLeadSchema } from '../leads/fields'
import { leadIdByEmail, leadRow } from '../leads/create'
import type { LeadRouter } from '../leads/routed'

/** The longest message a visitor may send with the form or the API. */
export const MAX_MESSAGE = 5000

/**
 * A lead as the web form and the API take it: the create form's fields (no status), their line breaks and
 * tabs folded into one space rather than refused (other systems send them), and a message.
 */
export const intakeSchema = foldedLeadSchema.omit({ status: true }).extend({
  message: optionalMultiLine('message', MAX_MESSAGE),
})
export type IntakeInput = z.output<typeof intakeSchema>

/** Where a lead came in (`email`: an email to the inbound address, inbound-email/receive.ts). */
export type IntakeChannel = 'form' | 'api' | 'email'

/** What an intake did: created lead `leadId`, or added the message to the existing lead `leadId`. */
export type IntakeResult = { leadId: string; created: boolean }

/**
 * What the `created` or `submitted_again` activity of a submission keeps of `message` (the timeline shows it):
 * the text and the id of its note; nothing for an empty message.
 */
function messageData(message: string, noteId: string | null): Record<string, string> {
  return noteId ? { message, noteId } : {}
}

/** The note keeping `message` on lead `leadId` as note `noteId`, stamped `unit.now` (nothing without one). */
function noteStatements(
  unit: SystemUnit,
  leadId: string,
  message: string,
  noteId: string | null,
): BatchItem<'sqlite'>[] {
  const orgId = unit.org.id
  return noteId
    ? [
        unit.db
          .insert(notes)
          .values({ id: noteId, orgId, leadId, authorId: null, kind: 'note', body: message, createdAt: unit.now }),
      ]
    : []
}

/** What `takeInLead` gives the batch that writes a submission, told whether it creates lead `leadId` or adds to it. */
type AlsoStatements = (leadId: string, created: boolean) => BatchItem<'sqlite'>[]

/**
 * Takes in one lead for the unit's organization from `channel`, stamped `unit.now`, its activities by `unit.actor`
 * (the API key's integration; none for the web form, where Leadpool acts). A
 * lead whose email the organization already has (any capitalisation; also when a simultaneous submission saved it
 * first) is not created again: the message becomes a note on that lead (`created: false`), which is restored if
 * archived. A new lead is routed afterwards by the router given (made by `leadRouter` of leads/routing.ts).
 * `options.also(leadId, created)`: statements to run first in the batch that writes the submission (e.g. remembering
 * an `Idempotency-Key`), told whether it creates lead `leadId` or adds to it; `options.after(leadId, created)`: ones
 * to run last in it, once the lead exists (e.g. an email logged on it, inbound-email/receive.ts).
 * @returns the lead the submission ended in
 */
export async function takeInLead(
  unit: SystemUnit,
  route: LeadRouter,
  input: IntakeInput,
  channel: IntakeChannel,
  { also = () => [], after = () => [] }: { also?: AlsoStatements; after?: AlsoStatements } = {},
): Promise<IntakeResult> {
  const { db, now } = unit
  const orgId = unit.org.id
  const actorId = unit.actor?.id ?? null
  const existing = await leadIdByEmail(unit, input.email)
  if (existing) return addToExisting(unit, existing, input, channel, also, after)
  const source = input.source || (channel === 'form' ? 'Web form' : 'API')
  const row = { ...leadRow(orgId, '', { ...input, source, status: 'new' }, now), createdBy: null }
  const leadId = row.id
  const noteId = input.message ? newId() : null
  const data = { via: channel, ...messageData(input.message, noteId) }
  try {
    await runBatch(db, [
      ...also(leadId, true),
      db.insert(leads).values(row),
      db.insert(activities).values(activityRow({ orgId, leadId, actorId, type: 'created', data, at: now })),
      ...noteStatements(unit, leadId, input.message, noteId),
      ...after(leadId, true),
    ])
  } catch (error) {
    // A simultaneous submission with the same email saved its lead first: this one joins it.
    const raced = await leadIdByEmail(unit, input.email)
    if (raced) return addToExisting(unit, raced, input, channel, also, after)
    throw error
  }
  await route(orgId, [leadId], null)
  return { leadId, created: true }
}

/**
 * Adds the submission to existing lead `leadId`: its message as a note, a `submitted_again` activity, and, when the
 * lead is archived, its restoring (a `restored` activity `via` the channel): the person wrote again, so the lead is
 * worked again rather than its message kept where no list shows it (docs/ARCHITECTURE.md "Intake").
 * @throws Refusal 409 when an archive or restore in between kept stopping the batch (db/errors.ts)
 */
function addToExisting(
  unit: SystemUnit,
  leadId: string,
  input: IntakeInput,
  channel: IntakeChannel,
  also: AlsoStatements,
  after: AlsoStatements,
): Promise<IntakeResult> {
  const orgId = unit.org.id
  const actorId = unit.actor?.id ?? null
  return retryInUnit(unit, [], async (attempt) => {
    const { db, now } = attempt
    const lead = await db
      .select({ archivedAt: leads.archivedAt })
      .from(leads)
      .where(and(eq(leads.orgId, orgId), eq(leads.id, leadId)))
      .get()
    const archived = lead?.archivedAt != null
    const noteId = input.message ? newId() : null
    const data = { via: channel, ...messageData(input.message, noteId) }
    await runBatch(db, [
      unlessChanged(db, leadIs(leadId, archiveScope(archived))),
      ...also(leadId, false),
      ...(archived
        ? [
            db
              .update(leads)
              .set({ archivedAt: null, archivedBy: null, updatedAt: now })
              .where(and(eq(leads.id, leadId), eq(leads.orgId, orgId))),
            db
              .insert(activities)
              .values(activityRow({ orgId, leadId, actorId, type: 'restored', data: { via: channel }, at: now })),
          ]
        : []),
      // A millisecond later than the restore, so the timeline (newest first) shows the message above it.
      db
        .insert(activities)
        .values(activityRow({ orgId, leadId, actorId, type: 'submitted_again', data, at: now + (archived ? 1 : 0) })),
      ...noteStatements(attempt, leadId, input.message, noteId),
      ...after(leadId, false),
    ])
    return { leadId, created: false }
  })
}
