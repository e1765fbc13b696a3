/** Loads what the timeline section shows for a viewer (activity/timeline.tsx). */
import type { Unit } from '../access/unit'
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
 * The props of the timeline of lead `leadId` (which the unit's viewer may see: the caller checked), for the page
 * `options.query` asks for, linking to `options.base` (the lead page's path), its times in `options.timeZone` (IANA
 * name) and relative to `unit.now`.
 */
export async function timelineProps(
  unit: Unit,
  leadId: string,
  options: { base: string; query: TimelineQuery; timeZone: string },
): Promise<TimelineProps> {
  const { base, query, timeZone } = options
  const filter = timelineFilter(query.type)
  const before = query.before && isId(query.before) ? query.before : undefined
  const page = await timelinePage(unit.db, unit.org.id, leadId, { filter, before })
  const names = await namesOf(unit.db, mentionedIds(page.items))
  return { page, base, filter, before, names, timeZone, now: unit.now }
}
