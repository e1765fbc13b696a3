/**
 * Leads that arrive by themselves (docs/ARCHITECTURE.md "Intake"): from the public web form (`/f/{formKey}`) and
 * the JSON API (`/api/v1/leads`). Both take the same fields with the same rules as the create form and the import,
 * and de-duplicate the same way (one lead per email address per organization): a lead whose email is already
 * there is not created again; its message is added to that lead as a note instead. New leads are then routed by
 * the organization's setting (leads/routing.ts).
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { z } from 'zod'
import { activityRow } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import { activities, leads, notes } from '../db/schema'
import type { Env } from '../env'
import { newId } from '../lib/ids'
import { optionalMultiLine } from '../lib/text'
import { foldedLeadSchema } from '../leads/fields'
import { leadIdByEmail, leadRow } from '../leads/leads'
import { routeOrLog } from '../leads/routing'

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

/** Where a lead came in. */
export type IntakeChannel = 'form' | 'api'

/** What an intake did: created lead `leadId`, or added the message to the existing lead `leadId`. */
export type IntakeResult = { leadId: string; created: boolean }

/** The note and activity recording `message` on lead `leadId` (nothing for an empty message). */
function messageStatements(
  db: Database,
  orgId: string,
  leadId: string,
  message: string,
  channel: IntakeChannel,
  type: 'created' | 'submitted_again',
  now: number,
): BatchItem<'sqlite'>[] {
  const noteId = message ? newId() : null
  return [
    ...(noteId
      ? [
          db
            .insert(notes)
            .values({ id: noteId, orgId, leadId, authorId: null, kind: 'note', body: message, createdAt: now }),
        ]
      : []),
    ...(type === 'submitted_again'
      ? [
          db.insert(activities).values(
            activityRow({
              orgId,
              leadId,
              actorId: null,
              type,
              data: { via: channel, ...(noteId ? { noteId } : {}) },
              at: now,
            }),
          ),
        ]
      : []),
  ]
}

/**
 * Takes in one lead for organization `orgId` from `channel` at `now` (epoch ms). A lead whose email the
 * organization already has (any capitalisation; also when a simultaneous submission saved it first) is not
 * created again: the message becomes a note on that lead (`created: false`). A new lead is routed afterwards.
 * `also(leadId, created)`: statements to run first in the batch that writes the submission (e.g. remembering an
 * `Idempotency-Key`), told whether it creates lead `leadId` or adds to it.
 * @returns the lead the submission ended in
 */
export async function takeInLead(
  db: Database,
  env: Env,
  orgId: string,
  input: IntakeInput,
  channel: IntakeChannel,
  now = Date.now(),
  also: (leadId: string, created: boolean) => BatchItem<'sqlite'>[] = () => [],
): Promise<IntakeResult> {
  const existing = await leadIdByEmail(db, orgId, input.email)
  if (existing) return addToExisting(db, orgId, existing, input, channel, now, also)
  const source = input.source || (channel === 'form' ? 'Web form' : 'API')
  const row = { ...leadRow(orgId, '', { ...input, source, status: 'new' }, now), createdBy: null }
  const leadId = row.id
  try {
    await runBatch(db, [
      ...also(leadId, true),
      db.insert(leads).values(row),
      db
        .insert(activities)
        .values(activityRow({ orgId, leadId, actorId: null, type: 'created', data: { via: channel }, at: now })),
      ...messageStatements(db, orgId, leadId, input.message, channel, 'created', now),
    ])
  } catch (error) {
    // A simultaneous submission with the same email saved its lead first: this one joins it.
    const raced = await leadIdByEmail(db, orgId, input.email)
    if (raced) return addToExisting(db, orgId, raced, input, channel, now, also)
    throw error
  }
  await routeOrLog(env, orgId, [leadId], null)
  return { leadId, created: true }
}

async function addToExisting(
  db: Database,
  orgId: string,
  leadId: string,
  input: IntakeInput,
  channel: IntakeChannel,
  now: number,
  also: (leadId: string, created: boolean) => BatchItem<'sqlite'>[],
): Promise<IntakeResult> {
  await runBatch(db, [
    ...also(leadId, false),
    ...messageStatements(db, orgId, leadId, input.message, channel, 'submitted_again', now),
  ])
  return { leadId, created: false }
}

/** Lead `leadId` of `orgId` as the API answers it, or null when the organization has no such lead. */
export async function apiLead(db: Database, orgId: string, leadId: string) {
  const row = await db
    .select({
      id: leads.id,
      name: leads.name,
      email: leads.email,
      phone: leads.phone,
      company: leads.company,
      source: leads.source,
      status: leads.status,
      inPool: leads.inPool,
      createdAt: leads.createdAt,
    })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), eq(leads.id, leadId)))
    .get()
  return row ? { ...row, createdAt: new Date(row.createdAt).toISOString() } : null
}
