/**
 * The lead list's cue for an unassigned lead (leads/unassigned.ts): how long it has waited ("Unassigned 3 h") and,
 * past the organization's setting, "waiting over 4 hours".
 */
import type { Context } from 'hono'
import type { App } from '../env'
import { waited } from '../lib/waited'
import { waitingOver } from './unassigned'

/** What the cue is measured against: the request's clock (epoch ms) and the setting (hours, 0 = no marker). */
export type Aging = { now: number; warnHours: number }

/** The request's `Aging`, inside `/o/{slug}`. */
export function agingOf(c: Context<App>): Aging {
  return { now: c.var.unit.now, warnHours: c.var.orgContext.org.unassignedWarnHours }
}

/** "Unassigned 3 h", and "waiting over 4 hours" once past the setting; `since`: when it became unassigned (epoch ms). */
export function UnassignedAge({ since, aging }: { since: number; aging: Aging }) {
  const hours = aging.warnHours
  return (
    <span class="muted" data-unassigned-since={since}>
      Unassigned {waited(aging.now - since)}
      {waitingOver(since, aging.now, hours) && (
        <strong class="stale" data-waiting-over={hours}>
          {' '}
          · waiting over {hours} {hours === 1 ? 'hour' : 'hours'}
        </strong>
      )}
    </span>
  )
}
