/** The choices of the lead list's "Assigned to" filter. */
import { and, asc, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { assigneeLeadCounts, memberships, users } from '../db/schema'
import { planned, readTogether, type Planned } from '../db/reads'
import { memberColumns, type Member } from '../orgs/members'
import { bucketTotal } from './counts'

/** The key of `assigneeChoices`' counts under which the unassigned leads are counted (no user id is it). */
export const UNASSIGNED = 'unassigned'

/**
 * The "Assigned to" filter's choices: every member of `unit.org` by name, deactivated ones too (their leads may need
 * reassigning), and the leads each is assigned to (primary or collaborator; count) by user id, and under
 * `UNASSIGNED` the unassigned leads, read from the counters the triggers keep (assignee_lead_counts, lead_counts;
 * archived leads left out), in one statement.
 */
export async function assigneeChoices(unit: Pick<Unit, 'db' | 'org'>): Promise<AssigneeChoices> {
  const [choices] = await readTogether(unit.db, [planAssigneeChoices(unit)])
  return choices
}

/** What `assigneeChoices` answers: the members, and the leads each is assigned to (see there). */
export type AssigneeChoices = { members: Member[]; counts: Map<string, number> }

/** The statement of `assigneeChoices`, planned to go to D1 with the list's other reads (db/reads.ts `readTogether`). */
export function planAssigneeChoices(unit: Pick<Unit, 'db' | 'org'>): Planned<AssigneeChoices> {
  const orgId = unit.org.id
  const query = unit.db
    .select({ ...memberColumns, leads: assigneeLeadCounts.leads, unassigned: bucketTotal(orgId, UNASSIGNED) })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(
      assigneeLeadCounts,
      and(eq(assigneeLeadCounts.orgId, memberships.orgId), eq(assigneeLeadCounts.userId, memberships.userId)),
    )
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.name))
  return planned(query, (rows) => {
    const counts = new Map(rows.filter((r) => r.leads !== null).map((r) => [r.userId, Number(r.leads)]))
    counts.set(UNASSIGNED, Number(rows[0]?.unassigned ?? 0))
    return { members: rows.map(({ leads: _, unassigned: __, ...member }) => member), counts }
  })
}
