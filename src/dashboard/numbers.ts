/**
 * The dashboard's numbers (docs/ARCHITECTURE.md "Dashboard"), read from the rollups the triggers of
 * migrations/0025_dashboard_rollups.sql and 0031_dashboard_local_days.sql keep (never by counting leads), as one D1
 * batch (`readTogether`), by the viewer's local days (src/dashboard/local-days.ts): what an organization's size does
 * not change, only its number of days, sources, statuses and members (and, away from UTC, its leads in the quarter
 * hours between local and UTC midnights).
 */
import { and, asc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import {
  firstTouchDayCounts,
  firstTouchSlotCounts,
  leadDayCounts,
  leadSlotCounts,
  leads,
  memberLeadCounts,
  memberships,
  tasks,
  users,
} from '../db/schema'
import { known, planned, readTogether } from '../db/reads'
import { dueBucket, dueOf } from '../lib/due'
import { localDate } from '../lib/zoned-time'
import { OPEN_STATUSES, planMembers, type Member } from '../orgs/members'
import { bandsJson, DAY_MS, dayPlan, sumByLocalDay, utcRange, type DayPlan } from './local-days'

/** What the dashboard shows: the last `days` local days, one `source` (null: all), one `member`'s leads (null: all). */
export type DashboardFilters = { days: number; source: string | null; member: string | null }

/** Leads that arrived on `day` (local day number, src/dashboard/local-days.ts) from `source` and are in `status` now: `leads` (count). */
export type Arrivals = { day: number; source: string; status: string; leads: number }

/** Leads nobody holds (`pool` or `unassigned`) that arrived on `day`: `leads` (count). */
export type Waiting = { scope: 'pool' | 'unassigned'; day: number; leads: number }

/** First touches on `day`: how many, their summed wait from arrival (ms) and how many had missed the target. */
export type Touches = { day: number; touched: number; waitMs: number; missed: number }

/** A member's workload: open leads they hold (count), open tasks past due (count), their first touches in the period. */
export type Workload = { member: Member; openLeads: number; overdueTasks: number; touched: number; waitMs: number }

export type DashboardNumbers = {
  /** The period's first and last local day numbers (inclusive), in `timeZone` (an IANA name). */
  from: number
  to: number
  timeZone: string
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
 * The numbers of `unit.org` for `unit.viewer` under `filters`, at `unit.now`, by local days in `options.timeZone` (the
 * viewer's, an IANA name): arrivals by day, source and status in the period; pool and unassigned leads by the day they
 * arrived (whatever the period and member: only the pool, and only when it is open to them, for an Agent; days over
 * 30 days old as one, `from - 31`); first touches per day; and the workload per member (open leads now, overdue tasks
 * now in each assignee's time zone, first touches in the period). One D1 batch.
 */
export async function dashboardNumbers(
  unit: Pick<Unit, 'db' | 'org' | 'viewer' | 'now'>,
  filters: DashboardFilters,
  options: { timeZone: string },
): Promise<DashboardNumbers> {
  const { db, viewer } = unit
  const { timeZone } = options
  const orgId = unit.org.id
  const manager = isManager(viewer)
  const scope = scopeOf(unit, filters)
  const period = dayPlan(unit.now, filters.days, timeZone)
  const { first, last } = utcRange(period)
  // Ages of waiting leads: today and the 30 days before it one by one, every older day as one.
  const ages = dayPlan(unit.now, 31, timeZone)
  const source = (column: SQLiteColumn) => (filters.source === null ? undefined : eq(column, filters.source))
  const waitingScopes = manager ? ['pool', 'unassigned'] : viewer.poolEnabled ? ['pool'] : []
  // The members whose workload shows: an Agent themself; an Owner or Admin every active member, or the one chosen.
  const workloadMembers = sql`(SELECT ${memberships.userId} FROM ${memberships} WHERE ${memberships.orgId} = ${orgId}
    AND ${memberships.status} = 'active' ${scope === 'all' ? sql`` : sql`AND ${memberships.userId} = ${scope}`})`
  const leadsIn = sql<number>`sum(${leadDayCounts.leads})`
  const slotLeads = sql<number>`sum(${leadSlotCounts.leads})`
  // Each band (src/dashboard/local-days.ts) as `b`: its index `b.key`, its first and after-last quarter hour. A band
  // query is `b CROSS JOIN` its rollup, which SQLite takes as the order of its loops: each band searches the rollup
  // by its key and slot range (else the planner may read every slot of the scope once and test it against each band).
  const bands = (plan: DayPlan, edges = false) => sql`json_each(${bandsJson(plan, edges)}) AS b`
  const inBand = (slot: SQLiteColumn) =>
    sql`${slot} >= json_extract(b.value, '$[0]') AND ${slot} < json_extract(b.value, '$[1]')`
  const band = sql<number>`b.key`
  // Waiting leads' UTC days, every one before the ages' first as that first's eve (over 30 days old).
  const olderAsOne = sql<number>`max(${leadDayCounts.day}, ${utcRange(ages).first - 1})`
  const noBands = (plan: DayPlan) => plan.bands.length === 0
  // First touches of the period's UTC days grouped by `day` (an expression) and scope; and of its bands.
  const touchesOf = (day: SQL<number>, scopes: SQL) =>
    db
      .select({
        day,
        scope: firstTouchDayCounts.scope,
        touched: sql<number>`sum(${firstTouchDayCounts.touched})`,
        waitMs: sql<number>`sum(${firstTouchDayCounts.waitMs})`,
        missed: sql<number>`sum(${firstTouchDayCounts.missed})`,
      })
      .from(firstTouchDayCounts)
      .where(
        and(
          eq(firstTouchDayCounts.orgId, orgId),
          scopes,
          sql`${firstTouchDayCounts.day} BETWEEN ${first} AND ${last}`,
          source(firstTouchDayCounts.source),
        ),
      )
      .groupBy(day, firstTouchDayCounts.scope)
  const touchBandsOf = (plan: DayPlan, scopes: SQL, edges = false) =>
    db
      .select({
        day: band,
        scope: firstTouchSlotCounts.scope,
        touched: sql<number>`sum(${firstTouchSlotCounts.touched})`,
        waitMs: sql<number>`sum(${firstTouchSlotCounts.waitMs})`,
        missed: sql<number>`sum(${firstTouchSlotCounts.missed})`,
      })
      .from(bands(plan, edges))
      .crossJoin(firstTouchSlotCounts)
      .where(
        and(
          eq(firstTouchSlotCounts.orgId, orgId),
          scopes,
          inBand(firstTouchSlotCounts.slot),
          source(firstTouchSlotCounts.source),
        ),
      )
      .groupBy(band, firstTouchSlotCounts.scope)
  const [
    arrivalDays,
    arrivalBands,
    sources,
    waitingDays,
    waitingBands,
    touchDays,
    touchBands,
    memberTouchDays,
    memberTouchBands,
    open,
    dueTasks,
    members,
  ] = await readTogether(db, [
    planned(
      db
        .select({ day: leadDayCounts.day, source: leadDayCounts.source, status: leadDayCounts.status, leads: leadsIn })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            eq(leadDayCounts.scope, scope),
            sql`${leadDayCounts.day} BETWEEN ${first} AND ${last}`,
            source(leadDayCounts.source),
          ),
        )
        .groupBy(leadDayCounts.day, leadDayCounts.source, leadDayCounts.status),
      (rows) => rows.map((r) => ({ ...r, leads: Number(r.leads) })),
    ),
    noBands(period)
      ? known([])
      : planned(
          db
            .select({ day: band, source: leadSlotCounts.source, status: leadSlotCounts.status, leads: slotLeads })
            .from(bands(period))
            .crossJoin(leadSlotCounts)
            .where(
              and(
                eq(leadSlotCounts.orgId, orgId),
                eq(leadSlotCounts.scope, scope),
                inBand(leadSlotCounts.slot),
                source(leadSlotCounts.source),
              ),
            )
            .groupBy(band, leadSlotCounts.source, leadSlotCounts.status),
          (rows) => rows.map((r) => ({ ...r, day: Number(r.day), leads: Number(r.leads) })),
        ),
    planned(
      db
        .selectDistinct({ source: leadDayCounts.source })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            eq(leadDayCounts.scope, scope),
            sql`${leadDayCounts.day} BETWEEN ${first} AND ${last}`,
            gt(leadDayCounts.leads, 0),
          ),
        )
        .orderBy(asc(leadDayCounts.source)),
      (rows) => rows.map((r) => r.source),
    ),
    planned(
      db
        .select({ scope: leadDayCounts.scope, day: olderAsOne, leads: leadsIn })
        .from(leadDayCounts)
        .where(
          and(
            eq(leadDayCounts.orgId, orgId),
            inArray(leadDayCounts.scope, waitingScopes.length ? waitingScopes : ['']),
            sql`${leadDayCounts.day} <= ${utcRange(ages).last}`,
            source(leadDayCounts.source),
          ),
        )
        .groupBy(leadDayCounts.scope, olderAsOne),
      (rows) => rows.map((r) => ({ ...r, day: Number(r.day), leads: Number(r.leads) })),
    ),
    noBands(ages) || !waitingScopes.length
      ? known([])
      : planned(
          db
            .select({ day: band, scope: leadSlotCounts.scope, leads: slotLeads })
            .from(bands(ages))
            .crossJoin(leadSlotCounts)
            .where(
              and(
                eq(leadSlotCounts.orgId, orgId),
                inArray(leadSlotCounts.scope, waitingScopes),
                inBand(leadSlotCounts.slot),
                source(leadSlotCounts.source),
              ),
            )
            .groupBy(band, leadSlotCounts.scope),
          (rows) => rows.map((r) => ({ ...r, day: Number(r.day), leads: Number(r.leads) })),
        ),
    planned(touchesOf(sql<number>`${firstTouchDayCounts.day}`, eq(firstTouchDayCounts.scope, scope)), (rows) =>
      rows.map(touchRow),
    ),
    noBands(period)
      ? known([])
      : planned(touchBandsOf(period, eq(firstTouchSlotCounts.scope, scope)), (rows) => rows.map(touchRow)),
    // Each member's first touches in the whole period: its UTC days as one (counted in its first local day), and the
    // bands at its two ends.
    planned(touchesOf(sql<number>`${first}`, sql`${firstTouchDayCounts.scope} IN ${workloadMembers}`), (rows) =>
      rows.map(touchRow),
    ),
    noBands(period)
      ? known([])
      : planned(touchBandsOf(period, sql`${firstTouchSlotCounts.scope} IN ${workloadMembers}`, true), (rows) =>
          rows.map(touchRow),
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
  const arrivals = sumByLocalDay(period, arrivalDays, arrivalBands, ['leads'])
  const waiting = sumByLocalDay(ages, waitingDays, waitingBands, ['leads'], (day) => day <= ages.to).map((w) => ({
    ...w,
    scope: w.scope as Waiting['scope'],
  }))
  const touches = sumByLocalDay(period, touchDays, touchBands, ['touched', 'waitMs', 'missed']).map(
    ({ scope: _, ...t }) => t,
  )
  const touchedBy = new Map(
    sumByLocalDay(period, memberTouchDays, memberTouchBands, ['touched', 'waitMs', 'missed']).map((t) => [t.scope, t]),
  )
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
  const sourceChoices = [
    ...new Set([...sources, ...arrivals.map((a) => a.source), ...(filters.source === null ? [] : [filters.source])]),
  ].sort()
  return {
    from: period.from,
    to: period.to,
    timeZone,
    arrivals,
    sources: sourceChoices,
    waiting,
    touches,
    workload,
    members,
  }
}

/** A first-touch rollup row with its sums as numbers. */
const touchRow = (r: { day: number; scope: string; touched: number; waitMs: number; missed: number }) => ({
  day: Number(r.day),
  scope: r.scope,
  touched: Number(r.touched),
  waitMs: Number(r.waitMs),
  missed: Number(r.missed),
})
