/**
 * What an API change shows to people (docs/ARCHITECTURE.md "Live lists" and "Live sockets and how access on them
 * ends"): after a write that succeeded, the lead's open pages get its timeline entries (collaboration/live.tsx
 * `publishLive`) and the organization's open lists are told which leads changed (leads/live-lists.ts
 * `publishListChanges`), exactly as after a page's post.
 */
import type { MiddlewareHandler } from 'hono'
import { publishLive } from '../collaboration/live'
import { isId } from '../lib/ids'
import { publishListChanges } from '../leads/live-lists'
import type { ApiEnv } from './router'

/** `/leads/{leadId}…` of a path under the API, or null. */
function leadOfPath(path: string): string | null {
  const id = /\/leads\/([^/]+)/.exec(path)?.[1]
  return id && isId(id) ? id : null
}

/**
 * Middleware for the API's lead paths (after the key check): once a write (not GET or HEAD) answered below 400,
 * publishes its change to the lead's room and the organization's lists, stamped from the unit's clock. Never throws:
 * the change is saved.
 */
export const publishApiChanges: MiddlewareHandler<ApiEnv> = async (c, next) => {
  await next()
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.res.status >= 400) return
  const unit = c.var.apiUnit
  const leadId = leadOfPath(c.req.path)
  if (leadId) await publishLive(c.env, unit, { leadId, since: unit.now })
  await publishListChanges(c.env, unit, unit.now)
}
