/**
 * Notification pages: the feed (`<ol id="notification-list">`, one `<li data-notification-id
 * data-unread>` per notification). The header badge is src/views/notification-badge.tsx.
 */
import type { Child } from 'hono/jsx'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import { eventOf, HIDDEN_LEAD, leadsPhrase, type EventType, type NotificationData } from './events'
import type { FeedFilters, FeedItem, FeedPage } from './feed'
import { FeedFilterBar, feedQuery } from './feed-filters'

/** The sentence of `item`, its lead linked when the member may open it. */
function Sentence({ item, base, openable }: { item: FeedItem; base: string; openable: Set<string> }) {
  const d: NotificationData = item.data
  const one = d.count === 1 ? d.leads[0] : undefined
  const parts: Child[] = eventOf(item.type)
    .sentence(d)
    .map((part) => {
      if (typeof part === 'string') return part
      if (one && openable.has(one.id)) return <a href={`${base}/leads/${one.id}`}>{one.name}</a>
      return <strong>{one ? HIDDEN_LEAD : leadsPhrase(d)}</strong>
    })
  return <>{parts}</>
}

function FeedEntry({
  item,
  base,
  openable,
  filters,
  waiting,
}: {
  item: FeedItem
  base: string
  openable: Set<string>
  filters: FeedFilters
  /** Leads whose handoff waits for this member's "Got it". */
  waiting?: Set<string>
}) {
  const several = item.data.count > 1 ? item.data.leads : []
  const one = item.data.count === 1 ? item.data.leads[0] : undefined
  return (
    <li data-notification-id={item.id} data-unread={String(!item.read)} class={item.read ? 'read' : 'unread'}>
      <p>
        {!item.read && <span class="visually-hidden">Unread: </span>}
        <Sentence item={item} base={base} openable={openable} />
      </p>
      {item.data.note && <p class="note">“{item.data.note}”</p>}
      {several.length > 0 && (
        <ul class="lead-names">
          {several.map((l) => (
            <li>{openable.has(l.id) ? <a href={`${base}/leads/${l.id}`}>{l.name}</a> : HIDDEN_LEAD}</li>
          ))}
          {item.data.count > several.length && <li>and {item.data.count - several.length} more</li>}
        </ul>
      )}
      <p class="meta">
        <Time at={item.createdAt} />
        {one && filters.lead !== one.id && (
          <>
            {' '}
            <a href={`${base}/notifications${feedQuery({ ...filters, lead: one.id })}`} data-filter-lead={one.id}>
              Only this lead
            </a>
          </>
        )}
        {one && waiting?.has(one.id) && (item.type === 'transferred_to' || item.type === 'handoff_reminder') && (
          <form method="post" action={`${base}/leads/${one.id}/acknowledge`} class="inline" data-acknowledge={one.id}>
            <button type="submit" class="secondary">
              Got it
            </button>
          </form>
        )}
        {!item.read && (
          <form method="post" action={`${base}/notifications/read`} class="inline">
            <input type="hidden" name="id" value={item.id} />
            <button type="submit" class="link">
              Mark read
            </button>
          </form>
        )}
      </p>
    </li>
  )
}

/** The feed page: newest first, unread marked, "Mark all read", a link to the next page. */
export function FeedPageView({
  page,
  first,
  filters = {},
  types = [],
}: {
  page: FeedPage
  first: boolean
  filters?: FeedFilters
  types?: EventType[]
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}`
  const unread = page.items.some((i) => !i.read)
  const filtering = Boolean(filters.unread || filters.type || filters.lead)
  const filterLead = page.items.flatMap((i) => i.data.leads).find((l) => l.id === filters.lead)
  const leadName = filterLead && (page.openable.has(filterLead.id) ? filterLead.name : HIDDEN_LEAD)
  return (
    <section class="card">
      <h1>Notifications</h1>
      <p>
        <a href={`${base}/preferences`}>Notification preferences</a>
      </p>
      <FeedFilterBar base={base} filters={filters} types={types} leadName={leadName} />
      {/* What a live feed refetches (public/live-lists.js). */}
      <div id="feed-items">
        {unread && (
          <form method="post" action={`${base}/notifications/read`}>
            <input type="hidden" name="all" value="1" />
            <button type="submit">Mark all read</button>
          </form>
        )}
        {page.items.length === 0 ? (
          <p>
            {filtering
              ? 'No notifications match these filters.'
              : first
                ? 'Nothing yet: you will be told here when a lead is given to you or changes.'
                : 'No more.'}
          </p>
        ) : (
          <ol id="notification-list" class="notification-list">
            {page.items.map((item) => (
              <FeedEntry item={item} base={base} openable={page.openable} filters={filters} waiting={page.waiting} />
            ))}
          </ol>
        )}
        <p>
          {!first && <a href={`${base}/notifications${feedQuery(filters)}`}>Newest</a>}{' '}
          {page.nextCursor && (
            <a href={`${base}/notifications${feedQuery(filters, { cursor: page.nextCursor })}`}>Older</a>
          )}
        </p>
      </div>
    </section>
  )
}
