/**
 * Builds the Hono app: middleware order (db → CSRF → session), route modules, error handlers.
 */
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { authRoutes } from './auth/routes'
import { sessionMiddleware } from './auth/sessions'
import { createDb } from './db/client'
import type { App } from './env'
import { assignmentRoutes } from './assignment/routes'
import { collaborationRoutes } from './collaboration/routes'
import { Refusal } from './lib/errors'
import { formBodiesOnly, noStore } from './lib/http-hygiene'
import { validParams } from './lib/route-params'
import { importRoutes } from './leads/import-routes'
import { poolRoutes } from './pool/routes'
import { leadRoutes } from './leads/routes'
import { devMailRoutes } from './notifications/dev-mail'
import { requireMembership } from './orgs/middleware'
import { inviteRoutes } from './orgs/invite-routes'
import { orgRoutes } from './orgs/org-routes'
import { settingsRoutes } from './orgs/settings'
import { teamRoutes } from './orgs/team-routes'
import { lastUsedOrgSlug } from './orgs/organizations'
import { renderError } from './views/render-error'

export function buildApp() {
  const app = new Hono<App>()

  app.get('/healthz', (c) => c.text('ok'))

  app.use('*', secureHeaders({ xFrameOptions: 'DENY' }))
  app.use('*', noStore())
  // The pages link /favicon.svg; browsers that ask for the .ico anyway get it.
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301))
  app.use('*', async (c, next) => {
    c.set('db', createDb(c.env.DB))
    await next()
  })
  // Same-origin check (Origin / Sec-Fetch-Site) on every state-changing request, all of them forms.
  app.use('*', formBodiesOnly())
  app.use('*', csrf())
  app.use('*', sessionMiddleware())
  // Ids, tokens and slugs in the URL: 404 for a malformed one before any route reads it.
  app.use('*', validParams())

  app.get('/', async (c) => {
    const user = c.var.user
    if (!user) return c.redirect('/login', 303)
    const slug = await lastUsedOrgSlug(c.var.db, user.id)
    return c.redirect(slug ? `/o/${slug}/leads` : '/signup', 303)
  })
  app.route('/', authRoutes)
  app.route('/', orgRoutes)
  app.route('/_dev/mail', devMailRoutes)
  app.route('/invite', inviteRoutes)

  app.use('/o/:slug/*', requireMembership())
  app.use('/o/:slug', requireMembership())
  app.get('/o/:slug', (c) => c.redirect(`/o/${c.req.param('slug')}/leads`, 303))
  app.route('/o/:slug/leads/import', importRoutes)
  app.route('/o/:slug/leads', assignmentRoutes)
  app.route('/o/:slug/leads', collaborationRoutes)
  app.route('/o/:slug/leads', leadRoutes)
  app.route('/o/:slug/pool', poolRoutes)
  app.route('/o/:slug/team', teamRoutes)
  app.route('/o/:slug/settings', settingsRoutes)

  app.notFound((c) => renderError(c, 404, 'Page not found'))
  app.onError((error, c) => {
    if (error instanceof Refusal)
      return renderError(c, error.status, error.status === 404 ? 'Page not found' : error.message)
    if (error instanceof HTTPException && error.status < 500) {
      if (error.status === 404) return renderError(c, 404, 'Page not found')
      // csrf() refuses with a bare 403 and no message.
      const message = error.message || 'This form was sent from another site or an outdated page, so it was refused.'
      return renderError(c, error.status, message)
    }
    console.error('unhandled error', c.req.method, c.req.path, error)
    return renderError(c, 500, 'Something went wrong')
  })
  return app
}
