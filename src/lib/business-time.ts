/**
 * Business time: how much of a stretch of time falls in an organization's working hours (docs/ARCHITECTURE.md
 * "Speed to lead"), in its IANA time zone, with Intl (src/lib/zoned-time.ts) and no date library. Pure: no clock.
 */
import { localDate, zonedToUtc } from './zoned-time'

/**
 * Working hours: `days` the working weekdays (0 = Sunday … 6 = Saturday), `start` and `end` the local times of day
 * `HH:mm` they run between (`end` may be `24:00`; `start` before `end`), in `timeZone` (IANA name).
 */
export type BusinessHours = { timeZone: string; days: number[]; start: string; end: string }

/** The calendar day after `date` (`YYYY-MM-DD`). */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** The instant (epoch ms) of local time `time` (`HH:mm`, or `24:00`: the next day's midnight) on `date`. */
function instantOn(date: string, time: string, timeZone: string): number {
  return time === '24:00' ? zonedToUtc(`${nextDay(date)}T00:00`, timeZone)! : zonedToUtc(`${date}T${time}`, timeZone)!
}

/**
 * The ms of business time between `from` and `to` (epoch ms; 0 when `to` is not after `from`): the parts of it on
 * working days between the hours' start and end, local time in their zone. Without hours (null), the wall-clock
 * time. A day shortened or lengthened by a daylight-saving change counts the hours it really has.
 */
export function businessTime(from: number, to: number, hours: BusinessHours | null): number {
  if (to <= from) return 0
  if (!hours) return to - from
  const { timeZone, days, start, end } = hours
  let total = 0
  const last = localDate(to, timeZone)
  for (let date = localDate(from, timeZone); date <= last; date = nextDay(date)) {
    if (!days.includes(new Date(`${date}T00:00:00Z`).getUTCDay())) continue
    const open = Math.max(from, instantOn(date, start, timeZone))
    const close = Math.min(to, instantOn(date, end, timeZone))
    if (close > open) total += close - open
  }
  return total
}

/** An organization's business hours from its settings columns, or null when it has none (`businessTimeZone` NULL). */
export function businessHoursOf(org: {
  businessTimeZone: string | null
  businessDays: string
  businessStart: string
  businessEnd: string
}): BusinessHours | null {
  if (!org.businessTimeZone) return null
  const days = org.businessDays.split(',').filter((d) => d !== '')
  return { timeZone: org.businessTimeZone, days: days.map(Number), start: org.businessStart, end: org.businessEnd }
}

/**
 * Whether `at` (epoch ms) falls in working `hours`: null when it does, else when they next start (epoch ms). Hours
 * with no working day never start again: null then too, as if they always held (a form never saves them).
 */
export function closedUntil(at: number, hours: BusinessHours): number | null {
  const { timeZone, days, start, end } = hours
  let date = localDate(at, timeZone)
  for (let i = 0; i < 8; i++, date = nextDay(date)) {
    if (!days.includes(new Date(`${date}T00:00:00Z`).getUTCDay())) continue
    const open = instantOn(date, start, timeZone)
    if (at < open) return open
    if (at < instantOn(date, end, timeZone)) return null
  }
  return null
}

/** A stretch of time from `start` to `end` (epoch ms; `end` may be `Infinity`: not over yet). */
export type Interval = { start: number; end: number }

/**
 * The ms of working time between `from` and `to` (epoch ms; 0 when `to` is not after `from`): `businessTime` with
 * the parts that fall in any of `away` (the holder's away periods, in any order, overlapping or not) taken out, so
 * the clock stands still while they are away. Never more than `to - from`; without `away`, `businessTime`.
 */
export function workingWait(from: number, to: number, hours: BusinessHours | null, away: readonly Interval[]): number {
  let total = businessTime(from, to, hours)
  // In order of start, each period counted only past the end of the one before it: overlaps are taken out once.
  let counted = from
  for (const { start, end } of [...away].sort((a, b) => a.start - b.start)) {
    const open = Math.max(start, counted)
    const close = Math.min(end, to)
    if (close <= open) continue
    total -= businessTime(open, close, hours)
    counted = close
  }
  return total
}
