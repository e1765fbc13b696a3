/**
 * The dashboard page (`/o/{slug}/dashboard`, docs/ARCHITECTURE.md "Dashboard"): the filters as a plain GET form, then
 * five charts (src/dashboard/charts.tsx) drawn from `dashboardNumbers` (src/dashboard/numbers.ts).
 */
import { LEAD_STATUSES } from '../db/schema'
import { waited } from '../lib/waited'
import { Notice } from '../views/forms'
import { STATUS_LABELS } from '../views/labels'
import { Time } from '../views/time'
import { ColumnChart, count } from './charts'
import { PERIODS, sourceName, type DashboardQuery } from './filters'
import { DAY_MS } from './local-days'
import type { DashboardNumbers } from './numbers'

/** How old the leads nobody holds are, by whole local days since they arrived: the first day of each bucket. */
export const AGES = [
  { label: 'Today', from: 0 },
  { label: '1–2 days', from: 1 },
  { label: '3–7 days', from: 3 },
  { label: '8–30 days', from: 8 },
  { label: 'Over 30 days', from: 31 },
]

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })

/** "7 Dec": a local day number (src/dashboard/local-days.ts) as the charts name it. */
export const dayName = (day: number) => dayFormat.format(new Date(day * DAY_MS))

/** "12 min" for a number of minutes. */
const minutes = (value: number) => waited(value * 60_000)

/** "3 leads", "1 lead". */
const leadsText = (n: number) => `${count(n)} ${n === 1 ? 'lead' : 'leads'}`

export type DashboardProps = {
  numbers: DashboardNumbers
  query: DashboardQuery
  /** Owners and Admins: the whole team and the member filter; else the viewer's own numbers. */
  manager: boolean
  /** The organization's first-touch target in minutes (0: none), from Settings → Speed to lead. */
  targetMinutes: number
  now: number
}

export function DashboardPage({ numbers, query, manager, targetMinutes, now }: DashboardProps) {
  const { filters, problems } = query
  const days = Array.from({ length: numbers.to - numbers.from + 1 }, (_, i) => numbers.from + i)
  const dayNames = days.map(dayName)
  const indexOf = new Map(days.map((d, i) => [d, i]))
  const perDay = <T extends { day: number }>(rows: T[], value: (row: T) => number) => {
    const values = days.map(() => 0)
    for (const row of rows) {
      const i = indexOf.get(row.day)
      if (i !== undefined) values[i]! += value(row)
    }
    return values
  }
  const sources = [...new Set(numbers.arrivals.map((a) => a.source))].sort()
  const bySource = sources.map((source) => ({
    name: sourceName(source),
    values: perDay(
      numbers.arrivals.filter((a) => a.source === source),
      (a) => a.leads,
    ),
  }))
  const byStatus = LEAD_STATUSES.map((status) => ({
    name: STATUS_LABELS[status],
    values: perDay(
      numbers.arrivals.filter((a) => a.status === status),
      (a) => a.leads,
    ),
  }))
  const arrived = numbers.arrivals.reduce((sum, a) => sum + a.leads, 0)
  const waitingScopes = manager ? (['pool', 'unassigned'] as const) : (['pool'] as const)
  const waitingSeries = waitingScopes.map((scope) => ({
    name: scope === 'pool' ? 'In the pool' : 'Unassigned',
    values: AGES.map((age, i) =>
      numbers.waiting
        .filter((w) => w.scope === scope)
        .filter((w) => {
          const old = numbers.to - w.day
          return old >= age.from && (i === AGES.length - 1 || old < AGES[i + 1]!.from)
        })
        .reduce((sum, w) => sum + w.leads, 0),
    ),
  }))
  const waitingTotal = numbers.waiting.reduce((sum, w) => sum + w.leads, 0)
  const touchSeries = [
    {
      name: 'Average wait',
      values: perDay(numbers.touches, (t) => Math.round(t.waitMs / t.touched / 60_000)),
    },
  ]
  const touched = numbers.touches.reduce((sum, t) => sum + t.touched, 0)
  const missed = numbers.touches.reduce((sum, t) => sum + t.missed, 0)
  const touchedPerDay = perDay(numbers.touches, (t) => t.touched)
  const missedPerDay = perDay(numbers.touches, (t) => t.missed)
  // Whose leads and first touches the numbers count, as the summaries say it ('': the whole team's).
  const held = manager ? (filters.member ? ' held by this member' : '') : ' held by you'
  const by = manager ? (filters.member ? ' by this member' : '') : ' by you'
  const period = `the last ${filters.days} days`
  const workload = numbers.workload
  return (
    <>
      <h1>Dashboard</h1>
      <p class="muted">
        {manager
          ? filters.member
            ? 'The leads this member holds and the first touches they made.'
            : 'The whole team’s leads.'
          : 'Your own numbers: the leads you hold and the first touches you made.'}{' '}
        Days are those of your time zone, {numbers.timeZone} (<a href="/account">your account</a>); as of{' '}
        <Time at={now} />.
      </p>
      {problems.map((text) => (
        <Notice kind="warning" text={text} />
      ))}
      <form class="filters" method="get" id="dashboard-filters">
        <label>
          Period{' '}
          <select name="period">
            {PERIODS.map((p) => (
              <option value={String(p)} selected={p === filters.days}>
                Last {p} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Source{' '}
          <select name="source">
            <option value="">All sources</option>
            {numbers.sources.map((s) => (
              <option value={s === '' ? '(none)' : s} selected={filters.source === s}>
                {sourceName(s)}
              </option>
            ))}
          </select>
        </label>
        {manager && (
          <label>
            Member{' '}
            <select name="member">
              <option value="">Whole team</option>
              {numbers.members.map((m) => (
                <option value={m.userId} selected={filters.member === m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit">Show</button>
      </form>
      <div class="charts">
        <ColumnChart
          id="chart-arrivals"
          title="Leads in by day and source"
          summary={`${leadsText(arrived)}${held} arrived in ${period}, from ${bySource.length} ${bySource.length === 1 ? 'source' : 'sources'}.`}
          empty={`No leads arrived in ${period}.`}
          categoryLabel="Day"
          emptyRowsLeftOut
          categories={dayNames}
          series={bySource}
          stacked
        />
        <ColumnChart
          id="chart-status"
          title="Status of the leads by the day they arrived"
          summary={`Of the ${leadsText(arrived)} that arrived in ${period}, ${byStatus
            .filter((s) => s.values.some((v) => v > 0))
            .map((s) => `${s.values.reduce((a, b) => a + b, 0)} ${s.name.toLowerCase()}`)
            .join(', ')} now.`}
          empty={`No leads arrived in ${period}.`}
          categoryLabel="Day"
          emptyRowsLeftOut
          categories={dayNames}
          series={byStatus}
          stacked
        />
        <ColumnChart
          id="chart-workload"
          title="Workload per member"
          summary={`Open leads held (new, contacted, qualified) and open tasks past due, now; first touches in ${period}. Most open leads: ${
            [...workload].sort((a, b) => b.openLeads - a.openLeads)[0]?.member.name ?? 'nobody'
          }.`}
          empty="No open leads or overdue tasks."
          categoryLabel="Member"
          categories={workload.map((w) => w.member.name)}
          series={[
            { name: 'Open leads', values: workload.map((w) => w.openLeads) },
            { name: 'Overdue tasks', values: workload.map((w) => w.overdueTasks) },
          ]}
          extra={[
            { name: 'First touches', cells: workload.map((w) => count(w.touched)) },
            {
              name: 'Average first touch',
              cells: workload.map((w) => (w.touched ? waited(w.waitMs / w.touched) : '–')),
            },
          ]}
        />
        <ColumnChart
          id="chart-waiting"
          title={manager ? 'Unassigned and pool leads by age' : 'Pool leads by age'}
          summary={`${leadsText(waitingTotal)} ${manager ? 'nobody holds' : 'in the pool'}, by how long since they arrived (whatever the period${manager ? ' and member' : ''}).`}
          empty={manager ? 'Every lead has someone holding it.' : 'No lead waits in the pool for you.'}
          categoryLabel="Age"
          categories={AGES.map((a) => a.label)}
          series={waitingSeries}
        />
        <ColumnChart
          id="chart-first-touch"
          title="Time to first touch"
          summary={`${leadsText(touched)} first touched${by} in ${period}${
            touched
              ? `, on average ${waited(numbers.touches.reduce((s, t) => s + t.waitMs, 0) / touched)} after arriving`
              : ''
          }${targetMinutes ? `; ${missed} of them had missed the target of ${minutes(targetMinutes)}` : ''}.`}
          empty={`No lead was first touched in ${period}.`}
          hasData={touched > 0}
          categoryLabel="Day"
          emptyRowsLeftOut
          categories={dayNames}
          series={touchSeries}
          format={minutes}
          target={
            targetMinutes
              ? { value: targetMinutes, label: `Target: ${minutes(targetMinutes)} (business hours)` }
              : undefined
          }
          extra={[
            { name: 'First touched', cells: touchedPerDay.map(String) },
            { name: 'Missed the target', cells: missedPerDay.map(String) },
          ]}
        />
      </div>
    </>
  )
}
