/**
 * D1 Sessions API (read replication): each request reads through `env.DB.withSession(bookmark)`, so
 * reads may be served by a nearby read replica, while a person always sees their own writes: the
 * bookmark of the newest database state their requests saw travels in a cookie, and the next
 * request's session starts at least there (docs/ARCHITECTURE.md "Scale", README "Read replication"). A bookmark
 * belongs to one database: each database the request reads has its own cookie (docs/ARCHITECTURE.md "Many databases").
 * Without replication turned on, every query simply goes to the primary.
 */
import type { MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { setMetric } from 'hono/timing'
import { createDb, type Database } from './client'
import { timedD1, type D1Use } from './d1-timing'

/** What the middleware needs of the app's bindings, and what it sets (a part of src/env.ts's App). */
type SessionEnv = {
  Bindings: { DB: D1Database; APP_ENV: string }
  Variables: { db: Database; changeSaved?: boolean; sessionOf: (binding: string) => Database }
}

/** The cookie holding the person's D1 bookmark of the directory `DB`; a tenant database's is `bookmarkCookie(binding)`. */
export const BOOKMARK_COOKIE = 'leadpool_d1'

/** The cookie holding the person's bookmark of the database bound as `binding` (one per database: D1 bookmarks are). */
export function bookmarkCookie(binding: string): string {
  return binding === 'DB' ? BOOKMARK_COOKIE : `${BOOKMARK_COOKIE}_${binding.toLowerCase()}`
}

/** What a D1 bookmark looks like (hex groups); anything else in the cookie is ignored. */
const BOOKMARK = /^[0-9a-f-]{1,200}$/i

/**
 * Middleware putting a Drizzle client over a D1 session of the directory on `c.var.db`, and `c.var.sessionOf(binding)`
 * opening (once per request) a session of another database, an organization's (src/orgs/middleware.ts). Each session
 * starts from its database's bookmark cookie (or, without one, from any replica for GET/HEAD and the primary for
 * writes), and its newest bookmark goes back in that cookie (HttpOnly, SameSite=Lax, Secure outside local
 * development, one day). In local development it also counts and times the request's statements into the
 * `Server-Timing` header's `d1` metric (db/d1-timing.ts; the `timing()` middleware of src/app.ts writes it).
 * `c.var.changeSaved` turns true once a batch of the request has committed (every change is one batch), so a
 * failure after it is not answered as a change that was not saved (views/render-error.tsx `renderUnavailable`).
 */
export function d1Session(): MiddlewareHandler<SessionEnv> {
  return async (c, next) => {
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD'
    const use: D1Use | null = c.env.APP_ENV === 'development' ? { statements: 0, busyMs: 0 } : null
    const opened = new Map<string, { session: D1DatabaseSession; sent: string | undefined; db: Database }>()
    const sessionOf = (binding: string): Database => {
      const known = opened.get(binding)
      if (known) return known.db
      const sent = getCookie(c, bookmarkCookie(binding))
      const start = sent && BOOKMARK.test(sent) ? sent : reading ? 'first-unconstrained' : 'first-primary'
      const session = (c.env as unknown as Record<string, D1Database>)[binding]!.withSession(start)
      const saved = watchBatches(use ? timedD1(session, use) : session, () => c.set('changeSaved', true))
      const db = createDb(saved)
      opened.set(binding, { session, sent, db })
      return db
    }
    c.set('changeSaved', false)
    c.set('sessionOf', sessionOf)
    c.set('db', sessionOf('DB'))
    await next()
    if (use) setMetric(c, 'd1', use.busyMs, `${use.statements} statements`)
    // A WebSocket upgrade (101) answers with headers that can no longer change.
    if (c.res.status === 101) return
    for (const [binding, { session, sent }] of opened) {
      const bookmark = session.getBookmark()
      if (!bookmark || bookmark === sent) continue
      setCookie(c, bookmarkCookie(binding), bookmark, {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: c.env.APP_ENV !== 'development',
        maxAge: 24 * 60 * 60,
      })
    }
  }
}

/**
 * `session` calling `onCommit` after each batch it ran succeeded and wrote (a D1 batch is atomic: it committed whole);
 * a batch of reads only (db/reads.ts `readTogether`) saved nothing.
 */
function watchBatches(session: D1DatabaseSession, onCommit: () => void): D1DatabaseSession {
  return Object.assign(Object.create(session) as D1DatabaseSession, {
    prepare: (query: string) => session.prepare(query),
    batch: async <T>(statements: D1PreparedStatement[]) => {
      const results = await session.batch<T>(statements)
      // Without its meta (a stand-in D1), a batch counts as written.
      if (results.some((r) => !r.meta || r.meta.changed_db || r.meta.changes > 0)) onCommit()
      return results
    },
    getBookmark: () => session.getBookmark(),
  })
}
