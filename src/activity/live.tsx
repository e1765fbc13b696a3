/**
 * After a committed change to a lead, its new timeline entries go to the people viewing the lead:
 * rendered once as an htmx out-of-band fragment (prepended to `#timeline-items`) and broadcast by
 * the lead's room (activity/lead-room.ts). D1 stays the truth: a viewer who missed a broadcast
 * reloads the timeline on reconnect.
 */
import type { Env } from '../env'
import type { Database } from '../db/client'
import { DEFAULT_TIME_ZONE } from '../access/time-zone'
import { namesOf, timelineItems } from './activities'
import { mentionedIds, TimelineEntry } from './timeline'

/** The lead's room (one Durable Object per lead). */
export function leadRoom(env: Env, leadId: string) {
  return env.LEAD_ROOM.get(env.LEAD_ROOM.idFromName(leadId))
}

/**
 * The out-of-band fragment adding activities `ids` of lead `leadId` to the top of the live timeline,
 * oldest first so the newest ends on top. Times are in UTC until the page rewrites them in the
 * viewer's time zone (public/app.js reads `#timeline[data-time-zone]`).
 */
export async function liveEntries(db: Database, orgId: string, leadId: string, ids: string[], now = Date.now()) {
  const items = await timelineItems(db, orgId, leadId, ids)
  if (items.length === 0) return null
  const names = await namesOf(db, mentionedIds(items))
  return String(
    await (
      <ol hx-swap-oob="afterbegin:#timeline-items">
        {items.map((item) => (
          <TimelineEntry item={item} names={names} timeZone={DEFAULT_TIME_ZONE} now={now} />
        ))}
      </ol>
    ),
  )
}

/**
 * Broadcasts the committed activities `ids` of lead `leadId` to its viewers; `allowed` (user ids
 * who may still see the lead) disconnects anyone else. Never throws: the change is already saved,
 * and a viewer who missed it catches up from D1 (errors are logged).
 */
export async function publishActivities(
  env: Env,
  db: Database,
  orgId: string,
  leadId: string,
  ids: string[],
  allowed?: string[],
): Promise<void> {
  try {
    const html = await liveEntries(db, orgId, leadId, ids)
    const room = leadRoom(env, leadId)
    if (html) await room.broadcast(html, allowed)
    else if (allowed) await room.keepOnly(allowed)
  } catch (error) {
    console.error('live timeline broadcast failed', leadId, error)
  }
}
