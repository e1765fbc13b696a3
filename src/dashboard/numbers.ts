/**
 * The dashboard's numbers (docs/ARCHITECTURE.md "Dashboard"), read from the rollups the triggers of
 * migrations/0025_dashboard_rollups.sql keep (never by counting leads), as one D1 batch (`readTogether`): what an
 * organization's size does not change, only its number of days, sources, statuses and members.
 */
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { firstTouchDayCounts, leadDayCounts, leads, memberLeadCounts, memberships, tasks, users } from '../db/schema'
import { known, planned, readTogether } from '../db/reads'
import { dueBucket, dueOf } from '../lib/due'
import { localDate } from '../lib/zoned-time'
import { OPEN_STATUSES, planMembers, type Member } from '../orgs/members'

/** One day, epoch ms. The rollups' `day` is the UTC day: epoch ms / DAY_MS, rounded down. */
export const DAY_MS = 86_400_000

/** What the dashboard shows: the last `days` UTC days, one `source` (null: all), one `member`'s leads (null: all). */
export type DashboardFilters = { days: number; source: string | null; member: string | null }

/** Leads that arrived on `day` (UTC day number) from `source` and are in `status` now: `leads` (count). */
export type Arrivals = { day: number; source: string; status: string; leads: number }

/** Leads nobody holds (`pool` or `unassigned`) that arrived on `day`: `leads` (count). */
export type Waiting = { scope: 'pool' | 'unassigned'; day: number; leads: number }

/** First touches on `day`: how many, their summed wait from arrival (ms) and how many had missed the target. */
export type Touches = { day: number; touched: number; waitMs: number; missed: number }

/** A member's workload: open leads they hold (count), open tasks past due (count), their first touches in the period. */
export type Workload = { member: Member; openLeads: number; overdueTasks: number; touched: number; waitMs: number }

export type DashboardNumbers = {
  /** The period's first and last UTC day numbers (inclusive). */
  from: number
  to: number
  arrivals: Arrivals[]
  /** Every source the viewer's leads of the period came from, and the one the filters name (the filter's choices), sorted. */
  sources: string[]
  waiting: Waiting[]
  touches: Touches[]
  workload: Workload[]
  /** The active members, by name (the member filter's choices; Owners and Admins only, else empty). */
  members: Member[]
}

/**
 * Whose leads the numbers count: an Agent only ever their own (the leads they hold as primary assignee, the first
 * touches they made: "Agents get their own numbers"); an Owner or Admin the whole team (`all`) or `filters.member`.
 */
export function scopeOf(unit: Pick<Unit, 'viewer'>, filters: DashboardFilters): string {
  if (!isManager(unit.viewer)) return unit.viewer.userId
  return filters.member ?? 'all'
}

/**
 * The numbers of `unit.org` for `unit.viewer` under `filters`, at `unit.now`: arrivals by day, source and status in
 * the period; pool and unassigned leads by the day they arrived (whatever the period and member: only the pool, and
 * only when it is open to them, for an Agent); first touches per day; and the workload per member (open leads now,
 * overdue tasks now in each assignee's time zone, first touches in the period). One D1 batch.
 */
export async function dashboardNumbers(
  unit: Pick<Unit, 'db' | 'org' | 'viewer' | 'now'>,
  filters: DashboardFilters,
): Promise<DashboardNumbers> {
  const { db, viewer } = unit
  const orgId = unit.org.id
  const manager = isManager(viewer)
  const scope = scopeOf(unit, filters)
  const to = Math.floor(unit.now / DAY_MS)
  const from = to - filters.days + 1
  const source = (column: SQLiteColumn) => (filters.source === null ? undefined : eq(column, filters.source))
  const waitingScopes = manager ? ['pool', 'unassigned'] : viewer.poolEnabled ? ['pool'] : []
  // The members whose workload shows: an Agent themself; an Owner or Admin every active member, or the one chosen.
  const workloadMembers = sql`(SELECT ${memberships.userId} FROM ${memberships} WHERE ${memberships.orgId} = ${orgId}
    AND ${memberships.status} = 'active' ${scope === 'all' ? sql`` : sql`AND ${memberships.userId} = ${scope}`})`
  const leadsIn = sql<number>`sum(${leadDayCounts.leads})`
  const [arrivals, sources, waiting, touches, open, touchedBy, dueTasks, members] = await readTogether(db, [
    planned(
      db
        .select({ day: leadDayCounts.day, source: leadDayCounts.source, status: leadDayCounts.status, leads: leadsIn })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            eq(leadDayCounts.scope, scope),
            sql`${leadDayCounts.day} BETWEEN ${from} AND ${to}`,
            source(leadDayCounts.source),
          ),
        )
        .groupBy(leadDayCounts.day, leadDayCounts.source, leadDayCounts.status)
        .having(gt(leadsIn, 0)),
      (rows) => rows.map((r) => ({ ...r, leads: Number(r.leads) })),
    ),
    planned(
      db
        .selectDistinct({ source: leadDayCounts.source })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            eq(leadDayCounts.scope, scope),
            sql`${leadDayCounts.day} BETWEEN ${from} AND ${to}`,
            gt(leadDayCounts.leads, 0),
          ),
        )
        .orderBy(asc(leadDayCounts.source)),
      (rows) =>
        [...new Set([...rows.map((r) => r.source), ...(filters.source === null ? [] : [filters.source])])].sort(),
    ),
    planned(
      db
        .select({ scope: leadDayCounts.scope, day: leadDayCounts.day, leads: leadsIn })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            inArray(leadDayCounts.scope, waitingScopes.length ? waitingScopes : ['']),
            source(leadDayCounts.source),
          ),
        )
        .groupBy(leadDayCounts.scope, leadDayCounts.day)
        .having(gt(leadsIn, 0)),
      (rows) => rows.map((r) => ({ ...r, scope: r.scope as Waiting['scope'], leads: Number(r.leads) })),
    ),
    planned(
      db
        .select({
          day: firstTouchDayCounts.day,
          touched: sql<number>`sum(${firstTouchDayCounts.touched})`,
          waitMs: sql<number>`sum(${firstTouchDayCounts.waitMs})`,
          missed: sql<number>`sum(${firstTouchDayCounts.missed})`,
        })
        .from(firstTouchDayCounts)
        .where(
          and(
            eq(firstTouchDayCounts.orgId, orgId),
            eq(firstTouchDayCounts.scope, scope),
            sql`${firstTouchDayCounts.day} BETWEEN ${from} AND ${to}`,
            source(firstTouchDayCounts.source),
          ),
        )
        .groupBy(firstTouchDayCounts.day),
      (rows) =>
        rows
          .map((r) => ({ day: r.day, touched: Number(r.touched), waitMs: Number(r.waitMs), missed: Number(r.missed) }))
          .filter((r) => r.touched > 0),
    ),
    planned(
      db
        .select({ userId: memberLeadCounts.userId, leads: sql<number>`sum(${memberLeadCounts.leads})` })
        .from(memberLeadCounts)
        .where(
          and(
            eq(memberLeadCounts.orgId, orgId),
            sql`${memberLeadCounts.userId} IN ${workloadMembers}`,
            inArray(memberLeadCounts.status, [...OPEN_STATUSES]),
            source(memberLeadCounts.source),
          ),
        )
        .groupBy(memberLeadCounts.userId),
      (rows) => new Map(rows.map((r) => [r.userId, Number(r.leads)])),
    ),
    planned(
      db
        .select({
          userId: firstTouchDayCounts.scope,
          touched: sql<number>`sum(${firstTouchDayCounts.touched})`,
          waitMs: sql<number>`sum(${firstTouchDayCounts.waitMs})`,
        })
        .from(firstTouchDayCounts)
        .where(
          and(
            eq(firstTouchDayCounts.orgId, orgId),
            sql`${firstTouchDayCounts.scope} IN ${workloadMembers}`,
            sql`${firstTouchDayCounts.day} BETWEEN ${from} AND ${to}`,
            source(firstTouchDayCounts.source),
          ),
        )
        .groupBy(firstTouchDayCounts.scope),
      (rows) => new Map(rows.map((r) => [r.userId, { touched: Number(r.touched), waitMs: Number(r.waitMs) }])),
    ),
    // Open tasks already due somewhere on Earth (due_at passed, or a due day up to tomorrow in UTC), on leads not
    // archived; which of them are overdue is decided in each assignee's time zone (src/lib/due.ts).
    planned(
      db
        .select({
          userId: tasks.assigneeId,
          dueDate: tasks.dueDate,
          dueAt: tasks.dueAt,
          timeZone: users.timeZone,
        })
        .from(tasks)
        .innerJoin(users, eq(users.id, tasks.assigneeId))
        .innerJoin(leads, and(eq(leads.id, tasks.leadId), isNull(leads.archivedAt)))
        .where(
          and(
            eq(tasks.orgId, orgId),
            sql`${tasks.assigneeId} IN ${workloadMembers}`,
            isNull(tasks.completedAt),
            or(lte(tasks.dueAt, unit.now), lte(tasks.dueDate, localDate(unit.now + DAY_MS, 'UTC'))),
            filters.source === null ? undefined : eq(leads.source, filters.source),
          ),
        ),
      (rows) => rows,
    ),
    manager ? planMembers(unit) : known<Member[]>([]),
  ])
  const overdue = new Map<string, number>()
  for (const task of dueTasks) {
    const due = dueOf(task)
    if (due && dueBucket(due, unit.now, task.timeZone || 'UTC') === 'overdue')
      overdue.set(task.userId, (overdue.get(task.userId) ?? 0) + 1)
  }
  const shown = manager
    ? members.filter((m) => scope === 'all' || m.userId === scope)
    : [{ userId: viewer.userId, name: 'You', email: '', role: viewer.role, status: 'active' as const }]
  const workload = shown.map((member) => ({
    member,
    openLeads: open.get(member.userId) ?? 0,
    overdueTasks: overdue.get(member.userId) ?? 0,
    touched: touchedBy.get(member.userId)?.touched ?? 0,
    waitMs: touchedBy.get(member.userId)?.waitMs ?? 0,
  }))
  return { from, to, arrivals, sources, waiting, touches, workload, members }
}
