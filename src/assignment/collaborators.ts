/**
 * Collaborators: with the organization setting "multiple assignees" on, a lead has one primary
 * owner and any number of collaborators, who see it, count it in "Assigned to me", and work it.
 * Owners and Admins add and remove them; a removed collaborator keeps view access as a former
 * assignee. Turning the setting off keeps existing collaborators, read-only (see policy.canEdit).
 */
import { sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { retryInUnit, type Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { assigneeIs, holdersAre, leadIs, notArchived, unlessChanged } from '../db/guard'
import { activities, leadAssignees } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { canAssign, refuseArchived } from '../leads/policy'
import { refuseChangedHolders } from '../leads/holders'
import { assignableMember, findMember } from '../orgs/members'
import { endAssignment, ONE_PRIMARY } from './assign'
import { fanOut } from '../notifications/fan-out'

/** The refusal of a collaborator on a lead in the pool. */
const IN_THE_POOL = 'This lead is in the pool: assign it, or take it out of the pool, before adding collaborators.'

/** The lead waits in the pool: flagged so and without a primary assignee. */
export function inThePool(lead: { inPool: boolean; assignees: { kind: string }[] }): boolean {
  return lead.inPool && !lead.assignees.some((a) => a.kind === 'primary')
}

/** Options of a change of collaborators: the holders (sorted user ids) the form was shown with; undefined: unchecked. */
export type CollaboratorOptions = { shown?: string[] }

async function managedLead(unit: Unit, leadId: string, shown: string[] | undefined) {
  const { viewer } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (!canAssign(viewer)) throw new Refusal(403, 'Only an Owner or Admin can change who works a lead.')
  refuseArchived(lead)
  refuseChangedHolders(lead, shown)
  return lead
}

/** SQL: the holders the form was shown with are still the lead's (true when the form sent none). */
const stillShown = (leadId: string, shown: string[] | undefined) => (shown ? holdersAre([[leadId, shown]]) : sql`1`)

/**
 * Adds member `userId` as a collaborator of `leadId` (`unit`'s member acts, at `unit.now`); no-op when they
 * already work it.
 * @throws Refusal 404 (lead not visible), 403 (not Owner/Admin), 409 (lead archived, setting off, the lead is in the
 *   pool: assign it or take it out first, or its holders are no longer `options.shown`), 422 (member deactivated or not a member), 409 (concurrent changes
 *   kept winning for RETRY_BUDGET_MS)
 */
export async function addCollaborator(unit: Unit, leadId: string, userId: string, options: CollaboratorOptions = {}) {
  // Two adds of the same member at once: the loser's batch fails (guard, or the primary key) and
  // runs again, finds them already there and does nothing.
  return retryInUnit(unit, ONE_PRIMARY, (attempt) => addOnce(attempt, leadId, userId, options.shown))
}

async function addOnce(unit: Unit, leadId: string, userId: string, shown: string[] | undefined) {
  const { db, viewer, now } = unit
  const lead = await managedLead(unit, leadId, shown)
  if (!viewer.multipleAssignees)
    throw new Refusal(409, 'Multiple assignees are off: turn them on in Settings to add collaborators.')
  // A lead waiting in the pool is for whoever claims it; a collaborator would hide it from the pool.
  if (inThePool(lead)) throw new Refusal(409, IN_THE_POOL)
  const member = await assignableMember(db, viewer.orgId, userId)
  if (lead.assignees.some((a) => a.userId === userId)) return
  const person = { id: member.userId, name: member.name }
  const fan = await fanOut(unit, [
    { type: 'collaborator_added', leads: [{ id: lead.id, name: lead.name }], people: [person] },
  ])
  const statements: BatchItem<'sqlite'>[] = [
    unlessChanged(
      db,
      sql`NOT EXISTS (SELECT 1 FROM lead_assignees WHERE lead_id = ${lead.id} AND user_id = ${userId})
        AND NOT ${leadIs(lead.id, sql`in_pool = 1 AND primary_assignee_id IS NULL`)} AND ${notArchived(lead.id)}
        AND ${stillShown(lead.id, shown)}`,
    ),
    db.insert(leadAssignees).values({
      orgId: viewer.orgId,
      leadId: lead.id,
      userId,
      kind: 'collaborator',
      assignedBy: viewer.userId,
      assignedAt: now,
    }),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId: lead.id,
        actorId: viewer.userId,
        type: 'collaborator_added',
        data: { collaborator: person },
        at: now,
      }),
    ),
  ]
  await runBatch(db, [...statements, ...fan.statements])
  await fan.afterCommit()
}

/**
 * Removes collaborator `userId` from `leadId` (allowed with the setting off too; `unit`'s member acts, at
 * `unit.now`); no-op when they are not a collaborator.
 * @throws Refusal 404 (lead not visible), 403 (not Owner/Admin), 409 (lead archived, or its holders are no longer
 *   `options.shown`)
 */
export async function removeCollaborator(
  unit: Unit,
  leadId: string,
  userId: string,
  options: CollaboratorOptions = {},
) {
  return retryInUnit(unit, ONE_PRIMARY, (attempt) => removeOnce(attempt, leadId, userId, options.shown))
}

async function removeOnce(unit: Unit, leadId: string, userId: string, shown: string[] | undefined) {
  const { db, viewer, now } = unit
  const lead = await managedLead(unit, leadId, shown)
  if (!lead.assignees.some((a) => a.userId === userId && a.kind === 'collaborator')) return
  const member = await findMember(db, viewer.orgId, userId)
  const person = { id: userId, name: member?.name ?? 'Former member' }
  const fan = await fanOut(unit, [
    { type: 'collaborator_removed', leads: [{ id: lead.id, name: lead.name }], people: [person] },
  ])
  await runBatch(db, [
    // Two removes at once: the second finds them gone (guard), runs again and does nothing.
    unlessChanged(
      db,
      sql`${assigneeIs(lead.id, userId, 'collaborator', true)} AND ${notArchived(lead.id)} AND ${stillShown(lead.id, shown)}`,
    ),
    ...endAssignment(unit, lead.id, userId),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId: lead.id,
        actorId: viewer.userId,
        type: 'collaborator_removed',
        data: { collaborator: person },
        at: now,
      }),
    ),
    ...fan.statements,
  ])
  await fan.afterCommit()
}
