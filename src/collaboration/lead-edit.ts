/** Editing a lead's fields, with a `lead_edited` activity naming each changed field before and after. */
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import { activityRow } from '../activity/activities'
import { retryInUnit, type Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { leadIs, unlessChanged } from '../db/guard'
import { activities, leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { threeWay } from '../lib/three-way'
import { emailKey, leadSchema } from '../leads/fields'
import { duplicateLead, leadIdByEmail } from '../leads/create'
import { findVisibleLead } from '../leads/lead-detail'
import { canEdit, factsOf } from '../leads/policy'

/** The edit form: the create form's fields without the status (changed on its own). */
export const editLeadSchema = leadSchema.omit({ status: true })
export type LeadEdit = z.infer<typeof editLeadSchema>

const FIELDS = ['name', 'email', 'phone', 'company', 'source'] as const

/** The edit form's hidden `shown_{field}` inputs: the values it was opened with (lib/three-way.ts). */
export const shownLeadSchema = z
  .object(Object.fromEntries(FIELDS.map((f) => [`shown_${f}`, z.string().max(1000).optional()])))
  .transform((v) => Object.fromEntries(FIELDS.map((f) => [f, v[`shown_${f}`]])) as Partial<LeadEdit>)

/** The labels of the fields in messages. */
const LABELS: Record<(typeof FIELDS)[number], string> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  company: 'company',
  source: 'source',
}

/**
 * Saves `input` on lead `leadId` in `unit` (stamped `unit.now`): the fields the person changed from what the form
 * showed (`options.shown`, merged three ways: lib/three-way.ts, so a field someone else changed meanwhile and this
 * person did not is left as it is now) and one activity listing each (`changes`: field → `{ from, to }`) in one batch; nothing when nothing
 * changed. Runs again when the lead changed in between, so `from` is always what was replaced.
 * @returns the activity's id, or null when nothing changed
 * @throws Refusal 404 (not visible), 403 (may not edit), 422 on `email` when another lead of the
 *   organization has it (the create form's message), 409 naming each field someone else changed to another
 *   value while the form was open, 409 when concurrent edits kept winning
 */
export async function editLead(
  unit: Unit,
  leadId: string,
  input: LeadEdit,
  options: { shown?: Partial<LeadEdit> } = {},
) {
  return retryInUnit(unit, [], (attempt) => editOnce(attempt, leadId, input, options.shown ?? {}))
}

/** One try of `editLead`: reads the lead, plans the edit against it, writes it unless the lead changed meanwhile. */
async function editOnce(unit: Unit, leadId: string, input: LeadEdit, shown: Partial<LeadEdit>) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (!canEdit(viewer, factsOf(lead))) {
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can change this lead.')
  }
  const { apply, conflicts } = threeWay(FIELDS, lead, shown, input)
  if (conflicts.length > 0) {
    const stored = conflicts.map((f) => `the ${LABELS[f]} is now “${lead[f]}”`).join(', ')
    throw new Refusal(
      409,
      `Someone else changed this lead while you were editing: ${stored}. Your changes are below; save again to keep them.`,
    )
  }
  const changes: Record<string, { from: string; to: string }> = {}
  for (const field of FIELDS) if (apply[field] !== undefined) changes[field] = { from: lead[field], to: apply[field] }
  if (Object.keys(changes).length === 0) return null
  if (changes.email && emailKey(input.email) !== lead.emailNormalized) {
    const other = await leadIdByEmail(unit, input.email)
    if (other && other !== lead.id) throw duplicateLead(other)
  }
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    type: 'lead_edited',
    data: { changes },
    at: now,
  })
  const unchanged = and(...FIELDS.map((f) => eq(leads[f], lead[f])))!
  try {
    await runBatch(db, [
      unlessChanged(db, leadIs(lead.id, unchanged)),
      db
        .update(leads)
        .set({
          ...apply,
          ...(apply.email !== undefined ? { emailNormalized: emailKey(apply.email) } : {}),
          updatedAt: now,
        })
        .where(and(eq(leads.id, leadId), eq(leads.orgId, viewer.orgId))),
      db.insert(activities).values(activity),
    ])
  } catch (error) {
    if (!uniqueViolation(error, 'leads.email_normalized')) throw error
    const raced = await leadIdByEmail(unit, input.email)
    throw raced ? duplicateLead(raced) : error
  }
  return activity.id
}
