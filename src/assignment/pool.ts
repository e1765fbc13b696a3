/**
 * Moving an unassigned lead into the pool (opened to the team for claiming) or back to triage.
 * Owners and Admins only; an assigned lead must be unassigned first.
 */
import { and, eq } from 'drizzle-orm'
import { activityRow } from '../activity/activities'
import type { Database } from '../db/client'
import { activities, leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/leads'
import { isManager, type Viewer } from '../leads/policy'

/**
 * Puts `leadId` into the pool (`inPool` true) or takes it out; no-op when already so.
 * @throws Refusal 403 for Agents, 404 when not visible, 409 when the lead has an assignee
 */
export async function setInPool(db: Database, viewer: Viewer, leadId: string, inPool: boolean, now = Date.now()) {
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  if (!isManager(viewer)) throw new Refusal(403, 'Only an Owner or Admin can move leads into or out of the pool.')
  if (lead.assignees.length > 0) throw new Refusal(409, 'This lead has an assignee; unassign it first.')
  if (lead.inPool === inPool) return
  await db.batch([
    db.update(leads).set({ inPool, updatedAt: now }).where(and(eq(leads.id, lead.id), eq(leads.orgId, viewer.orgId))),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId: lead.id,
        actorId: viewer.userId,
        type: inPool ? 'moved_to_pool' : 'removed_from_pool',
        at: now,
      }),
    ),
  ])
}
