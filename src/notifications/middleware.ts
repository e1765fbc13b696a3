/** Reads the member's unread count for the header badge of every full page under `/o/{slug}`. */
import type { MiddlewareHandler } from 'hono'
import type { App } from '../env'
import { unreadCount } from './feed'

/**
 * Sets `c.var.unreadNotifications`: the member's unread count for the header badge. A GET changes no
 * notification, so it shows the count the membership lookup read with the membership (src/orgs/organizations.ts
 * `findMembership`); any other request may have just read some, so its page (a refused form re-rendered) counts
 * again (one indexed count) when it first renders the badge. Mount after the membership middleware.
 */
export function unreadBadge(): MiddlewareHandler<App> {
  return async (c, next) => {
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD'
    let unread: Promise<number> | undefined
    c.set(
      'unreadNotifications',
      () => (unread ??= reading ? Promise.resolve(c.var.orgContext.unread) : unreadCount(c.var.unit)),
    )
    await next()
  }
}
