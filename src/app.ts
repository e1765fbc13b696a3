/**
 * Builds the Hono app: middleware order (db → CSRF → session), route modules, error handlers.
 */
import { inboxRoutes } from './inbound-email/inbox-routes'
import { inboundSettingsRoutes } from './inbound-email/settings-routes'
import { Hono, type Context } from 'hono'
import { except } from 'hono/combine'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { timing } from 'hono/timing'
import { accountRoutes } from './auth/account-routes'
import { sessionMiddleware } from './auth/sessions'
import { d1Session } from './db/d1-session'
import { bindingFailure } from './db/errors'
import type { App } from './env'
import { assignmentRoutes } from './assignment/routes'
import { publishBulkChanges, publishLeadChanges, publishTaskChanges } from './collaboration/publish'
import { collaborationRoutes } from './collaboration/routes'
import { notFound, Refusal } from './lib/errors'
import { formBodiesOnly, noStore } from './lib/http-hygiene'
import { validParams } from './lib/route-params'
import { visibleLeadOnly } from './leads/authorize'
import { importRoutes } from './imports/routes'
import { poolLeadRoutes, poolRoutes } from './pool/routes'
import { poolSettingsRoutes } from './pool/settings-routes'
import { rulesRoutes } from './pool/rules-routes'
import { routingPageRoutes } from './pool/routing-page'
import { leadRoutes } from './leads/routes'
import { orgLiveUpgrade, publishAfterPost } from './leads/live-lists'
import { archiveRoutes } from './leads/archive-routes'
import { lendLeadPage } from './pages/lead-page'
import { leadPageRoutes } from './pages/lead-routes'
import { devMailRoutes } from './email/dev-mail'
import { unreadBadge } from './notifications/middleware'
import { notificationRoutes } from './notifications/routes'
import { preferenceRoutes } from './notifications/preferences-page'
import { unsubscribeRoutes } from './notifications/unsubscribe-routes'
import { onboardingRoutes } from './onboarding/routes'
import { requireMembership } from './orgs/middleware'
import { inviteRoutes } from './orgs/invite-routes'
import { orgRoutes } from './orgs/org-routes'
import { settingsRoutes } from './orgs/settings-routes'
import { speedSettingsRoutes } from './orgs/speed-settings-routes'
import { taskRoutes } from './tasks/routes'
import { teamRoutes } from './pages/team-routes'
import { lastUsedOrgSlug } from './orgs/organizations'
import { CONTENT_SECURITY_POLICY } from './lib/csp'
import { apiLimit, invitationLimit, logInLimit, passwordResetLimit, signUpLimit, webFormLimit } from './rate-limits'
import { apiRoutes } from './api/api'
import { sentJson } from './intake/input'
import { webFormRoutes } from './intake/web-form'
import { apiKeyRoutes, intakeSettingsRoutes } from './intake/settings-routes'
import { dispatchAfterChange } from './webhooks/dispatch'
import { webhookRoutes } from './webhooks/routes'
import { dashboardRoutes } from './dashboard/routes'
import { problemAnswers, renderError, renderRefusal, renderUnavailable } from './views/render-error'
import { pageRenderer } from './views/renderer'
import { assetManifest } from './views/assets'

export function buildApp() {
  const app = new Hono<App>()

  // overwrite: false lets one route set a policy of its own (the dev mailbox, see lib/csp.ts).
  app.use(
    '*',
    secureHeaders({ xFrameOptions: 'DENY', contentSecurityPolicy: CONTENT_SECURITY_POLICY, overwrite: false }),
  )
  app.get('/healthz', (c) => c.text('ok'))
  app.use('*', noStore())
  // Full pages answer with c.render (<!DOCTYPE html> and the layout); set before anything can refuse.
  app.use('*', pageRenderer())
  app.use('*', assetManifest())
  // The pages link /favicon.svg; browsers that ask for the .ico anyway get it.
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301))
  // In local development, Server-Timing says how long the request took and how much of it was D1 (npm run bench).
  app.use('*', timing({ enabled: (c: Context<App>) => c.env.APP_ENV === 'development' && c.res.status !== 101 }))
  // D1 through a session that carries the person's bookmark (read replicas, read-your-writes).
  app.use('*', d1Session())
  // Once a request's change is saved, the webhook deliveries it wrote go on their queue (src/webhooks/dispatch.ts).
  app.use('*', dispatchAfterChange)
  // Intake from other sites and systems (src/intake/): the web form takes posts from any site (CORS) and the API
  // takes JSON with an API key; neither reads a session, so both answer before the same-origin check below.
  // The web form sent as JSON is refused as the API is: RFC 9457 problem JSON, its rate limit's answer included.
  app.post('/f/:formKey', problemAnswers({ when: sentJson }))
  app.post('/f/:formKey', webFormLimit)
  app.route('/f', webFormRoutes)
  // Every refusal and error of the API, its rate limit's included, is RFC 9457 problem JSON.
  app.use('/api/v1/*', problemAnswers())
  app.use('/api/v1/*', apiLimit)
  app.route('/api/v1', apiRoutes)
  // Same-origin check (Origin / Sec-Fetch-Site) on every state-changing request, all of them forms.
  app.use('*', formBodiesOnly())
  // One-click unsubscribe (RFC 8058) is posted by mail providers' servers, without Origin; its token
  // is its authority (src/notifications/unsubscribe-routes.tsx).
  app.use('*', except('/unsubscribe/*', csrf()))
  app.use('*', sessionMiddleware())

  app.get('/', async (c) => {
    const user = c.var.user
    if (!user) return c.redirect('/login', 303)
    const slug = await lastUsedOrgSlug(c.var.db, user.id)
    return c.redirect(slug ? `/o/${slug}/leads` : '/signup', 303)
  })
  // Rate limits (src/rate-limits.ts), before the routes they protect.
  app.on('POST', ['/signup', '/invite/*', '/verify-email/*'], signUpLimit)
  app.on('POST', '/login', logInLimit)
  app.on('POST', ['/forgot-password', '/reset-password/*'], passwordResetLimit)
  // Ids, tokens and slugs in the URL: 404 for a malformed one before any route reads it (after the
  // rate limits, which count attempts with malformed tokens too).
  app.use('*', validParams())
  app.route('/', onboardingRoutes)
  app.route('/', accountRoutes)
  app.route('/', orgRoutes)
  app.route('/_dev/mail', devMailRoutes)
  app.route('/invite', inviteRoutes)
  app.route('/unsubscribe', unsubscribeRoutes)

  app.use('/o/:slug/*', requireMembership())
  app.use('/o/:slug', requireMembership())
  app.use('/o/:slug/*', unreadBadge())
  app.post('/o/:slug/team/invitations', invitationLimit)
  app.get('/o/:slug', (c) => c.redirect(`/o/${c.req.param('slug')}/leads`, 303))
  // The lead page, for the routes that name it as the page of their refusals (views/refusal-page.ts).
  app.use('/o/:slug/*', lendLeadPage())
  // Authorization before validation: a lead the viewer cannot see is 404 before any route reads the form.
  app.use('/o/:slug/leads/:leadId/*', visibleLeadOnly())
  // Once a post on a lead has committed, its change goes live to the lead's viewers.
  app.use('/o/:slug/leads/:leadId/*', publishLeadChanges())
  // A bulk action's entries go to the pages of the changed leads that are open, after the answer.
  app.use('/o/:slug/leads/:action{bulk-(?:assign|unassign|status|pool)}', publishBulkChanges())
  // Once a post that may change leads, or who sees them, has committed, the open lists are told (leads/live-lists.ts).
  app.use('/o/:slug/leads/*', publishAfterPost())
  app.use('/o/:slug/tasks/*', publishAfterPost())
  app.use('/o/:slug/team/*', publishAfterPost({ recheck: true }))
  app.use('/o/:slug/settings/*', publishAfterPost({ recheck: true }))
  // The lists' WebSocket: authorized here, then handed to the organization's room.
  app.get('/o/:slug/live', orgLiveUpgrade)
  app.route('/o/:slug/leads/import', importRoutes)
  app.route('/o/:slug/leads', assignmentRoutes)
  app.route('/o/:slug/leads', poolLeadRoutes)
  app.route('/o/:slug/leads', collaborationRoutes)
  app.route('/o/:slug/leads', leadRoutes)
  app.route('/o/:slug/leads', archiveRoutes)
  app.route('/o/:slug/leads', leadPageRoutes)
  app.route('/o/:slug/pool', poolRoutes)
  // So does a task completed or reopened from My tasks.
  app.use('/o/:slug/tasks/:taskId/*', publishTaskChanges())
  app.route('/o/:slug/tasks', taskRoutes)
  app.route('/o/:slug/team', teamRoutes)
  app.route('/o/:slug/dashboard', dashboardRoutes)
  app.route('/o/:slug/settings/pool', poolSettingsRoutes)
  app.route('/o/:slug/routing', routingPageRoutes)
  app.route('/o/:slug/routing/rules', rulesRoutes)
  app.route('/o/:slug/settings/intake', intakeSettingsRoutes)
  app.route('/o/:slug/settings/api-keys', apiKeyRoutes)
  app.route('/o/:slug/settings/webhooks', webhookRoutes)
  app.route('/o/:slug/settings/speed', speedSettingsRoutes)
  app.route('/o/:slug/settings/email', inboundSettingsRoutes)
  app.route('/o/:slug/inbox', inboxRoutes)
  app.route('/o/:slug/settings', settingsRoutes)
  app.route('/o/:slug/notifications', notificationRoutes)
  app.route('/o/:slug/preferences', preferenceRoutes)

  app.notFound((c) => renderRefusal(c, notFound()))
  app.onError((error, c) => {
    if (error instanceof Refusal) return renderRefusal(c, error)
    // Hono's own middleware (csrf(), the API's validators) refuses with an HTTPException: shown the same way.
    if (error instanceof HTTPException && error.status < 500) {
      if (error.status === 404) return renderRefusal(c, notFound())
      // csrf() refuses with a bare 403 and no message.
      const message = error.message || 'This form was sent from another site or an outdated page, so it was refused.'
      return renderError(c, error.status, message)
    }
    // D1 or another binding failed: 503, the form back with what was typed (views/render-error.tsx).
    if (bindingFailure(error)) {
      console.error('database or binding failed', c.req.method, c.req.path, error)
      return renderUnavailable(c)
    }
    console.error('unhandled error', c.req.method, c.req.path, error)
    return renderError(c, 500, 'Something went wrong')
  })
  return app
}
