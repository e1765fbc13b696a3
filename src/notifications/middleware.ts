/** Reads the member's unread count for the header badge of every full page under `/o/{slug}`. */
import type { MiddlewareHandler } from 'hono'
import { viewerOf } from '../access/context'
import type { App } from '../env'
import { unreadCount } from './feed'

/**
 * Sets `c.var.unreadNotifications` (one indexed count) for requests that may answer a full page;
 * htmx fragments skip it. Mount after the membership middleware.
 */
export function unreadBadge(): MiddlewareHandler<App> {
  return async (c, next) => {
    if (c.req.header('HX-Request') !== 'true') c.set('unreadNotifications', await unreadCount(c.var.db, viewerOf(c)))
    await next()
  }
}
