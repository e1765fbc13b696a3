/**
 * The one lead policy (DESIGN.md "One visibility policy"): who may see, edit, assign and claim a
 * lead. Lists use the SQL predicate `visibleLeads`; single-lead reads use the same predicate, and
 * the action checks below work on the lead as read through it, so pages, fragments, exports,
 * searches and counts can never disagree.
 *
 * - Owner / Admin: every lead of the organization; may assign, edit, claim.
 * - Agent: leads they are assigned to, leads they created, leads they were assigned before (kept
 *   after a transfer), and, when the organization enables the pool, unassigned leads in the pool.
 *   An Agent edits only leads they are currently assigned to, claims only from the pool, and never
 *   assigns.
 * Every predicate pins the organization (tenancy); a deactivated member never gets this far (the
 * organization middleware refuses them).
 */
import { and, eq, exists, not, or, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { formerAssignees, leadAssignees, leads, type Role } from '../db/schema'

/** Who is looking: the signed-in active member of one organization. */
export type Viewer = {
  orgId: string
  userId: string
  role: Role
  /** The organization's setting "Agents can see and claim the unassigned pool". */
  poolEnabled: boolean
}

/** True for the roles that see every lead and manage assignment. */
export function isManager(viewer: Pick<Viewer, 'role'>): boolean {
  return viewer.role === 'owner' || viewer.role === 'admin'
}

/** SQL: the lead has at least one current assignee. */
export function hasAssignee(db: Database): SQL {
  return exists(db.select({ one: leadAssignees.leadId }).from(leadAssignees).where(eq(leadAssignees.leadId, leads.id)))
}

/** SQL: the lead is in the pool (no assignee, opened to the team). */
export function inPool(db: Database): SQL {
  return and(eq(leads.inPool, true), not(hasAssignee(db)))!
}

/** SQL condition on `leads` selecting exactly the leads `viewer` may see. */
export function visibleLeads(db: Database, viewer: Viewer): SQL {
  const inOrg = eq(leads.orgId, viewer.orgId)
  if (isManager(viewer)) return inOrg
  const assigned = exists(
    db
      .select({ one: leadAssignees.leadId })
      .from(leadAssignees)
      .where(and(eq(leadAssignees.leadId, leads.id), eq(leadAssignees.userId, viewer.userId))),
  )
  const formerlyAssigned = exists(
    db
      .select({ one: formerAssignees.leadId })
      .from(formerAssignees)
      .where(and(eq(formerAssignees.leadId, leads.id), eq(formerAssignees.userId, viewer.userId))),
  )
  const relations = [eq(leads.createdBy, viewer.userId), assigned, formerlyAssigned]
  if (viewer.poolEnabled) relations.push(inPool(db))
  return and(inOrg, or(...relations))!
}

/** What the action checks need to know of a lead the viewer can already see. */
export type LeadFacts = { inPool: boolean; assigneeIds: string[] }

/** May `viewer` change the lead's fields and status? Managers, and the lead's current assignees. */
export function canEdit(viewer: Viewer, lead: LeadFacts): boolean {
  return isManager(viewer) || lead.assigneeIds.includes(viewer.userId)
}

/** May `viewer` assign, reassign or unassign leads? Owners and Admins only. */
export function canAssign(viewer: Viewer): boolean {
  return isManager(viewer)
}

/**
 * May `viewer` try to claim the lead? It must be in the pool; Agents need the pool setting on.
 * (Whether the claim wins is decided atomically when it is written.)
 */
export function canClaim(viewer: Viewer, lead: LeadFacts): boolean {
  const claimable = lead.inPool && lead.assigneeIds.length === 0
  return claimable && (isManager(viewer) || viewer.poolEnabled)
}
