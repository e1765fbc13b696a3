/**
 * The feed's filter bar (a GET form, so it works without JavaScript): only unread, one event type, one
 * lead; and the query string that keeps them on the feed's links. The lead filter is set from a
 * notification ("Only this lead") and cleared here.
 */
import { z } from 'zod'
import { isId } from '../lib/ids'
import { eventOf, isEventType, type EventType } from './events'
import type { FeedFilters } from './feed'

/** The feed's query: unknown or malformed values are dropped (a stale bookmark still opens). */
export const feedFiltersSchema = z.object({
  unread: z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => v === '1' || undefined),
  type: z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => (v && isEventType(v) ? v : undefined)),
  lead: z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => (v && isId(v) ? v : undefined)),
})

/** `?unread=1&type=…&lead=…` for `filters` plus `extra` (e.g. the cursor); '' when empty. */
export function feedQuery(filters: FeedFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  if (filters.unread) params.set('unread', '1')
  if (filters.type) params.set('type', filters.type)
  if (filters.lead) params.set('lead', filters.lead)
  for (const [key, value] of Object.entries(extra)) params.set(key, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function FeedFilterBar({
  base,
  filters,
  types,
  leadName,
}: {
  base: string
  filters: FeedFilters
  /** The event types the member may be told about (the choices of the type filter). */
  types: EventType[]
  /** The name of the filtered lead, when known. */
  leadName?: string
}) {
  return (
    <form method="get" action={`${base}/notifications`} class="filters" role="search" aria-label="Filter notifications">
      <label class="checkbox">
        <input type="checkbox" name="unread" value="1" checked={Boolean(filters.unread)} /> <span>Unread only</span>
      </label>
      <select name="type" aria-label="Kind of notification">
        <option value="">Every kind</option>
        {types.map((type) => (
          <option value={type} selected={filters.type === type}>
            {eventOf(type).label}
          </option>
        ))}
      </select>
      {filters.lead && (
        <>
          <input type="hidden" name="lead" value={filters.lead} />
          <span data-feed-lead={filters.lead}>
            Only about {leadName ?? 'one lead'} (
            <a href={`${base}/notifications${feedQuery({ ...filters, lead: undefined })}`}>every lead</a>)
          </span>
        </>
      )}
      <button type="submit">Filter</button>
    </form>
  )
}
