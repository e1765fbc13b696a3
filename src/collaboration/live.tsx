/**
 * After a committed change to a lead, what changed goes to the people viewing the lead, rendered once as htmx
 * out-of-band fragments and broadcast by the lead's room (collaboration/lead-room.ts): the new timeline entries
 * (prepended to `#timeline-items`), and a request to reload the Notes, Tasks or Communications list when one of them
 * changed (each viewer loads the list as they may see it). D1 stays the truth: a viewer who missed a broadcast
 * reloads these from D1 on reconnect (public/app.js, `lead-catch-up`).
 */
import type { Env } from '../env'
import type { AnyUnit } from '../access/unit'
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import { namesOf, timelineItemsSince, type ActivityType, type TimelineItem } from '../activity/activities'
import { mentionedIds, TimelineEntry } from '../activity/timeline'

/** The lead's room (one Durable Object per lead). */
export function leadRoom(env: Env, leadId: string) {
  return env.LEAD_ROOM.get(env.LEAD_ROOM.idFromName(leadId))
}

/** The lead page's sections that reload themselves when an activity of these types arrives. */
const SECTION_OF: Partial<Record<ActivityType, LiveSection>> = {
  assigned: 'assignment',
  unassigned: 'assignment',
  transferred: 'assignment',
  claimed: 'assignment',
  released: 'assignment',
  returned_to_pool: 'assignment',
  moved_to_pool: 'assignment',
  removed_from_pool: 'assignment',
  collaborator_added: 'assignment',
  collaborator_removed: 'assignment',
  archived: 'assignment',
  restored: 'assignment',
  note_added: 'notes',
  // A prospect's message on a lead they had already sent one is kept as a note (intake/leads.ts).
  submitted_again: 'notes',
  task_created: 'tasks',
  task_completed: 'tasks',
  task_reopened: 'tasks',
  communication_logged: 'communications',
  communication_edited: 'communications',
  communication_deleted: 'communications',
}

/**
 * A section of the lead page that is reloaded live, loaded from `{leadPath}/{section}`: the lists `#{section}-items`,
 * and the "Assigned to" section `#assignment` (kept, and marked stale, while someone types in it: public/app.js).
 */
export type LiveSection = 'tasks' | 'communications' | 'notes' | 'assignment'

/** The element a live section's reload replaces. */
const targetOf = (section: LiveSection) => (section === 'assignment' ? '#assignment' : `#${section}-items`)

/** The live sections `items` change, each once. */
export function sectionsChangedBy(items: Pick<TimelineItem, 'type'>[]): LiveSection[] {
  return [...new Set(items.map((i) => SECTION_OF[i.type as ActivityType]).filter((s) => s !== undefined))]
}

/**
 * The out-of-band fragments for the activities of lead `leadId` of the unit's organization written since `since`
 * (epoch ms): the entries, newest first (inserted in this order at the top; times in UTC until the page rewrites them
 * in the viewer's time zone, relative to `unit.now`), and one self-loading element per changed list in
 * `#live-refresh`, loaded from the lead's page path (`/o/{slug}/leads/{leadId}/{section}`).
 * @returns the HTML, or null when nothing was written since `since`
 */
export async function liveFragment(unit: AnyUnit, leadId: string, since: number): Promise<string | null> {
  const { db, now } = unit
  const leadPath = `/o/${unit.org.slug}/leads/${leadId}`
  const items = await timelineItemsSince(db, unit.org.id, leadId, since)
  if (items.length === 0) return null
  const names = await namesOf(db, mentionedIds(items))
  return String(
    await (
      <>
        <ol hx-swap-oob="afterbegin:#timeline-items">
          {items.map((item) => (
            <TimelineEntry item={item} names={names} timeZone={DEFAULT_TIME_ZONE} now={now} />
          ))}
        </ol>
        <div id="live-refresh" hidden hx-swap-oob="true">
          {sectionsChangedBy(items).map((section) => (
            <span
              hx-get={`${leadPath}/${section}`}
              hx-trigger="load"
              hx-target={targetOf(section)}
              hx-swap="outerHTML"
            />
          ))}
        </div>
      </>
    ),
  )
}

/**
 * Sends what lead `leadId` of the unit's organization committed since `change.since` (epoch ms) to its viewers (the
 * room of `env.LEAD_ROOM`), which first closes the sockets of anyone the change, or any other, took the lead from
 * (collaboration/lead-room.ts `recheck`). Never throws: the change is already saved, and a viewer who missed it
 * catches up from D1 (errors are logged).
 */
export async function publishLive(env: Env, unit: AnyUnit, change: { leadId: string; since: number }): Promise<void> {
  try {
    const html = await liveFragment(unit, change.leadId, change.since)
    const room = leadRoom(env, change.leadId)
    if (html) await room.broadcast(html)
    else await room.recheck()
  } catch (error) {
    console.error('live broadcast failed', change.leadId, error)
  }
}
