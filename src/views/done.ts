/**
 * Saying on the next page what an action just did, after its redirect (post / redirect / get), without
 * putting it in the address: a short-lived cookie scoped to the page redirected to, read once there.
 * E.g. creating a lead redirects to the lead page, which then says "Lead created."
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { App } from '../env'

const COOKIE = 'leadpool_done'

/** Remembers for the page at `path` (an absolute path) that `what` (a short key, e.g. `created`) happened. */
export function rememberDone(c: Context<App>, path: string, what: string): void {
  setCookie(c, COOKIE, what, {
    path,
    maxAge: 60,
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.env.APP_ENV !== 'development',
  })
}

/** What just happened on this page (its key), once: the cookie is cleared. Undefined when nothing did. */
export function takeDone(c: Context<App>): string | undefined {
  const what = getCookie(c, COOKIE)
  if (what === undefined) return undefined
  deleteCookie(c, COOKIE, { path: new URL(c.req.url).pathname, secure: c.env.APP_ENV !== 'development' })
  return /^[a-z]{1,20}$/.test(what) ? what : undefined
}
