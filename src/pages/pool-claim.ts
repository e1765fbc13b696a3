/**
 * Claims sent from the pool page (`POST /o/{slug}/leads/{leadId}/claim?from=pool`), before the claim route
 * (pool/routes.tsx, which shows a refused claim on the pool page: "Already claimed by Ava Agent."): a claim
 * after the organization closed the pool to Agents says so, and reloading the claim's address (no
 * JavaScript) lands on the pool rather than on a POST-only address.
 */
import type { MiddlewareHandler } from 'hono'
import { viewerOf } from '../access/context'
import { isManager } from '../access/viewer'
import type { App } from '../env'
import { Refusal } from '../lib/errors'

/** The message an Agent reads when the pool was closed between showing it and their claim. */
export const POOL_CLOSED = 'The pool has been switched off, so leads can no longer be claimed from it.'

/** Middleware for `/o/{slug}/leads/{leadId}/claim`, before the claim route and the lead's 404 check. */
export function poolClaimPage(): MiddlewareHandler<App> {
  return async (c, next) => {
    if (c.req.query('from') !== 'pool') return next()
    const slug = c.var.orgContext.org.slug
    if (c.req.method === 'GET') return c.redirect(`/o/${slug}/pool`, 303)
    const viewer = viewerOf(c)
    if (!isManager(viewer) && !viewer.poolEnabled)
      throw new Refusal(409, POOL_CLOSED, { details: { nextHref: `/o/${slug}/leads`, nextLabel: 'Go to your leads' } })
    return next()
  }
}
