/** Small app-wide middleware: what may be posted, and how responses may be cached. */
import type { Context, MiddlewareHandler } from 'hono'
import { Refusal } from './errors'

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/
const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * Refuses (415) a state-changing request whose body is neither urlencoded nor multipart. Every
 * route takes forms, and Hono's csrf() inspects only form-like content types, so this makes every
 * state-changing request pass the same-origin check.
 * @throws Refusal 415
 */
export function formBodiesOnly(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type')
    if (!SAFE_METHOD.test(c.req.method) && type && !FORM_TYPE.test(type)) {
      throw new Refusal(415, 'Send this as a form (urlencoded or multipart).')
    }
    await next()
  }
}

/**
 * Marks every answer as private and not to be stored, and as varying with `HX-Request`: the same
 * URL answers a whole page or an htmx fragment, and the Back button must never show the fragment.
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    c.header('Vary', 'HX-Request', { append: true })
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'private, no-store')
  }
}

/**
 * Whether request `c` comes from Leadpool's own pages, by the rule app.ts's `csrf()` applies to form posts:
 * `Sec-Fetch-Site: same-origin`, or an `Origin` equal to the request's own. A request with neither is not.
 * For what `csrf()` does not check: WebSocket upgrades (GET), access/upgrade.ts.
 */
export function sameOrigin(c: Context): boolean {
  if (c.req.header('Sec-Fetch-Site') === 'same-origin') return true
  return c.req.header('Origin') === new URL(c.req.url).origin
}
