import { createScheduledController } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import worker from '../src/index'
import { hashSessionId } from '../src/auth/session-adapter'
import { createDb } from '../src/db/client'
import { loginAttempts, sessions } from '../src/db/schema'
import { Client, env, signUp } from './helpers'

const db = () => createDb(env.DB)

describe('the app shell', () => {
  it('answers /healthz with ok', async () => {
    const res = await new Client().get('/healthz')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok')
  })

  it('answers an unknown page with a 404 page, or JSON when JSON was asked for', async () => {
    const page = await new Client().get('/nowhere')
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('Page not found')
    const json = await new Client().get('/nowhere', { Accept: 'application/json' })
    expect(json.status).toBe(404)
    expect(await json.json()).toEqual({ error: 'Page not found' })
  })

  it('sends / to log-in when signed out, and to the last organization when signed in', async () => {
    const res = await new Client().get('/')
    expect(res.headers.get('Location')).toBe('/login')
    const { client, slug } = await signUp()
    expect((await client.get('/')).headers.get('Location')).toBe(`/o/${slug}/leads`)
    expect((await client.get('/login')).headers.get('Location')).toBe(`/o/${slug}/leads`)
  })

  it('serves htmx from its own origin', async () => {
    const html = await (await signUp()).client.html('/signup')
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./)
    // Every script the page loads, located by its src: all of them are paths on this origin. htmx is the plain
    // copy, or its fingerprinted one once scripts/vendor.mjs has run (npm start, the browser tests).
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]!)
    expect(
      scripts.filter((src) => /^\/(vendor\/htmx\.min|assets\/htmx\.min\.[0-9a-f]{12})\.js$/.test(src)),
    ).toHaveLength(1)
    for (const src of scripts) expect(src).toMatch(/^\/[^/\\]/)
  })
})

describe('the cron trigger', () => {
  it('deletes expired sessions and finished login-throttle records', async () => {
    const { client } = await signUp()
    const id = await hashSessionId(client.cookies.get('leadpool_session')!)
    await db()
      .update(sessions)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(sessions.id, id))
    await db()
      .insert(loginAttempts)
      .values({ email: 'old@example.com', failures: 5, windowStartedAt: 0, lockedUntil: 1 })
    // A session and a lock still running, which the same sweep must keep.
    const live = await hashSessionId((await signUp()).client.cookies.get('leadpool_session')!)
    await db()
      .insert(loginAttempts)
      .values({ email: 'locked@example.com', failures: 5, windowStartedAt: 0, lockedUntil: Date.now() + 60_000 })
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env)
    expect(await db().select().from(sessions).where(eq(sessions.id, id)).get()).toBeUndefined()
    expect(await db().select().from(sessions).where(eq(sessions.id, live)).get()).toBeDefined()
    expect(await db().select().from(loginAttempts).where(eq(loginAttempts.email, 'old@example.com')).all()).toEqual([])
    expect((await db().select().from(loginAttempts).all()).map((r) => r.email)).toEqual(['locked@example.com'])
  })
})
