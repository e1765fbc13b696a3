/**
 * `POST /f/{formKey}`: the public web-to-lead form. Customers' websites post a form (answered 303 to the
 * organization's thank-you URL, or to Leadpool's small thank-you page) or JSON (answered 201). Mounted in app.ts
 * before the same-origin check, because other sites post here: CORS lets any site post and read nothing but the
 * status; no cookie is read. A filled honeypot field (`website`) is answered as accepted and creates nothing.
 * Rate-limited per client address (src/rate-limits.ts `webFormLimit`, applied in app.ts). Sent as JSON, its refusals
 * are problem JSON (app.ts mounts `problemAnswers` for it); a body neither a form nor JSON is refused 415.
 */
import { unitFor } from '../access/unit'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { z } from 'zod'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { foldedLine } from '../lib/text'
import { orgByFormKey } from './form-keys'
import { sentJson, parseSubmission } from './input'
import { intakeSchema, takeInLead } from './leads'
import { publishListChanges } from '../leads/live-lists'
import { leadRouter } from '../leads/routing'

/** The honeypot: a field people never see or fill (the snippet hides it), bots do. */
export const HONEYPOT_FIELD = 'website'

export const webFormRoutes = new Hono<App>()

webFormRoutes.use('/:formKey', cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['Content-Type'] }))

/** The honeypot alone, read before anything is validated (a bot's garbage is never answered with 422). */
const honeypotSchema = z.object({ [HONEYPOT_FIELD]: z.string().optional().catch('filled') })

/** The web form's fields, with messages addressed to the visitor who fills it in (the lead themselves). */
const webFormSchema = intakeSchema.extend({ name: foldedLine('name', 200, 'Enter your name') })

/** Leadpool's own thank-you page, for organizations without a thank-you URL. */
function ThankYouPage() {
  return (
    <section class="card narrow">
      <h1>Thank you</h1>
      <p>Your message was sent. We will be in touch soon.</p>
    </section>
  )
}

webFormRoutes.get('/:formKey/thanks', (c) => c.render(<ThankYouPage />, { title: 'Thank you', chrome: 'anonymous' }))

/** A form (urlencoded or multipart) or JSON; a body of any other type (or none) is refused 415 before it is read. */
const FORM_OR_JSON = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

webFormRoutes.post('/:formKey', async (c) => {
  if (!sentJson(c) && !FORM_OR_JSON.test(c.req.header('Content-Type') ?? ''))
    throw new Refusal(415, 'Send the form as a form (urlencoded or multipart) or as JSON (application/json).')
  const formKey = c.req.param('formKey')
  const org = await orgByFormKey(c.var.db, formKey)
  if (!org) throw notFound()
  const trap = await parseSubmission(c, honeypotSchema)
  if (!trap[HONEYPOT_FIELD]) {
    const input = await parseSubmission(c, webFormSchema)
    const unit = unitFor(c.env, org, { db: c.var.db })
    await takeInLead(unit, leadRouter(c.env), input, 'form')
    await publishListChanges(c.env, unit, unit.now)
  }
  const json = sentJson(c) || (c.req.header('Accept') ?? '').includes('application/json')
  if (json) return c.json({ accepted: true }, 201)
  return c.redirect(org.thankYouUrl || `/f/${formKey}/thanks`, 303)
})
