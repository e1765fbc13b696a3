/**
 * Moving an unassigned lead into the pool (opened to the team for claiming) or back to triage.
 * Owners and Admins only; an assigned lead must be unassigned first. A lead moved into the pool is a
 * `pool_new_lead` notification for the Owners and Admins who opted in.
 */
import { and, eq } from 'drizzle-orm'
import { retryInUnit, type Unit } from '../access/unit'
import { leadIs, noAssignee, notArchived } from '../db/guard'
import { leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { updateLead } from '../leads/update-lead'
import { isManager } from '../access/viewer'
import { refuseArchived } from '../leads/policy'
import { refuseChangedHolders } from '../leads/holders'
import { fanOut } from '../notifications/fan-out'

/**
 * Puts `leadId` into the pool (`inPool` true) or takes it out (`unit`'s member acts, at `unit.now`); no-op when
 * already so. Planned on the
 * lead as read (no assignee, pool flag): a concurrent change in between makes it run again.
 * `options.shown`: the holders (sorted user ids) the form was shown with; undefined: not checked.
 * @throws Refusal 403 for Agents, 404 when not visible, 409 when the lead is archived, has an assignee or collaborators
 *   (naming who holds it now when they are not those `options.shown`), or concurrent changes kept winning for
 *   RETRY_BUDGET_MS
 */
export async function setInPool(unit: Unit, leadId: string, inPool: boolean, options: { shown?: string[] } = {}) {
  return retryInUnit(unit, [], (attempt) => moveOnce(attempt, leadId, inPool, options.shown))
}

async function moveOnce(unit: Unit, leadId: string, inPool: boolean, shown: string[] | undefined) {
  const { viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (!isManager(viewer)) throw new Refusal(403, 'Only an Owner or Admin can move leads into or out of the pool.')
  refuseArchived(lead)
  refuseChangedHolders(lead, shown)
  if (lead.assignees.some((a) => a.kind === 'primary'))
    throw new Refusal(409, 'This lead has an assignee; unassign it first.')
  // Unassigned, yet worked by collaborators (they stay when its owner is unassigned).
  if (lead.assignees.length > 0) throw new Refusal(409, 'This lead has collaborators; remove them first.')
  if (lead.inPool === inPool) return
  const events = inPool ? [{ type: 'pool_new_lead' as const, leads: [{ id: lead.id, name: lead.name }] }] : []
  const fan = await fanOut(unit, events)
  await updateLead(unit, lead.id, {
    // The pool shows how long a lead has waited since it entered (pool/queries.ts).
    set: { inPool, pooledAt: inPool ? now : null },
    activity: { type: inPool ? 'moved_to_pool' : 'removed_from_pool' },
    // noAssignee is also the holders an up-to-date form was shown with (none).
    expected: and(leadIs(lead.id, eq(leads.inPool, lead.inPool)), noAssignee(lead.id), notArchived(lead.id)),
    also: fan.statements,
  })
  await fan.afterCommit()
}
