/**
 * Claims sent from the pool page (`POST /o/{slug}/leads/{leadId}/claim?from=pool`): a refused claim
 * answers with the pool page, refreshed, saying why ("Already claimed by Ava Agent."), rather than the
 * lead page (which the loser may no longer see); a claim after the organization closed the pool to
 * Agents says so. Reloading the claim's address afterwards (no JavaScript) lands on the pool.
 * Composed here, above assignment/ (the claim) and pool/ (the page).
 */
import type { MiddlewareHandler } from 'hono'
import { viewerOf } from '../access/context'
import { isManager } from '../access/viewer'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { poolPage } from '../pool/page'
import { onRefusal } from '../views/render-error'

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
    onRefusal(c, (refusal) => {
      // htmx (the boosted claim form) would show the claim's address: keep the pool's.
      c.header('HX-Replace-Url', `/o/${slug}/pool`)
      return poolPage(c, { alert: refusal.message, status: refusal.status })
    })
    return next()
  }
}
