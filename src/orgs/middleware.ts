/**
 * Middleware for `/o/{slug}/*`: the signed-in user's active membership in the organization at
 * `slug` (read in the database the directory says it lives in: docs/ARCHITECTURE.md "Many databases") becomes
 * `c.var.orgContext`, and the request's unit of work `c.var.unit` (access/unit.ts). Signed-out visitors are sent to log in (htmx requests by `HX-Redirect`, see
 * auth/login-redirect.ts); anyone who is not an active member gets 404, so the existence of another
 * organization is never revealed.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { memberUnit } from '../access/context'
import { DIRECTORY, forgetOrg, locateOrg, requireMigrated } from '../access/databases'
import { organizationsOf } from '../auth/account'
import { askToLogIn } from '../auth/login-redirect'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { deactivatedMembership, findMembership, holdsOrganization, touchMembership } from './organizations'

export function requireMembership(): MiddlewareHandler<App> {
  return async (c, next) => {
    const user = c.var.user
    if (!user) return askToLogIn(c)
    const slug = c.req.param('slug') ?? ''
    const here = await membershipAt(c, slug, user.id)
    if (!here?.current) {
      // A former member learns why; to everyone else the organization does not exist.
      const gone = here && (await deactivatedMembership(here.db, slug, user.id))
      if (gone)
        throw new Refusal(
          404,
          `Your membership in ${gone} was deactivated. Ask one of its Owners or Admins to reactivate you.`,
          { details: { heading: 'Membership deactivated' } },
        )
      throw notFound()
    }
    c.set('orgContext', { ...here.current, orgs: here.orgs })
    c.set('unit', memberUnit(c))
    // The directory's copy keeps when the person last opened the organization (log-in lands in the newest).
    c.executionCtx.waitUntil(touchMembership(c.var.db, here.current.membership))
    await next()
  }
}

/**
 * The user's active membership in the organization at `slug`, read in the organization's database (the truth for
 * memberships: access/mirror.ts), with that database's session, and the organizations they are an active member of
 * (the switcher): from the same statement when the organization lives in the directory, else from the directory in
 * parallel. Null when the directory knows no such organization. A cached location whose database lacks the
 * organization (it moved) is dropped and asked for once more.
 * @throws Refusal 503 when the organization's database has not been migrated (access/databases.ts `requireMigrated`)
 */
async function membershipAt(c: Context<App>, slug: string, userId: string) {
  for (let attempt = 0; ; attempt++) {
    const location = await locateOrg(c.env, { slug }, c.var.db)
    if (!location) return null
    await requireMigrated(c.env, location.database)
    const db = c.var.sessionOf(location.database)
    const [{ current, orgs: here }, orgs] = await Promise.all([
      findMembership(db, slug, userId),
      location.database === DIRECTORY ? null : organizationsOf(c.var.db, userId),
    ])
    if (current || attempt > 0 || (await holdsOrganization(db, slug))) return { current, orgs: orgs ?? here, db }
    forgetOrg(location)
  }
}
