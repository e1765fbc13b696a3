/**
 * Speed to lead as the lead page and the lead list say it, from the columns the triggers keep (`first_assigned_at`,
 * `first_touched_at`) and the stored wait (`first_touch_wait_ms`: docs/ARCHITECTURE.md "Speed to lead"); nothing here
 * reads the timeline.
 */
import { workingWait, type BusinessHours, type Interval } from '../lib/business-time'
import { waited } from '../lib/waited'
import { When } from '../views/when'

/**
 * The lead list's "First touch" cell: "12 min", the lead's working wait from arrival to first touch (`wait`, ms: the
 * stored one the list sorts on, src/orgs/first-touch-wait.ts), or "Not yet" (`wait` null; shown muted by its
 * `data-first-touch="not-yet"`, public/app.css: one element per row, as the list's weight counts).
 */
export function FirstTouchCell({ wait }: { wait: number | null }) {
  return (
    <td data-label="First touch" data-first-touch={wait === null ? 'not-yet' : ''}>
      {wait === null ? 'Not yet' : waited(wait)}
    </td>
  )
}

/**
 * The lead page's fact: "First touched 12 min after it arrived (5 min after it was assigned)", or "Not touched yet,
 * assigned 3 h ago", or "Not touched yet, not assigned". Times in epoch ms; `timeZone` the viewer's (IANA); the waits
 * count the organization's business `hours` only (null: every hour), without the times in `away` (the toucher's away
 * periods); from arrival it is the stored wait (`firstTouchWaitMs`) once written, as the list says.
 */
export function FirstTouchFact({
  lead,
  now,
  timeZone,
  hours,
  away,
}: {
  lead: {
    createdAt: number
    firstAssignedAt: number | null
    firstTouchedAt: number | null
    firstTouchWaitMs: number | null
  }
  now: number
  timeZone: string
  hours: BusinessHours | null
  away: readonly Interval[]
}) {
  const { createdAt, firstAssignedAt, firstTouchedAt, firstTouchWaitMs } = lead
  if (firstTouchedAt !== null)
    return (
      <>
        First touched {waited(firstTouchWaitMs ?? workingWait(createdAt, firstTouchedAt, hours, away))} after it arrived
        {firstAssignedAt !== null && firstAssignedAt > createdAt && (
          <> ({waited(workingWait(firstAssignedAt, firstTouchedAt, hours, away))} after it was assigned)</>
        )}
      </>
    )
  if (firstAssignedAt === null) return <>Not touched yet, not assigned</>
  return (
    <>
      Not touched yet, assigned <When at={firstAssignedAt} now={now} timeZone={timeZone} />
    </>
  )
}
