/**
 * A task's due date: a calendar day (the same day for everyone, wherever they are) or an instant.
 * Pure functions; the assignee's and the viewer's time zones are passed in (src/access/time-zone.ts).
 */
import { endOfLocalDay, formatCalendarDate, formatInstant, isCalendarDate, localDate, zonedToUtc } from './zoned-time'

/** A due date as stored: `{ date: 'YYYY-MM-DD' }` (date only) or `{ at: epoch ms }`. */
export type Due = { date: string; at?: undefined } | { at: number; date?: undefined }

/**
 * The due date typed into the form (`dueAt`): `YYYY-MM-DD` (a date input) is a calendar day;
 * `YYYY-MM-DDTHH:mm` (a datetime-local input) is a time in `timeZone`, the person typing's.
 * @returns null when `value` is neither
 */
export function parseDue(value: string, timeZone: string): Due | null {
  if (isCalendarDate(value)) return { date: value }
  const at = zonedToUtc(value, timeZone)
  return at === null ? null : { at }
}

/** The stored columns of a task's due date. */
export function dueOf(task: { dueDate: string | null; dueAt: number | null }): Due | null {
  if (task.dueDate) return { date: task.dueDate }
  if (task.dueAt !== null) return { at: task.dueAt }
  return null
}

/** Where an open task stands for its assignee. */
export type DueBucket = 'overdue' | 'today' | 'upcoming'

/**
 * Where a task due `due` stands at `now` (epoch ms) for an assignee in `timeZone`: a calendar day is
 * overdue only once that day has ended in the assignee's time zone, and "today" all of that day.
 */
export function dueBucket(due: Due, now: number, timeZone: string): DueBucket {
  const today = localDate(now, timeZone)
  if (due.date !== undefined) {
    if (now >= endOfLocalDay(due.date, timeZone)) return 'overdue'
    return due.date === today ? 'today' : 'upcoming'
  }
  if (due.at < now) return 'overdue'
  return localDate(due.at, timeZone) === today ? 'today' : 'upcoming'
}

/** The due date for a viewer in `timeZone`: a calendar day as written ("14 March 2025"), a time in theirs. */
export function formatDue(due: Due, timeZone: string): string {
  return due.date !== undefined ? formatCalendarDate(due.date) : formatInstant(due.at, timeZone)
}
