/**
 * Middleware for `/o/{slug}/*`: the signed-in user's active membership in the organization at
 * `slug` becomes `c.var.orgContext`, and the request's unit of work `c.var.unit` (access/unit.ts). Signed-out visitors are sent to log in (htmx requests by `HX-Redirect`, see
 * auth/login-redirect.ts); anyone who is not an active member gets 404, so the existence of another
 * organization is never revealed.
 */
import type { MiddlewareHandler } from 'hono'
import { memberUnit } from '../access/context'
import { askToLogIn } from '../auth/login-redirect'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { deactivatedMembership, findMembership, touchMembership } from './organizations'

export function requireMembership(): MiddlewareHandler<App> {
  return async (c, next) => {
    const user = c.var.user
    if (!user) return askToLogIn(c)
    const slug = c.req.param('slug') ?? ''
    const { current, orgs } = await findMembership(c.var.db, slug, user.id)
    if (!current) {
      // A former member learns why; to everyone else the organization does not exist.
      const gone = await deactivatedMembership(c.var.db, slug, user.id)
      if (gone)
        throw new Refusal(
          404,
          `Your membership in ${gone} was deactivated. Ask one of its Owners or Admins to reactivate you.`,
          { details: { heading: 'Membership deactivated' } },
        )
      throw notFound()
    }
    c.set('orgContext', { ...current, orgs })
    c.set('unit', memberUnit(c))
    c.executionCtx.waitUntil(touchMembership(c.var.db, current.membership))
    await next()
  }
}
