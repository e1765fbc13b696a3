/**
 * The one place refusals and errors become answers (called by app.ts `onError` / `notFound`): RFC 9457
 * problem JSON where a middleware asked for it (`problemAnswers`, the JSON API), else the page the form
 * came from when the route's declaration named one (views/refusal-page.ts `refusalPage`), else an error page
 * as HTML for browsers and htmx, or JSON when the client asked for JSON.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { App } from '../env'
import { bindingFailure, NOT_LOADED, NOT_SAVED, SAVED_NOT_SHOWN } from '../db/errors'
import { Refusal } from '../lib/errors'
import type { FormValues } from '../lib/validation'
import { ErrorPage, PageAlert, type SentForm, type WayForward } from './error-page'

/**
 * Middleware: every refusal and error of the requests it runs for, its own and those of the routes and
 * middleware after it (and a path nothing answers), is answered as RFC 9457 problem JSON (docs/ARCHITECTURE.md
 * "One error type for refusals"). `when` limits it to the requests it holds for (default: all). Mounted in app.ts
 * for the JSON API, and for the web form when it is sent as JSON.
 */
export function problemAnswers({ when }: { when?: (c: Context<App>) => boolean } = {}): MiddlewareHandler<App> {
  return async (c, next) => {
    if (!when || when(c)) c.set('problemAnswers', true)
    await next()
  }
}

/** The title of a problem of each status (RFC 9110's reason phrases). */
const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * An RFC 9457 problem answer: `Content-Type: application/problem+json`, body `{ type: 'about:blank', title,
 * status, detail }` and, when fields were refused, `errors` (a message per field, e.g. `{ email: 'Enter a valid
 * email address' }`). Headers already set on `c` (`Retry-After`, `WWW-Authenticate`, `Allow`) are kept.
 */
function problemAnswer(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  errors: Record<string, string> = {},
): Response {
  const body = {
    type: 'about:blank',
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  }
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/problem+json' })
}

/** The string fields the request's form body carried (`{}` for none), to put back into a re-rendered form. */
export async function submittedValues(c: Context<App>): Promise<FormValues> {
  // Only urlencoded forms are put back: a multipart body may be a large upload (or one refused for its size).
  if (!/^application\/x-www-form-urlencoded/i.test(c.req.header('Content-Type') ?? '')) return {}
  const body = await c.req.parseBody().catch(() => ({}))
  const out: FormValues = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value
  return out
}

/**
 * Fields never echoed on a page nor sent again: passwords, secrets, tokens and keys (a reset or invitation token, an
 * API key). `formToken` is not one of them: it only names this sending of a form, so sending it again is recognised as
 * the same change (src/views/form-token.tsx).
 */
const SECRET_FIELD = /pass|secret|token|key/i

/**
 * The request's urlencoded form as `SentForm` (its action with the query, the fields in order, a field sent
 * several times once per value), secrets (SECRET_FIELD) left out; undefined for any other body. A multipart body is
 * never echoed: it may carry a file, which a page cannot send again.
 */
async function sentForm(c: Context<App>): Promise<SentForm | undefined> {
  if (!/^application\/x-www-form-urlencoded/i.test(c.req.header('Content-Type') ?? '')) return undefined
  const body = await c.req.parseBody({ all: true }).catch(() => ({}))
  const fields: [string, string][] = []
  for (const [name, value] of Object.entries(body)) {
    if (SECRET_FIELD.test(name) && name !== 'formToken') continue
    for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string') fields.push([name, one])
  }
  const url = new URL(c.req.url)
  return { action: url.pathname + url.search, fields }
}

/** What an htmx request's alert adds when its change was not saved: the page, and its form, stay as they were. */
export const STILL_IN_FORM = 'What you typed is still in the form; send it again in a moment.'

/**
 * Answers `refusal` as problem JSON where `problemAnswers` runs, else with the page the route named
 * (views/refusal-page.ts `refusalPage`), else with an error page (404 always so).
 */
export async function renderRefusal(c: Context<App>, refusal: Refusal): Promise<Response> {
  if (c.var.problemAnswers) return problemAnswer(c, refusal.status, refusal.message, refusal.errors)
  const page = c.var.refusalPage
  if (page && refusal.status !== 404) {
    try {
      const answer = await page(c, refusal, await submittedValues(c))
      // htmx (a boosted form) keeps the address of the page the form is on, never the POST-only action's.
      if (c.req.header('HX-Request') === 'true' && !answer.headers.has('HX-Replace-Url'))
        answer.headers.set('HX-Push-Url', 'false')
      return answer
    } catch (error) {
      // The database failing is answered by the caller (renderUnavailable); anything else the page meets while
      // showing the refusal (a forged value it cannot show, another refusal) still answers this refusal, below.
      // A page refusing itself (not for this viewer: they may not edit the lead; the link died) is no fault.
      // A page that declines the refusal (throws it back, e.g. the web form's page shows only what the visitor
      // typed wrong) leaves a 503 to `renderUnavailable`, whose error page keeps what was sent.
      if (bindingFailure(error) || (error === refusal && refusal.status === 503)) throw error
      if (!(error instanceof Refusal))
        console.error('the refused form could not be shown; answered with an error page', c.req.path, error)
    }
  }
  const { nextHref, nextLabel, explanation, heading } = refusal.details
  const next = nextHref && nextLabel ? { href: nextHref, label: nextLabel } : undefined
  return renderError(c, refusal.status, refusal.message, { next, explanation, heading })
}

/**
 * The answer when the database or a binding failed (db/errors.ts `bindingFailure`), always 503. Before this request's
 * change committed: "This change was not saved; try again." through `renderRefusal`, so the form comes back with what
 * was typed (or a GET: "This page could not be loaded"). When no form page was named yet (the session lookup failed
 * first) or it cannot be read either, the error page itself keeps what was sent (`sentForm`: the values to copy, and
 * "Send it again"); an htmx alert says the form still holds it. After the change committed (`c.var.changeSaved`): that
 * it was saved, and no form to send it twice.
 */
export async function renderUnavailable(c: Context<App>): Promise<Response> {
  if (c.var.changeSaved) return renderError(c, 503, SAVED_NOT_SHOWN, { explanation: 'Nothing more needs to be done.' })
  const reading = c.req.method === 'GET' || c.req.method === 'HEAD'
  const refusal = new Refusal(503, reading ? NOT_LOADED : NOT_SAVED)
  if (c.var.refusalPage && !c.var.problemAnswers) {
    try {
      return await renderRefusal(c, refusal)
    } catch (again) {
      if (again !== refusal)
        console.error('the refused page could not be shown either', c.req.method, c.req.path, again)
    }
  }
  const sent = reading ? undefined : await sentForm(c)
  const htmx = c.req.header('HX-Request') === 'true'
  if (!sent || c.var.problemAnswers || htmx || c.req.header('Accept')?.includes('application/json'))
    return renderError(c, 503, refusal.message, { explanation: htmx && !reading ? STILL_IN_FORM : undefined })
  c.status(503)
  return c.render(<ErrorPage status={503} message={refusal.message} sent={sent} />, {
    title: refusal.message,
    chrome: 'user',
  })
}

/**
 * The one error answer: problem JSON where `problemAnswers` runs; JSON `{ error }` when asked for JSON; for an htmx request (`HX-Request: true`) the page's
 * alert region as an out-of-band swap (`hx-swap-oob`, with `HX-Reswap: none` and the address bar unchanged), so it
 * lands in the page whatever element made the request, even one a live update has since removed; otherwise the
 * full error page. Always with `status`.
 */
export function renderError(
  c: Context<App>,
  status: ContentfulStatusCode,
  message: string,
  /**
   * `next`: the way forward the page offers; `explanation`: a sentence under the message (the general one when
   * absent); `heading`: a short heading above the message (Refusal `details.heading`; without one the message is it).
   */
  { next, explanation, heading }: { next?: WayForward; explanation?: string; heading?: string } = {},
) {
  if (c.var.problemAnswers) return problemAnswer(c, status, message)
  if (c.req.header('Accept')?.includes('application/json')) return c.json({ error: message }, status)
  if (c.req.header('HX-Request') === 'true') {
    c.header('HX-Reswap', 'none')
    c.header('HX-Push-Url', 'false')
    c.header('HX-Replace-Url', 'false')
    // As on the error page, a refusal with its own heading says all in its message: no general explanation.
    const said = explanation ?? (heading ? '' : undefined)
    return c.html(<PageAlert status={status} message={message} explanation={said} oob />, status)
  }
  c.status(status)
  return c.render(
    <ErrorPage status={status} message={message} next={next} explanation={explanation} heading={heading} />,
    { title: heading ?? message, chrome: 'user' },
  )
}
