/**
 * The one module behind which Lucia v3 lives (docs/ARCHITECTURE.md): session creation, validation with
 * sliding renewal, and the cookie. Swapping Lucia for `@oslojs/*` later changes only this file.
 *
 * Sessions last 30 days and are renewed (cookie re-sent) when less than half of that remains.
 * Cookie: HttpOnly, SameSite=Lax, Path=/, Secure outside local development.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { Lucia, TimeSpan, type Cookie } from 'lucia'
import type { Database } from '../db/client'
import type { App } from '../env'
import { sessionAdapter } from './session-adapter'

function createLucia(db: Database, secure: boolean) {
  return new Lucia(sessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: { name: 'leadpool_session', attributes: { secure, sameSite: 'lax' } },
    getUserAttributes: (attributes) => ({
      name: attributes.name,
      email: attributes.email,
      timeZone: attributes.timeZone,
    }),
  })
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>
    DatabaseUserAttributes: { name: string; email: string; timeZone: string }
  }
}

function luciaFor(c: Context<App>) {
  return createLucia(c.var.db, c.env.APP_ENV !== 'development')
}

function writeCookie(c: Context<App>, cookie: Cookie) {
  const a = cookie.attributes
  setCookie(c, cookie.name, cookie.value, {
    httpOnly: a.httpOnly,
    secure: a.secure,
    sameSite: 'Lax',
    path: a.path ?? '/',
    maxAge: a.maxAge,
  })
}

/** Starts a session for `userId` and sets its cookie on the response. */
export async function signIn(c: Context<App>, userId: string): Promise<void> {
  const lucia = luciaFor(c)
  const session = await lucia.createSession(userId, {})
  writeCookie(c, lucia.createSessionCookie(session.id))
}

/** Ends the current session (if any) and clears the cookie. */
export async function signOut(c: Context<App>): Promise<void> {
  const lucia = luciaFor(c)
  const id = getCookie(c, lucia.sessionCookieName)
  if (id) await lucia.invalidateSession(id)
  writeCookie(c, lucia.createBlankSessionCookie())
}

/** The (plain) session id in the request's cookie, or null when there is none. */
export function sessionIdOf(c: Context<App>): string | null {
  return getCookie(c, luciaFor(c).sessionCookieName) ?? null
}

/** Ends every session of `userId`, this one included, and clears the cookie ("Log out everywhere"). */
export async function signOutEverywhere(c: Context<App>, userId: string): Promise<void> {
  const lucia = luciaFor(c)
  await lucia.invalidateUserSessions(userId)
  writeCookie(c, lucia.createBlankSessionCookie())
}

/** Deletes sessions past their expiry (run by the cron trigger). */
export async function deleteExpiredSessions(db: Database): Promise<void> {
  await sessionAdapter(db).deleteExpiredSessions()
}

/**
 * Middleware: reads the session cookie, validates it, renews it when fresh, and sets `c.var.user` and
 * `c.var.sessionId` (null when signed out or the session is unknown/expired, in which case the cookie is cleared).
 */
export function sessionMiddleware(): MiddlewareHandler<App> {
  return async (c, next) => {
    const lucia = luciaFor(c)
    const id = getCookie(c, lucia.sessionCookieName)
    if (!id) {
      c.set('user', null)
      c.set('sessionId', null)
      return next()
    }
    const { session, user } = await lucia.validateSession(id)
    if (!session) writeCookie(c, lucia.createBlankSessionCookie())
    else if (session.fresh) writeCookie(c, lucia.createSessionCookie(session.id))
    c.set('user', user ? { id: user.id, name: user.name, email: user.email, timeZone: user.timeZone } : null)
    c.set('sessionId', session?.id ?? null)
    await next()
  }
}
