/**
 * What a request that needs a session gets when there is none (never signed in, logged out elsewhere, session
 * expired or deleted): always a way to the log-in page that brings the person back where they were.
 */
import type { Context } from 'hono'
import { Refusal } from '../lib/errors'
import type { App } from '../env'
import { safeNext } from './safe-next'

/**
 * Where to come back to after logging in, for an htmx request: the page the person is on (`HX-Current-URL`,
 * same origin only, through `safeNext`). A GET for that same page with another query (search as you type, the
 * pager) returns to what was asked for, so the search typed is not lost. Null when neither is a safe path.
 */
export function htmxReturnPath(c: Context<App>): string | null {
  const here = new URL(c.req.url)
  const current = URL.parse(c.req.header('HX-Current-URL') ?? '')
  if (!current || current.origin !== here.origin) return null
  const asked =
    c.req.method === 'GET' && here.pathname === current.pathname ? safeNext(here.pathname + here.search) : null
  return asked ?? safeNext(current.pathname + current.search)
}

/**
 * The answer to a signed-out request for a page that needs a session:
 * - htmx (`HX-Request: true`): 401 with `HX-Redirect: /login?next=<the page the person is on>`, so htmx loads the
 *   log-in page as a whole page instead of swapping it into a fragment or ignoring a bare 401;
 * - a GET: 303 to `/login?next=<this URL>`;
 * - any other method: 401 "Log in first." through the app's error handler.
 * @throws Refusal 401 for a non-htmx, non-GET request
 */
export function askToLogIn(c: Context<App>): Response {
  if (c.req.header('HX-Request') === 'true') {
    const next = htmxReturnPath(c)
    const login = next ? `/login?next=${encodeURIComponent(next)}` : '/login'
    c.header('HX-Redirect', login)
    return c.text('Your session has ended: log in again.', 401)
  }
  if (c.req.method !== 'GET') throw new Refusal(401, 'Log in first.')
  const url = new URL(c.req.url)
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
}
