/**
 * D1 Sessions API (src/db/d1-session.ts): every request reads through a session that starts at the
 * bookmark the person's previous request left in a cookie, so they always see their own writes even
 * when reads go to a read replica.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { timing } from 'hono/timing'
import { BOOKMARK_COOKIE, d1Session } from '../src/db/d1-session'
import { createLead, env, leadIds, signUp } from './helpers'

describe('D1 sessions', () => {
  it('a write followed by a read in the next request sees the write, through the bookmark cookie', async () => {
    const { client, slug } = await signUp()
    const id = await createLead(client, slug, { name: 'Read My Write' })
    const bookmark = client.cookies.get(BOOKMARK_COOKIE)
    expect(bookmark).toMatch(/^[0-9a-f-]+$/i)
    // The next request carries the bookmark and sees the lead.
    expect(leadIds(await client.html(`/o/${slug}/leads`))).toEqual([id])
    await client.post(`/o/${slug}/leads/${id}/status`, { status: 'won' })
    expect(await client.html(`/o/${slug}/leads/${id}`)).toContain('Won')
  })

  it('starts each request at the bookmark the cookie carries; without one (or a malformed one), unconstrained for reads and at the primary for writes', async () => {
    const started: string[] = []
    const fakeDb = {
      withSession(start: string) {
        started.push(start)
        return { getBookmark: () => '0000000b-00000002-00004f57-abc', prepare: () => null, batch: () => null }
      },
    }
    const app = new Hono()
    app.use('*', d1Session())
    app.get('/', (c) => c.text('ok'))
    app.post('/', (c) => c.text('ok'))
    const call = async (method: string, cookie?: string) => {
      const headers = cookie ? { Cookie: `${BOOKMARK_COOKIE}=${cookie}` } : undefined
      return app.request('/', { method, headers }, { DB: fakeDb, APP_ENV: 'production' })
    }
    const first = await call('GET')
    expect(first.headers.get('Set-Cookie')).toMatch(
      new RegExp(`^${BOOKMARK_COOKIE}=0000000b-00000002-00004f57-abc;.*HttpOnly; Secure; SameSite=Lax`),
    )
    await call('POST')
    await call('GET', '0000000a-00000001-00004f57-def')
    await call('GET', 'not a bookmark; drop table')
    // The same bookmark as the session's: no cookie sent again.
    expect((await call('GET', '0000000b-00000002-00004f57-abc')).headers.get('Set-Cookie')).toBeNull()
    expect(started).toEqual([
      'first-unconstrained',
      'first-primary',
      '0000000a-00000001-00004f57-def',
      'first-unconstrained',
      '0000000b-00000002-00004f57-abc',
    ])
  })

  it('in local development, Server-Timing says how many statements a request sent to D1 and how long they took; a batch counts once', async () => {
    const { client, slug } = await signUp()
    const d1 = (res: Response) => {
      const header = res.headers.get('Server-Timing') ?? ''
      const m = /(?:^|, *)d1;dur=([\d.]+);desc="(\d+) statements"/.exec(header)
      expect(m, header).not.toBeNull()
      expect(header).toMatch(/(^|, *)total;dur=[\d.]+/)
      return { ms: Number(m![1]), statements: Number(m![2]) }
    }
    const list = d1(await client.get(`/o/${slug}/leads`))
    expect(list.statements).toBeGreaterThanOrEqual(3) // the session, the membership, the page
    expect(list.ms).toBeGreaterThanOrEqual(0)
    // A lead is written (a D1 batch) through the timed session, and is then there.
    const created = d1(
      await client.post(`/o/${slug}/leads`, { name: 'Timed Lead', email: 'timed@example.com', status: 'new' }),
    )
    expect(created.statements).toBeGreaterThanOrEqual(3)
    expect(await client.html(`/o/${slug}/leads`)).toContain('Timed Lead')
    // The badge's poll every few seconds: the session and the membership, which carries the unread count.
    expect(d1(await client.get(`/o/${slug}/notifications/count`, { 'HX-Request': 'true' })).statements).toBe(2)
    // A page that reads more sends more statements.
    const [id] = leadIds(await client.html(`/o/${slug}/leads`))
    expect(d1(await client.get(`/o/${slug}/leads/${id}`)).statements).toBeGreaterThan(list.statements)
  })

  it('sends no Server-Timing outside local development', async () => {
    const fakeDb = {
      withSession: () => ({ getBookmark: () => null, prepare: () => null, batch: () => null }),
    }
    const app = new Hono()
    app.use('*', timing({ enabled: (c) => (c.env as { APP_ENV: string }).APP_ENV === 'development' }))
    app.use('*', d1Session())
    app.get('/', (c) => c.text('ok'))
    const production = await app.request('/', {}, { DB: fakeDb, APP_ENV: 'production' })
    expect(production.headers.get('Server-Timing')).toBeNull()
    const development = await app.request('/', {}, { DB: fakeDb, APP_ENV: 'development' })
    expect(development.headers.get('Server-Timing')).toMatch(/d1;dur=0(\.0)?;desc="0 statements"/)
  })

  it('runs the real binding through a session (local D1 supports withSession)', async () => {
    const session = env.DB.withSession('first-primary')
    expect(await session.prepare('SELECT 1 AS one').first('one')).toBe(1)
    expect(typeof session.getBookmark()).toBe('string')
  })
})
