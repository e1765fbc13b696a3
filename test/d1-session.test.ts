/**
 * D1 Sessions API (src/db/d1-session.ts): every request reads through a session that starts at the
 * bookmark the person's previous request left in a cookie, so they always see their own writes even
 * when reads go to a read replica.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
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

  it('runs the real binding through a session (local D1 supports withSession)', async () => {
    const session = env.DB.withSession('first-primary')
    expect(await session.prepare('SELECT 1 AS one').first('one')).toBe(1)
    expect(typeof session.getBookmark()).toBe('string')
  })
})
