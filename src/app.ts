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
import { importRoutes } from './leads/import-routes'
import { leadRoutes } from './leads/routes'
import { requireMembership } from './orgs/middleware'
import { lastUsedOrgSlug } from './orgs/organizations'
import { renderError } from './views/render-error'

export function buildApp() {
  const app = new Hono<App>()

  app.get('/healthz', (c) => c.text('ok'))

  app.use('*', secureHeaders({ xFrameOptions: 'DENY' }))
  app.use('*', async (c, next) => {
    c.set('db', createDb(c.env.DB))
    await next()
  })
  // Same-origin check (Origin / Sec-Fetch-Site) on every state-changing form request.
  app.use('*', csrf())
  app.use('*', sessionMiddleware())

  app.get('/', async (c) => {
    const user = c.var.user
    if (!user) return c.redirect('/login', 303)
    const slug = await lastUsedOrgSlug(c.var.db, user.id)
    return c.redirect(slug ? `/o/${slug}/leads` : '/signup', 303)
  })
  app.route('/', authRoutes)

  app.use('/o/:slug/*', requireMembership())
  app.route('/o/:slug/leads/import', importRoutes)
  app.route('/o/:slug/leads', leadRoutes)

  app.notFound((c) => renderError(c, 404, 'Page not found'))
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return renderError(c, error.status, error.status === 404 ? 'Page not found' : error.message)
    }
    console.error('unhandled error', c.req.method, c.req.path, error)
    return renderError(c, 500, 'Something went wrong')
  })
  return app
}
