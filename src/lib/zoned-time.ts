/**
 * Calendar days and wall-clock times in a member's IANA time zone (e.g. `Europe/Berlin`), for
 * times stored as UTC epoch ms (docs/ARCHITECTURE.md, "Times and ids"). Pure functions over
 * Intl.DateTimeFormat; no clock is read here (callers pass `now`).
 */

const partsFormats = new Map<string, Intl.DateTimeFormat>()

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    partsFormats.set(timeZone, format)
  }
  return format
}

/** Is `timeZone` an IANA zone name this runtime knows (e.g. `America/Los_Angeles`)? */
export function isTimeZone(timeZone: string): boolean {
  try {
    partsFormat(timeZone)
    return true
  } catch {
    return false
  }
}

/** Wall-clock fields of instant `at` (epoch ms) in `timeZone`. */
function wallClock(at: number, timeZone: string) {
  const fields: Record<string, number> = {}
  for (const part of partsFormat(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  return fields as { year: number; month: number; day: number; hour: number; minute: number; second: number }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The calendar day (`YYYY-MM-DD`) instant `at` (epoch ms) falls on in `timeZone`. */
export function localDate(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone)
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`
}

/** The wall-clock time `YYYY-MM-DDTHH:mm` of `at` in `timeZone` (what a datetime-local input shows). */
export function localDateTime(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone)
  return `${localDate(at, timeZone)}T${pad(w.hour)}:${pad(w.minute)}`
}

/** Offset of `timeZone` from UTC at instant `at`, in ms (Berlin in winter: +3,600,000). */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return asUtc - Math.floor(at / 1000) * 1000
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/** Is `value` a real calendar day written `YYYY-MM-DD`? */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === value
}

/**
 * The instant (epoch ms) of wall-clock time `value` (`YYYY-MM-DDTHH:mm`, as a datetime-local input
 * sends it) in `timeZone`, or null when `value` is not such a time. A time skipped by a daylight-saving
 * change resolves to the same wall-clock time after the change.
 */
export function zonedToUtc(value: string, timeZone: string): number | null {
  const m = DATE_TIME.exec(value)
  if (!m || !isCalendarDate(value.slice(0, 10))) return null
  const [hour, minute] = [Number(m[4]), Number(m[5])]
  if (hour > 23 || minute > 59) return null
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute)
  const first = guess - offsetAt(guess, timeZone)
  // Across a daylight-saving change the offset at the answer can differ from the guess's.
  return guess - offsetAt(first, timeZone)
}

/** The first instant (epoch ms) after calendar day `date` (`YYYY-MM-DD`) ends in `timeZone`. */
export function endOfLocalDay(date: string, timeZone: string): number {
  const next = new Date(`${date}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return zonedToUtc(`${next.toISOString().slice(0, 10)}T00:00`, timeZone)!
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** A calendar day for people, the same in every time zone: `2025-03-14` → "14 March 2025". */
export function formatCalendarDate(date: string): string {
  return dayFormat.format(new Date(`${date}T00:00:00Z`))
}

const instantFormats = new Map<string, Intl.DateTimeFormat>()

/** Instant `at` (epoch ms) in `timeZone` without naming the zone, e.g. "14 Mar 2025, 17:30". */
export function formatLocalInstant(at: number, timeZone: string): string {
  let format = instantFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone })
    instantFormats.set(timeZone, format)
  }
  return format.format(at)
}

/** Instant `at` (epoch ms) for people in `timeZone`, e.g. "14 Mar 2025, 17:30 (America/Los_Angeles)". */
export function formatInstant(at: number, timeZone: string): string {
  return `${formatLocalInstant(at, timeZone)} (${timeZone})`
}

/** How long ago `at` was at `now` (both epoch ms): "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(at: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  return days === 1 ? 'yesterday' : `${days} days ago`
}
