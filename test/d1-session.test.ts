/**
 * D1 Sessions API (src/db/d1-session.ts): every request reads through a session that starts at the
 * bookmark the person's previous request left in a cookie, so they always see their own writes even
 * when reads go to a read replica.
 */
import { Hono } from 'hono'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { timing } from 'hono/timing'
import { BOOKMARK_COOKIE, d1Session } from '../src/db/d1-session'
import { timedD1 } from '../src/db/d1-timing'
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
      const total = /(?:^|, *)total;dur=([\d.]+)/.exec(header)
      expect(m, header).not.toBeNull()
      expect(total, header).not.toBeNull()
      // D1's part is a part of the request (how it is counted: the generated timelines below).
      expect(Number(m![1]), header).toBeLessThanOrEqual(Number(total![1]))
      return { ms: Number(m![1]), statements: Number(m![2]) }
    }
    const list = d1(await client.get(`/o/${slug}/leads`))
    expect(list.statements).toBeGreaterThanOrEqual(3) // the session, the membership, the page
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

  it('counts every statement and a batch once, and times D1 as the time any statement is in flight (generated timelines)', async () => {
    type Kind = 'all' | 'first' | 'run' | 'raw' | 'batch'
    const call = fc.record({
      startMs: fc.integer({ min: 0, max: 100 }),
      takesMs: fc.integer({ min: 0, max: 40 }),
      kind: fc.constantFrom<Kind>('all', 'first', 'run', 'raw', 'batch'),
    })
    let now = 0
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now)
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), async (calls) => {
          // A fake session whose every statement answers when the timeline says so.
          const answers: (() => void)[] = []
          const answered = () => new Promise<never>((resolve) => answers.push(() => resolve(null as never)))
          const statement = () => {
            const real = { fake: true, all: answered, first: answered, run: answered, raw: answered, bind: () => real }
            return real
          }
          const session = {
            prepare: statement,
            batch: (statements: object[]) => {
              expect(
                statements.every((s) => Object.hasOwn(s, 'fake')),
                'D1 gets its own statements',
              ).toBe(true)
              return answered()
            },
            getBookmark: () => null,
          }
          const use = { statements: 0, busyMs: 0 }
          const timed = timedD1(session, use)
          const send = (kind: Kind): Promise<unknown> => {
            if (kind === 'batch') return timed.batch([timed.prepare('SELECT 1'), timed.prepare('SELECT 2').bind(1)])
            const statement = timed.prepare('SELECT 1').bind(1)
            return kind === 'first' ? statement.first() : statement[kind]()
          }
          // Sends and answers, in the order of the timeline (a call sent and answered at once: sent first).
          const events = calls
            .flatMap((c, i) => [
              { at: c.startMs, i, send: true },
              { at: c.startMs + c.takesMs, i, send: false },
            ])
            .sort((a, b) => a.at - b.at || Number(b.send) - Number(a.send))
          const inFlight: Promise<unknown>[] = []
          const answerOf: (() => void)[] = []
          for (const event of events) {
            now = event.at
            if (event.send) {
              inFlight[event.i] = send(calls[event.i]!.kind)
              answerOf[event.i] = answers.at(-1)!
            } else {
              answerOf[event.i]!()
              await inFlight[event.i]
            }
          }
          // The length of the union of the calls' intervals.
          let busyMs = 0
          let until = -Infinity
          for (const c of [...calls].sort((a, b) => a.startMs - b.startMs)) {
            const end = c.startMs + c.takesMs
            busyMs += Math.max(0, end - Math.max(c.startMs, until))
            until = Math.max(until, end)
          }
          expect(use).toEqual({ statements: calls.length, busyMs })
        }),
        { numRuns: 200 },
      )
    } finally {
      clock.mockRestore()
    }
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
