/**
 * Times are stored as UTC epoch ms and shown in the viewer's time zone: the server renders UTC in a
 * `<time>` element, and public/app.js rewrites it with the browser's Intl.DateTimeFormat.
 */
const utcFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
})

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })

/**
 * `<time>` for an epoch-ms instant; reads "30 Nov 2026, 14:05 UTC" until the browser localizes it.
 * `day`: the date alone ("30 Nov 2026", for narrow list columns), the full time in its title.
 */
export function Time({ at, day }: { at: number; day?: boolean }) {
  const date = new Date(at)
  if (day)
    return (
      <time datetime={date.toISOString()} data-local-time="day" title={`${utcFormat.format(date)} UTC`}>
        {dayFormat.format(date)}
      </time>
    )
  return (
    <time datetime={date.toISOString()} data-local-time>
      {utcFormat.format(date)} UTC
    </time>
  )
}

/**
 * A day shown in a narrow list cell without a `<time>` element of its own (the lead list, whose size counts): the
 * cell's attribute `data-at` (the instant, epoch ms) and its text, "30 Nov 2026" in UTC until public/app.js shows it
 * in the viewer's time zone, with the full time in the cell's title.
 */
export function dayCell(at: number): { attributes: { 'data-at': number }; text: string } {
  return { attributes: { 'data-at': at }, text: dayFormat.format(new Date(at)) }
}
