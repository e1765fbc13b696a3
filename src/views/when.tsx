/**
 * The lead page's one date style (docs/ARCHITECTURE.md "Times and ids"): in the viewer's time zone, relative
 * while recent ("5 min ago", "3 days ago"), the exact day and time after a week or when ahead, and the exact time
 * with its zone on hover. public/app.js keeps the text current with the same rule (`time[data-relative]`).
 */
import { formatInstant, formatLocalInstant, relativeTime } from '../lib/zoned-time'

/** How long a time is told relatively ("6 days ago"); older ones give their date. */
export const RELATIVE_FOR_MS = 7 * 24 * 60 * 60 * 1000

/** A clock a minute ahead of another still reads "just now" rather than a date. */
const SKEW_MS = 60_000

/** When `at` (epoch ms) happened, as seen at `now` (epoch ms) in `timeZone` (IANA name): "5 min ago", "14 Mar 2025, 17:30". */
export function whenText(at: number, now: number, timeZone: string): string {
  const ago = now - at
  return ago >= -SKEW_MS && ago < RELATIVE_FOR_MS ? relativeTime(at, now) : formatLocalInstant(at, timeZone)
}

/**
 * `<time datetime title data-relative>` for `at` (epoch ms) at `now`, in `timeZone`: see `whenText`. Other `data-`
 * attributes are passed on (the timeline's `data-activity-id`).
 */
export function When({
  at,
  now,
  timeZone,
  ...data
}: { at: number; now: number; timeZone: string } & { [attribute: `data-${string}`]: string }) {
  return (
    <time datetime={new Date(at).toISOString()} title={formatInstant(at, timeZone)} data-relative {...data}>
      {whenText(at, now, timeZone)}
    </time>
  )
}
