/**
 * The one visibility policy for leads (DESIGN.md "One visibility policy"): a SQL predicate used by
 * list queries and by single-lead reads alike, so both always agree.
 *
 * - Owner / Admin: every lead of the organization.
 * - Agent: leads they are assigned to and leads they created.
 * Every predicate also pins the organization (tenancy).
 */
import { and, eq, exists, or, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { leadAssignees, leads, type Role } from '../db/schema'

/** Who is looking: the signed-in member of one organization. */
export type Viewer = { orgId: string; userId: string; role: Role }

/** SQL condition on `leads` selecting exactly the leads `viewer` may see. */
export function visibleLeads(db: Database, viewer: Viewer): SQL {
  const inOrg = eq(leads.orgId, viewer.orgId)
  if (viewer.role === 'owner' || viewer.role === 'admin') return inOrg
  const assignedToViewer = exists(
    db
      .select({ one: leadAssignees.leadId })
      .from(leadAssignees)
      .where(and(eq(leadAssignees.leadId, leads.id), eq(leadAssignees.userId, viewer.userId))),
  )
  return and(inOrg, or(eq(leads.createdBy, viewer.userId), assignedToViewer))!
}
