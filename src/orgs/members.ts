/**
 * Members of an organization: lookups used by assignment (only active members are assignable) and
 * the team list with each member's open-lead count.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { leadAssignees, leads, memberships, users, type MembershipStatus, type Role } from '../db/schema'
import { planned, readTogether, type Planned } from '../db/reads'
import { Refusal } from '../lib/errors'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'

/** Lead statuses that count as still open (the workload of the assignee). */
export const OPEN_STATUSES = ['new', 'contacted', 'qualified'] as const

export type Member = {
  userId: string
  name: string
  email: string
  role: Role
  status: MembershipStatus
}

/** The columns of a `Member`, read from `memberships` joined with `users`. */
export const memberColumns = {
  userId: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  status: memberships.status,
}

/** The member `userId` of `orgId` (any status), or null when they are not a member. */
export async function findMember(db: Database, orgId: string, userId: string): Promise<Member | null> {
  const row = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get()
  return row ?? null
}

/**
 * The member `userId` if they can be given a lead now.
 * @throws Refusal 422 when they are deactivated ("Kim is deactivated …: an Owner or Admin must reactivate
 *   them on the Team page first") or not a member
 */
export async function assignableMember(db: Database, orgId: string, userId: string): Promise<Member> {
  const member = await findMember(db, orgId, userId)
  if (!member) throw new Refusal(422, 'That person is not a member of this organization.')
  if (member.status !== 'active') {
    throw new Refusal(
      422,
      `${member.name} is deactivated and cannot be assigned leads: an Owner or Admin must reactivate them on the Team page first.`,
    )
  }
  return member
}

/**
 * Members of `unit.org` by name: only active ones (default), the choices of every assignee picker; or with
 * `includeDeactivated`, deactivated ones too (the list filter, whose leads may need reassigning).
 */
export async function assignableMembers(
  unit: Pick<Unit, 'db' | 'org'>,
  options: { includeDeactivated?: boolean } = {},
): Promise<Member[]> {
  const [members] = await readTogether(unit.db, [planMembers(unit, options)])
  return members
}

/** The statement of `assignableMembers`, planned to go to D1 with a page's other reads (db/reads.ts `readTogether`). */
export function planMembers(
  unit: Pick<Unit, 'db' | 'org'>,
  { includeDeactivated = false }: { includeDeactivated?: boolean } = {},
): Planned<Member[]> {
  const orgId = unit.org.id
  const query = unit.db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      includeDeactivated
        ? eq(memberships.orgId, orgId)
        : and(eq(memberships.orgId, orgId), eq(memberships.status, 'active')),
    )
    .orderBy(asc(users.name))
  return planned(query, (rows) => rows)
}

/** The active ones of `members`: who can be given leads. */
export function activeOnly(members: Member[]): Member[] {
  return members.filter((m) => m.status === 'active')
}

/** A row of the team page. */
export type TeamMember = Member & {
  /** Open leads (status new, contacted or qualified) the member is assigned to. */
  openLeads: number
  /** Epoch ms the membership began. */
  joinedAt: number
  /** Routing weight (1-5) and cap on open leads from routing (0 = none): orgs/routing-capacity.ts. */
  routingWeight: number
  routingCap: number
  /** Working hours (orgs/working-hours.ts), in the member's own `timeZone` (IANA). */
  workDays: string | null
  workStart: string
  workEnd: string
  timeZone: string
}

/**
 * Every member of `unit.org` with their open-lead count, sorted by `sort` (`name` or `open`, most
 * first). Only the leads `counted` selects (an SQL condition on `leads`) are counted: the page passes
 * the lead policy's `visibleLeads` for the viewer (pages/team-routes.tsx), so neither the counts nor
 * the order tell an Agent anything about leads they cannot see; for Owners and Admins that is every lead.
 */
export async function teamMembers(
  unit: Pick<Unit, 'db' | 'org'>,
  counted: SQL,
  sort: 'name' | 'open' = 'name',
): Promise<TeamMember[]> {
  const { db } = unit
  const orgId = unit.org.id
  const openLeads = sql<number>`(
    SELECT count(*) FROM ${leadAssignees} INNER JOIN ${leads} ON ${leads.id} = ${leadAssignees.leadId}
    WHERE ${leadAssignees.userId} = ${memberships.userId} AND ${leadAssignees.orgId} = ${orgId}
      AND ${inArray(leads.status, [...OPEN_STATUSES])} AND ${counted}
  )`
  const rows = await db
    .select({
      ...memberColumns,
      joinedAt: memberships.createdAt,
      routingWeight: memberships.routingWeight,
      routingCap: memberships.routingCap,
      workDays: memberships.workDays,
      workStart: memberships.workStart,
      workEnd: memberships.workEnd,
      timeZone: users.timeZone,
      openLeads,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(sort === 'open' ? sql`${openLeads} DESC` : asc(users.name), asc(users.name))
    .all()
  return rows.map((r) => ({ ...r, openLeads: Number(r.openLeads) }))
}

/** The active Owners and Admins of `orgId` by name: whom an Agent asks, who gets reassignment requests. */
export async function activeManagers(db: Database, orgId: string): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.status, 'active')))
    .orderBy(asc(users.name))
    .all()
  return rows.filter((r) => isManager(r)).map((r) => ({ id: r.id, name: r.name }))
}
