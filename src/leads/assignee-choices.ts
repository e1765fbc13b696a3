/** The choices of the lead list's "Assigned to" filter. */
import { and, asc, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { assigneeLeadCounts, memberships, users } from '../db/schema'
import { memberColumns, type Member } from '../orgs/members'

/**
 * The "Assigned to" filter's choices: every member of `unit.org` by name, deactivated ones too (their leads may need
 * reassigning), and the leads each is assigned to (primary or collaborator; count) by user id, read from the
 * counters the assignment triggers keep (assignee_lead_counts; archived leads left out), in one statement.
 */
export async function assigneeChoices(
  unit: Pick<Unit, 'db' | 'org'>,
): Promise<{ members: Member[]; counts: Map<string, number> }> {
  const orgId = unit.org.id
  const rows = await unit.db
    .select({ ...memberColumns, leads: assigneeLeadCounts.leads })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(
      assigneeLeadCounts,
      and(eq(assigneeLeadCounts.orgId, memberships.orgId), eq(assigneeLeadCounts.userId, memberships.userId)),
    )
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.name))
    .all()
  return {
    members: rows.map(({ leads: _, ...member }) => member),
    counts: new Map(rows.filter((r) => r.leads !== null).map((r) => [r.userId, Number(r.leads)])),
  }
}
