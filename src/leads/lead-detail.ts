/** One lead as its page shows it, read through the visibility policy (src/leads/policy.ts) and so through tenancy. */
import { and, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { sameOrg } from '../db/tenancy'
import { leadAssignees, leads, users, type Lead } from '../db/schema'
import { visibleLeads } from './policy'

/** A lead with the names of its creator and current assignees. */
export type LeadDetail = Lead & {
  creatorName: string | null
  assignees: { userId: string; name: string; kind: 'primary' | 'collaborator' }[]
}

/**
 * The lead `leadId` if the unit's viewer may see it, else null (the route answers 404). Reads only the unit's
 * `db` and `viewer`.
 */
export async function findVisibleLead(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string): Promise<LeadDetail | null> {
  const { db, viewer } = unit
  const row = await db
    .select({ lead: leads, creatorName: users.name })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.createdBy))
    .where(and(eq(leads.id, leadId), visibleLeads(db, viewer)))
    .get()
  if (!row) return null
  const assignees = await db
    .select({ userId: leadAssignees.userId, name: users.name, kind: leadAssignees.kind })
    .from(leadAssignees)
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .where(and(sameOrg(leadAssignees.orgId, viewer.orgId), eq(leadAssignees.leadId, leadId)))
    .all()
  return { ...row.lead, creatorName: row.creatorName, assignees }
}
