/**
 * Creating a lead by hand (the new-lead form), and what every way of bringing a lead in shares: its row, the
 * one-lead-per-email rule (`leadIdByEmail`, `duplicateLead`).
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { runBatch } from '../db/client'
import { activities, leadAssignees, leads } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { emailKey, type LeadInput } from './fields'

/** Row values for a new lead of `orgId` created by `actorId` at `now` (epoch ms). */
export function leadRow(orgId: string, actorId: string, input: LeadInput, now: number): typeof leads.$inferInsert {
  return {
    id: newId(),
    orgId,
    name: input.name,
    email: input.email,
    emailNormalized: emailKey(input.email),
    phone: input.phone,
    company: input.company,
    source: input.source,
    status: input.status,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
  }
}

/** The refusal of a lead whose email already belongs to lead `existingId` of the organization. */
export function duplicateLead(existingId: string): Refusal {
  return new Refusal(422, 'A lead with this email address already exists.', { field: 'email', details: { existingId } })
}

/** Id of `unit.org`'s lead using `email` (any capitalisation), or null. */
export async function leadIdByEmail(unit: Pick<Unit, 'db' | 'org'>, email: string): Promise<string | null> {
  const key = emailKey(email)
  if (!key) return null
  const orgId = unit.org.id
  const row = await unit.db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), eq(leads.emailNormalized, key)))
    .get()
  return row?.id ?? null
}

/**
 * Creates one lead by the unit's viewer and its `created` activity, stamped `unit.now`, in one atomic D1 batch. A
 * lead an Agent creates is theirs (assigned to them); one an Owner or Admin creates starts unassigned, for triage.
 * `options.also(leadId)` gives statements to run first in the same batch (e.g. recording the form token,
 * db/idempotency.ts).
 * @returns the new lead's id
 * @throws Refusal 422 on `email` (with `details.existingId`) when the email already belongs to a lead of
 *   the organization
 */
export async function createLead(
  unit: Unit,
  input: LeadInput,
  { also = () => [] }: { also?: (leadId: string) => BatchItem<'sqlite'>[] } = {},
): Promise<string> {
  const { db, viewer, now } = unit
  const existing = await leadIdByEmail(unit, input.email)
  if (existing) throw duplicateLead(existing)
  const row = leadRow(viewer.orgId, viewer.userId, input, now)
  const leadId = row.id
  const ownedByCreator = !isManager(viewer)
  const batch = runBatch(db, [
    ...also(leadId),
    db.insert(leads).values(row),
    ...(ownedByCreator
      ? [
          db.insert(leadAssignees).values({
            orgId: viewer.orgId,
            leadId,
            userId: viewer.userId,
            kind: 'primary' as const,
            assignedBy: viewer.userId,
            assignedAt: now,
          }),
        ]
      : []),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId,
        actorId: viewer.userId,
        type: 'created',
        data: ownedByCreator ? { assignedToCreator: true } : {},
        at: now,
      }),
    ),
  ])
  try {
    await batch
  } catch (error) {
    // Someone saved the same email between our check and this batch.
    const raced = await leadIdByEmail(unit, input.email)
    if (raced) throw duplicateLead(raced)
    throw error
  }
  return leadId
}
