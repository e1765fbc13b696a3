/**
 * Speed to lead as the lead page and the lead list say it, from the columns the triggers keep (`first_assigned_at`,
 * `first_touched_at`: docs/ARCHITECTURE.md "Speed to lead"); nothing here reads the timeline.
 */
import { businessTime, type BusinessHours } from '../lib/business-time'
import { waited } from '../lib/waited'
import { When } from '../views/when'

/**
 * The lead list's "First touch" cell: "12 min" from arrival to first touch, or "Not yet" (shown muted by its
 * `data-first-touch="not-yet"`, public/app.css: one element per row, as the list's weight counts). Times in epoch ms.
 */
export function FirstTouchCell({ arrivedAt, touchedAt }: { arrivedAt: number; touchedAt: number | null }) {
  return (
    <td data-label="First touch" data-first-touch={touchedAt === null ? 'not-yet' : ''}>
      {touchedAt === null ? 'Not yet' : waited(touchedAt - arrivedAt)}
    </td>
  )
}

/**
 * The lead page's fact: "First touched 12 min after it arrived (5 min after it was assigned)", or "Not touched yet,
 * assigned 3 h ago", or "Not touched yet, not assigned". Times in epoch ms; `timeZone` the viewer's (IANA); the waits
 * count the organization's business `hours` only (null: every hour).
 */
export function FirstTouchFact({
  lead,
  now,
  timeZone,
  hours,
}: {
  lead: { createdAt: number; firstAssignedAt: number | null; firstTouchedAt: number | null }
  now: number
  timeZone: string
  hours: BusinessHours | null
}) {
  const { createdAt, firstAssignedAt, firstTouchedAt } = lead
  if (firstTouchedAt !== null)
    return (
      <>
        First touched {waited(businessTime(createdAt, firstTouchedAt, hours))} after it arrived
        {firstAssignedAt !== null && firstAssignedAt > createdAt && (
          <> ({waited(businessTime(firstAssignedAt, firstTouchedAt, hours))} after it was assigned)</>
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
