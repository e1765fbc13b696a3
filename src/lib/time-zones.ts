/**
 * Members' time zones: IANA names (`Europe/Berlin`), as the browser reports them
 * (`Intl.DateTimeFormat().resolvedOptions().timeZone`, filled in by public/app.js) or as chosen on
 * /account. `UTC` when unknown. The digest hour is read in it (src/notifications/digest.ts).
 */
import { z } from 'zod'

/** The time zone of a member the browser said nothing about. */
export const DEFAULT_TIME_ZONE = 'UTC'

/** True when `name` is a time zone name the runtime knows (IANA, e.g. `America/New_York`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** The hour (0–23) it is at `at` (epoch ms) in time zone `timeZone`. */
export function hourIn(timeZone: string, at: number): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at)
  return Number(hour) % 24
}

/** A hidden form field the browser filled in: a known time zone, else `UTC` (never refused: nobody typed it). */
export const browserTimeZone = z
  .string()
  .optional()
  .transform((v) => (v && isTimeZone(v) ? v : DEFAULT_TIME_ZONE))

/** A time zone the person chose: refused (422) when unknown. */
export const chosenTimeZone = z.string().refine(isTimeZone, 'Choose a time zone from the list')
