/** Reads the member's unread count for the header badge of every full page under `/o/{slug}`. */
import type { MiddlewareHandler } from 'hono'
import { viewerOf } from '../access/context'
import type { App } from '../env'
import { unreadCount } from './feed'

/**
 * Sets `c.var.unreadNotifications`: the member's unread count (one indexed count), read once when a full page
 * first renders the badge, never for a request that answers a redirect or a fragment. Mount after the
 * membership middleware.
 */
export function unreadBadge(): MiddlewareHandler<App> {
  return async (c, next) => {
    let unread: Promise<number> | undefined
    const viewer = viewerOf(c)
    c.set('unreadNotifications', () => (unread ??= unreadCount(c.var.db, viewer)))
    await next()
  }
}
