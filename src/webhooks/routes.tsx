/**
 * Webhook settings, `/o/{slug}/settings/webhooks` (Owners and Admins; an Agent gets 403): the endpoints, adding one
 * (its secret shown once), an endpoint's settings, rotation, deletion and delivery log with Redeliver. An address
 * refused as a target (targets.ts) or a form without an event is answered 422 with the form as typed.
 */
import { Hono, type Context } from 'hono'
import { requireManager } from '../access/context'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import {
  createEndpoint,
  deleteEndpoint,
  deliveryLog,
  findEndpoint,
  listEndpoints,
  redeliver,
  rotateSecret,
  updateEndpoint,
} from './endpoints'
import { endpointSchema } from './form'
import { EndpointPage, WebhooksPage } from './pages'

export const webhookRoutes = new Hono<App>()

const ACTION = 'manage webhooks'
const TITLE = 'Webhooks'

/** What the last post on an endpoint did, by `?done=`. */
const DONE: Record<string, string> = {
  saved: 'The endpoint was saved.',
  redelivered: 'The delivery was queued to be sent again.',
}

/** Whether targets are held to production's rules (anything but APP_ENV=development, as /_dev/mail decides). */
const production = (c: Context<App>) => c.env.APP_ENV !== 'development'

async function webhooksPage(c: Context<App>, extra: Omit<Parameters<typeof WebhooksPage>[0], 'endpoints'> = {}) {
  const endpoints = await listEndpoints(c.var.unit)
  return c.render(<WebhooksPage endpoints={endpoints} {...extra} />, { title: TITLE })
}

async function endpointPage(c: Context<App>, extra: Omit<Parameters<typeof EndpointPage>[0], 'endpoint' | 'log'> = {}) {
  const endpoint = await findEndpoint(c.var.unit, c.req.param('endpointId')!)
  const log = await deliveryLog(c.var.unit, endpoint.id)
  return c.render(<EndpointPage endpoint={endpoint} log={log} {...extra} />, { title: 'Webhook endpoint' })
}

webhookRoutes.get('/', (c) => {
  requireManager(c, ACTION)
  return webhooksPage(c)
})

/** The webhooks page again, with the form as typed and the refusal's messages (to Owners and Admins only). */
const webhooksAgain: RefusalPage = (c, refusal, values) => {
  requireManager(c, ACTION)
  c.status(refusal.status)
  return webhooksPage(c, { errors: refusal.errors, values })
}

webhookRoutes.post('/', refusalPage(webhooksAgain), async (c) => {
  requireManager(c, ACTION)
  const input = await parseForm(c, endpointSchema(production(c)))
  const { secret } = await createEndpoint(c.var.unit, input)
  // The secret is shown once, in this answer only (never in a URL or a later page).
  c.status(201)
  return webhooksPage(c, { created: { url: input.url, secret } })
})

webhookRoutes.get('/:endpointId', (c) => {
  requireManager(c, ACTION)
  return endpointPage(c, { done: DONE[c.req.query('done') ?? ''] })
})

/** An endpoint's page again, with the form as typed and the refusal's messages (to Owners and Admins only). */
const endpointAgain: RefusalPage = (c, refusal, values) => {
  requireManager(c, ACTION)
  c.status(refusal.status)
  return endpointPage(c, { errors: refusal.errors, values })
}

webhookRoutes.post('/:endpointId', refusalPage(endpointAgain), async (c) => {
  requireManager(c, ACTION)
  const endpointId = c.req.param('endpointId')
  await findEndpoint(c.var.unit, endpointId)
  const input = await parseForm(c, endpointSchema(production(c)))
  await updateEndpoint(c.var.unit, endpointId, input)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/webhooks/${endpointId}?done=saved`, 303)
})

webhookRoutes.post('/:endpointId/rotate', async (c) => {
  requireManager(c, ACTION)
  const secret = await rotateSecret(c.var.unit, c.req.param('endpointId'))
  return endpointPage(c, { secret, done: 'The endpoint has a new signing secret.' })
})

webhookRoutes.post('/:endpointId/delete', async (c) => {
  requireManager(c, ACTION)
  await deleteEndpoint(c.var.unit, c.req.param('endpointId'))
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/webhooks`, 303)
})

webhookRoutes.post('/:endpointId/deliveries/:deliveryId/redeliver', async (c) => {
  requireManager(c, ACTION)
  const { endpointId, deliveryId } = c.req.param()
  await redeliver(c.var.unit, endpointId, deliveryId)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/webhooks/${endpointId}?done=redelivered`, 303)
})
