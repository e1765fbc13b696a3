/**
 * `POST /f/{formKey}`: the public web-to-lead form. Customers' websites post a form (answered 303 to the
 * organization's thank-you URL, or to Leadpool's small thank-you page) or JSON (answered 201). Mounted in app.ts
 * before the same-origin check, because other sites post here: CORS lets any site post and read nothing but the
 * status; no cookie is read. A filled honeypot field (`website`) is answered as accepted and creates nothing.
 * Rate-limited per client address (src/rate-limits.ts `webFormLimit`, applied in app.ts). Sent as JSON, its refusals
 * are problem JSON (app.ts mounts `problemAnswers` for it); a body neither a form nor JSON is refused 415.
 */
import { findAcross } from '../access/databases'
import { unitFor } from '../access/unit'
import { Hono, type Context } from 'hono'
import { cors } from 'hono/cors'
import { z } from 'zod'
import type { App, RefusalPage } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { foldedLine } from '../lib/text'
import { orgByFormKey } from './form-keys'
import { sentJson, parseSubmission } from './input'
import { intakeSchema, takeInLead } from './leads'
import { publishListChanges } from '../leads/live-lists'
import { leadRouter } from '../leads/routing'
import { refusalPage } from '../views/refusal-page'

/** The honeypot: a field people never see or fill (the snippet hides it), bots do. */
export const HONEYPOT_FIELD = 'website'

export const webFormRoutes = new Hono<App>()

/** The organization whose form key is `formKey`, in whichever database it lives (access/databases.ts), or null. */
const formOrg = (c: Context<App>, formKey: string) =>
  findAcross(c.env, (binding) => orgByFormKey(c.var.sessionOf(binding), formKey))

webFormRoutes.use('/:formKey', cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['Content-Type'] }))

/** The honeypot alone, read before anything is validated (a bot's garbage is never answered with 422). */
const honeypotSchema = z.object({ [HONEYPOT_FIELD]: z.string().optional().catch('filled') })

/** The web form's fields, with messages addressed to the visitor who fills it in (the lead themselves). */
const webFormSchema = intakeSchema.extend({ name: foldedLine('name', 200, 'Enter your name') })

/**
 * Leadpool's own thank-you page, for organizations without a thank-you URL: the organization's name and the thanks,
 * nothing of Leadpool (the visitor is the organization's customer). @throws Refusal 404 for an unknown form key
 */
webFormRoutes.get('/:formKey/thanks', async (c) => {
  const org = await formOrg(c, c.req.param('formKey'))
  if (!org) throw notFound()
  return c.render(
    <section class="card narrow">
      <h1>Thank you</h1>
      <p>Your message was sent to {org.name}. They will be in touch soon.</p>
    </section>,
    { title: 'Thank you', chrome: 'visitor', site: org.name },
  )
})

/**
 * The page of a form post refused for what the visitor typed (422): what was wrong, under the organization's name and
 * nothing of Leadpool, with what they typed to copy (their browser's Back keeps the form). A request asking for JSON
 * is answered `{ error }` instead, and any other refusal with the error page.
 */
const visitorRefused: RefusalPage = async (c, refusal, values) => {
  // A script that asked for JSON gets the error as JSON (views/render-error.tsx `renderError`), and a body that is no
  // form (415) is the website's mistake, not the visitor's: both get the error page, which speaks to developers.
  if (refusal.status !== 422 || (c.req.header('Accept') ?? '').includes('application/json')) throw refusal
  const org = await formOrg(c, c.req.param('formKey') ?? '')
  if (!org) throw notFound()
  const problems = Object.values(refusal.errors)
  const typed = VISITOR_FIELDS.flatMap(([name, label]) => {
    const value = values[name]
    return typeof value === 'string' && value !== '' ? [[label, value] as const] : []
  })
  c.status(refusal.status)
  return c.render(
    <section class="card narrow">
      <h1>Your message was not sent</h1>
      <ul class="alert" role="alert" data-error-for="form">
        {(problems.length > 0 ? problems : [refusal.message]).map((problem) => (
          <li>{problem}</li>
        ))}
      </ul>
      <p>Go back to the form, correct it and send it again.</p>
      {typed.length > 0 && (
        <>
          <h2>What you typed</h2>
          <dl data-sent>
            {typed.map(([label, value]) => (
              <>
                <dt>{label}</dt>
                <dd>
                  <pre>{value}</pre>
                </dd>
              </>
            ))}
          </dl>
        </>
      )}
    </section>,
    { title: 'Your message was not sent', chrome: 'visitor', site: org.name },
  )
}

/** The web form's fields a visitor types, as the refusal page names them back. */
const VISITOR_FIELDS = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['company', 'Company'],
  ['message', 'Message'],
] as const

/** A form (urlencoded or multipart) or JSON; a body of any other type (or none) is refused 415 before it is read. */
const FORM_OR_JSON = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

webFormRoutes.post('/:formKey', refusalPage(visitorRefused), async (c) => {
  if (!sentJson(c) && !FORM_OR_JSON.test(c.req.header('Content-Type') ?? ''))
    throw new Refusal(415, 'Send the form as a form (urlencoded or multipart) or as JSON (application/json).')
  const formKey = c.req.param('formKey')
  const org = await formOrg(c, formKey)
  if (!org) throw notFound()
  const trap = await parseSubmission(c, honeypotSchema)
  if (!trap[HONEYPOT_FIELD]) {
    const input = await parseSubmission(c, webFormSchema)
    const unit = unitFor(c.env, org, { db: c.var.sessionOf(org.database), directory: c.var.db })
    await takeInLead(unit, leadRouter(c.env), input, 'form')
    await publishListChanges(c.env, unit, unit.now)
  }
  const json = sentJson(c) || (c.req.header('Accept') ?? '').includes('application/json')
  if (json) return c.json({ accepted: true }, 201)
  return c.redirect(org.thankYouUrl || `/f/${formKey}/thanks`, 303)
})
