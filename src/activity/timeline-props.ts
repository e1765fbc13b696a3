/** Loads what the timeline section shows for a viewer (activity/timeline.tsx). */
import type { Viewer } from '../access/viewer'
import type { Database } from '../db/client'
import { isId } from '../lib/ids'
import { namesOf, TIMELINE_FILTERS, timelinePage, type TimelineFilter } from './activities'
import { mentionedIds, type TimelineProps } from './timeline'

/** The timeline's query (`type`, `before`) as it arrives in a URL; unknown values are ignored. */
export type TimelineQuery = { type?: string; before?: string }

/** `type` when it names a timeline filter (`notes`, `communications`, `tasks`, `changes`). */
export function timelineFilter(type: string | undefined): TimelineFilter | undefined {
  return type && Object.hasOwn(TIMELINE_FILTERS, type) ? (type as TimelineFilter) : undefined
}

/**
 * The props of the timeline of lead `leadId` (which `viewer` may see: the caller checked) at
 * `base` (the lead page's path), for the page `query` asks for, in the viewer's time zone.
 */
export async function timelineProps(
  db: Database,
  viewer: Viewer,
  leadId: string,
  base: string,
  query: TimelineQuery,
  timeZone: string,
  now = Date.now(),
): Promise<TimelineProps> {
  const filter = timelineFilter(query.type)
  const before = query.before && isId(query.before) ? query.before : undefined
  const page = await timelinePage(db, viewer.orgId, leadId, { filter, before })
  const names = await namesOf(db, mentionedIds(page.items))
  return { page, base, filter, before, names, timeZone, now }
}
