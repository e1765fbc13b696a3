/**
 * Moving an unassigned lead into the pool (opened to the team for claiming) or back to triage.
 * Owners and Admins only; an assigned lead must be unassigned first. A lead moved into the pool is a
 * `pool_new_lead` notification for the Owners and Admins who opted in.
 */
import { and, eq } from 'drizzle-orm'
import type { Database } from '../db/client'
import { retryOnConflict } from '../db/errors'
import { leadIs, noAssignee, notArchived } from '../db/guard'
import { leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { updateLead } from '../leads/update-lead'
import { isManager, type Viewer } from '../access/viewer'
import { refuseArchived } from '../leads/policy'
import { fanOutWith, type FanOutContext } from '../notifications/fan-out'

/**
 * Puts `leadId` into the pool (`inPool` true) or takes it out; no-op when already so. Planned on the
 * lead as read (no assignee, pool flag): a concurrent change in between makes it run again.
 * @throws Refusal 403 for Agents, 404 when not visible, 409 when the lead is archived, or has an assignee or collaborators
 *   (or concurrent changes kept winning for RETRY_BUDGET_MS)
 */
export async function setInPool(
  db: Database,
  viewer: Viewer,
  leadId: string,
  inPool: boolean,
  notify: FanOutContext,
  now?: number,
) {
  return retryOnConflict([], () => moveOnce(db, viewer, leadId, inPool, notify, now ?? Date.now()))
}

async function moveOnce(
  db: Database,
  viewer: Viewer,
  leadId: string,
  inPool: boolean,
  notify: FanOutContext,
  now: number,
) {
  const lead = await findVisibleLead({ db, viewer }, leadId)
  if (!lead) throw notFound()
  if (!isManager(viewer)) throw new Refusal(403, 'Only an Owner or Admin can move leads into or out of the pool.')
  refuseArchived(lead)
  if (lead.assignees.some((a) => a.kind === 'primary'))
    throw new Refusal(409, 'This lead has an assignee; unassign it first.')
  // Unassigned, yet worked by collaborators (they stay when its owner is unassigned).
  if (lead.assignees.length > 0) throw new Refusal(409, 'This lead has collaborators; remove them first.')
  if (lead.inPool === inPool) return
  const events = inPool ? [{ type: 'pool_new_lead' as const, leads: [{ id: lead.id, name: lead.name }] }] : []
  const fan = await fanOutWith(db, notify, events, now)
  await updateLead({ db, viewer, now }, lead.id, {
    // The pool shows how long a lead has waited since it entered (pool/queries.ts).
    set: { inPool, pooledAt: inPool ? now : null },
    activity: { type: inPool ? 'moved_to_pool' : 'removed_from_pool' },
    expected: and(leadIs(lead.id, eq(leads.inPool, lead.inPool)), noAssignee(lead.id), notArchived(lead.id)),
    also: fan.statements,
  })
  await fan.afterCommit()
}
