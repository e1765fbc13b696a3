/**
 * The header badge `<span id="notification-count">{unread}</span>` (docs/ARCHITECTURE.md
 * "Notifications"): on every organization page, with the count the notifications middleware read
 * (`c.var.unreadNotifications`), and refreshed by htmx polling `/o/{slug}/notifications/count`, which
 * answers this same span.
 */

/** How often the badge asks for the unread count (seconds): an event shows within 5 s. */
export const BADGE_POLL_SECONDS = 3

/** The badge of organization `slug` showing `unread`; htmx replaces it with a fresh one every few seconds. */
export function NotificationBadge({ slug, unread }: { slug: string; unread: number }) {
  return (
    <span
      id="notification-count"
      class={unread > 0 ? 'badge' : 'badge badge-zero'}
      hx-get={`/o/${slug}/notifications/count`}
      hx-trigger={`every ${BADGE_POLL_SECONDS}s`}
      hx-swap="outerHTML"
    >
      {unread}
    </span>
  )
}
