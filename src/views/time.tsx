/**
 * Times are stored as UTC epoch ms and shown in the viewer's time zone: the server renders UTC in a
 * `<time>` element, and public/app.js rewrites it with the browser's Intl.DateTimeFormat.
 */
const utcFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
})

/** `<time>` for an epoch-ms instant; reads "30 Nov 2026, 14:05 UTC" until the browser localizes it. */
export function Time({ at }: { at: number }) {
  const date = new Date(at)
  return (
    <time datetime={date.toISOString()} data-local-time>
      {utcFormat.format(date)} UTC
    </time>
  )
}
