/**
 * The viewer's local days over the dashboard's rollups (docs/ARCHITECTURE.md "Dashboard"). The rollups count whole UTC
 * days (`lead_day_counts`, `first_touch_day_counts`, migrations/0025_dashboard_rollups.sql) and quarter hours
 * (`lead_slot_counts`, `first_touch_slot_counts`, migrations/0031_dashboard_local_days.sql). Each local midnight lies
 * within 12 hours of one UTC midnight, its nearest, and every zone's offset is a whole number of quarter hours: a local
 * day is the UTC days from its midnight's nearest UTC midnight to the next one's, with the quarter hours between each
 * local midnight and its nearest UTC midnight moved across (a "band", at most 48 quarter hours). A day of 23 or 25
 * hours across a daylight-saving change is one more band that is an hour wider or narrower. So a period of N local
 * days reads about N UTC days and N + 1 bands of rows, whatever the size of the organization; for a UTC viewer no band.
 */
import { localDate, zonedToUtc } from '../lib/zoned-time'

/** One day in ms; a UTC day number is epoch ms / DAY_MS, rounded down. */
export const DAY_MS = 86_400_000

/** One quarter hour in ms: the rollups' `slot` is epoch ms / SLOT_MS, rounded down. */
export const SLOT_MS = 900_000

/** A local day number: the days from 1970-01-01 to the calendar day `at` (epoch ms) falls on in `timeZone`. */
export function localDayOf(at: number, timeZone: string): number {
  return Date.parse(`${localDate(at, timeZone)}T00:00:00Z`) / DAY_MS
}

/** The first instant (epoch ms) of local day number `day` in `timeZone`. */
export function localDayStart(day: number, timeZone: string): number {
  return zonedToUtc(`${new Date(day * DAY_MS).toISOString().slice(0, 10)}T00:00`, timeZone)!
}

/**
 * The quarter hours `lo` (inclusive) to `hi` (exclusive), slot numbers, that the UTC days count in local day `out`
 * but that lie in local day `into` (its neighbour).
 */
export type Band = { lo: number; hi: number; into: number; out: number }

/** Local days `from`..`to` (local day numbers) in `timeZone` as the rollups read them. */
export type DayPlan = {
  timeZone: string
  from: number
  to: number
  /** The UTC day number nearest each local midnight of days `from`..`to + 1` (`to + 1 - from + 1` of them). */
  utcDays: number[]
  /** The bands of those midnights that are not UTC midnights, in order. */
  bands: Band[]
}

/** The last `days` local days in `timeZone` up to the one `now` (epoch ms) falls on. */
export function dayPlan(now: number, days: number, timeZone: string): DayPlan {
  const to = localDayOf(now, timeZone)
  const from = to - days + 1
  const utcDays: number[] = []
  const bands: Band[] = []
  for (let day = from; day <= to + 1; day++) {
    const start = localDayStart(day, timeZone)
    const utcDay = Math.round(start / DAY_MS)
    utcDays.push(utcDay)
    const midnight = utcDay * DAY_MS
    if (start < midnight) bands.push({ lo: start / SLOT_MS, hi: midnight / SLOT_MS, into: day, out: day - 1 })
    if (start > midnight) bands.push({ lo: midnight / SLOT_MS, hi: start / SLOT_MS, into: day - 1, out: day })
  }
  return { timeZone, from, to, utcDays, bands }
}

/** The UTC day numbers the plan reads: `first` to `last` inclusive. */
export function utcRange(plan: DayPlan): { first: number; last: number } {
  return { first: plan.utcDays[0]!, last: plan.utcDays[plan.utcDays.length - 1]! - 1 }
}

/**
 * The local day UTC day number `utcDay` is counted in before its bands are moved: `plan.from - 1` for every day before
 * the plan, `plan.to + 1` for every day after it.
 */
export function localDayOfUtcDay(plan: DayPlan, utcDay: number): number {
  const { utcDays, from } = plan
  if (utcDay < utcDays[0]!) return from - 1
  for (let i = 1; i < utcDays.length; i++) if (utcDay < utcDays[i]!) return from + i - 1
  return plan.to + 1
}

/** `plan`'s bands as JSON for SQLite's `json_each`: `[[lo, hi], …]`, a band's index its key. `edges`: only those at the period's two ends. */
export function bandsJson(plan: DayPlan, edges = false): string {
  const chosen = edges ? plan.bands.filter((b) => !within(plan, b.into) || !within(plan, b.out)) : plan.bands
  return JSON.stringify(plan.bands.map((b) => (chosen.includes(b) ? [b.lo, b.hi] : [0, 0])))
}

const within = (plan: DayPlan, day: number) => day >= plan.from && day <= plan.to

/** A row of counts: `day` (a local or UTC day number, or for a band its index) and other fields, some of them counts. */
type Row = { day: number } & Record<string, string | number>

/**
 * Sums `dayRows` (by UTC day) and `bandRows` (by band index, in `day`) into local days: each UTC day's counts in its
 * local day (`localDayOfUtcDay`), each band's counts moved from its `out` day into its `into` day. Fields named in
 * `counts` are summed; the others group. Keeps the local days `keep` says (default: the plan's) and the rows with a
 * count other than 0.
 * @returns the rows by local day number, in no particular order
 */
export function sumByLocalDay<R extends Row>(
  plan: DayPlan,
  dayRows: R[],
  bandRows: R[],
  counts: (keyof R & string)[],
  keep: (day: number) => boolean = (day) => within(plan, day),
): R[] {
  const sums = new Map<string, R>()
  const add = (row: R, day: number, sign: number) => {
    if (!keep(day)) return
    const group = Object.entries(row)
      .filter(([field]) => field !== 'day' && !counts.includes(field))
      .map(([, value]) => String(value))
    const key = JSON.stringify([day, ...group])
    let sum = sums.get(key)
    if (!sum) {
      sum = { ...row, day }
      for (const field of counts) (sum as Record<string, number | string>)[field] = 0
      sums.set(key, sum)
    }
    for (const field of counts)
      (sum as Record<string, number | string>)[field] = Number(sum[field]) + sign * Number(row[field])
  }
  for (const row of dayRows) add(row, localDayOfUtcDay(plan, row.day), 1)
  for (const row of bandRows) {
    const band = plan.bands[row.day]!
    add(row, band.into, 1)
    add(row, band.out, -1)
  }
  return [...sums.values()].filter((r) => counts.some((field) => r[field] !== 0))
}
