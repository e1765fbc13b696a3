/**
 * Rate limits (issue 8 §6) with the Workers Rate Limiting binding as miniflare runs it: per client
 * address for the public forms, per organization for invitations. The request after the limit answers
 * 429 with Retry-After and a message saying when to try again, never 5xx; other addresses and
 * organizations are not affected.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { App } from '../src/env'
import { clientAddress, rateLimit } from '../src/rate-limits'
import { Client, env, signUp, uniqueEmail } from './helpers'
import { pollUntil } from './poll'

/**
 * The binding's windows are aligned to the wall clock (60 s): start a burst early in a window, so
 * all of it falls into one.
 */
async function freshWindow() {
  await pollUntil(
    'a rate-limit window with 15 s left',
    () => {
      const into = Date.now() % 60_000
      if (into > 45_000) throw new Error(`${into} ms into the window`)
    },
    { timeoutMs: 16_000, intervalMs: 250 },
  )
}

/** Sends `count` requests with `send`, in order; answers their statuses. */
async function burst(count: number, send: (i: number) => Promise<Response>) {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push((await send(i)).status)
  return statuses
}

async function expectTooMany(res: Response, what: string) {
  expect(res.status).toBe(429)
  expect(res.headers.get('Retry-After')).toBe('60')
  const html = await res.text()
  expect(html).toContain(`Too many ${what} in a short time. Try again in a minute.`)
}

describe('per client address, on the public forms', () => {
  it('POST /signup: the 11th sign-up attempt in a minute answers 429; another address goes on', async () => {
    await freshWindow()
    const client = new Client()
    const statuses = await burst(10, () =>
      client.post('/signup', { name: '', email: 'x', password: '', organization: '' }),
    )
    expect(statuses.every((s) => s === 422)).toBe(true)
    await expectTooMany(await client.post('/signup', {}), 'sign-up attempts')
    // GET is not counted, and someone else is not limited.
    expect((await client.get('/signup')).status).toBe(200)
    const other = await new Client().post('/signup', { name: '', email: 'x', password: '', organization: '' })
    expect(other.status).toBe(422)
  })

  it('POST /login: the 21st attempt answers 429, on top of the per-email lock-out', async () => {
    await freshWindow()
    const client = new Client()
    const statuses = await burst(20, (i) => client.post('/login', { email: `nobody${i}@`, password: '' }))
    expect(statuses.every((s) => s === 422)).toBe(true)
    const { email, password } = await signUp()
    await expectTooMany(await client.post('/login', { email, password }), 'log-in attempts')
    expect((await new Client().post('/login', { email, password })).status).toBe(303)
  })

  it('POST /invite/{token}: counted with sign-ups (an account is created there)', async () => {
    await freshWindow()
    const client = new Client()
    await burst(10, () => client.post('/invite/not-a-token', { name: 'X', password: 'whatever-1' }))
    await expectTooMany(
      await client.post('/invite/not-a-token', { name: 'X', password: 'whatever-1' }),
      'sign-up attempts',
    )
  })

  it('POST /forgot-password and /reset-password/*: 5 a minute together, whether or not the routes exist yet', async () => {
    await freshWindow()
    const client = new Client()
    const statuses = await burst(5, (i) =>
      i % 2 ? client.post('/reset-password/x', { password: 'p' }) : client.post('/forgot-password', { email: 'a@b.c' }),
    )
    expect(statuses.every((s) => s !== 429 && s < 500)).toBe(true)
    await expectTooMany(await client.post('/forgot-password', { email: 'a@b.c' }), 'password-reset requests')
  })

  it('an htmx request over the limit gets the message as a page-alert fragment', async () => {
    await freshWindow()
    const client = new Client()
    await burst(20, () => client.post('/login', {}))
    const res = await client.post('/login', {}, { 'HX-Request': 'true' })
    expect(res.status).toBe(429)
    expect(res.headers.get('HX-Reswap')).toBe('none')
    const html = await res.text()
    expect(html).toMatch(/^<div id="page-alert"[^>]* hx-swap-oob="outerHTML"/)
    expect(html).toContain('Too many log-in attempts')
  })
})

describe('per organization, on invitations', () => {
  it('the 21st invitation in a minute answers 429; another organization goes on', async () => {
    await freshWindow()
    const owner = await signUp('Busy Co')
    const invite = (o: { client: Client; slug: string }) =>
      o.client.post(`/o/${o.slug}/team/invitations`, { email: uniqueEmail('invitee'), role: 'agent' })
    const statuses = await burst(20, () => invite(owner))
    expect(statuses.every((s) => s === 303)).toBe(true)
    // Another person of the same organization, from another address, is counted with it.
    const colleague = new Client()
    colleague.cookies = new Map(owner.client.cookies)
    await expectTooMany(await invite({ client: colleague, slug: owner.slug }), 'invitations')
    const other = await signUp('Quiet Co')
    expect((await invite(other)).status).toBe(303)
  })
})

describe('the factory', () => {
  it('lets the request through when the binding fails, instead of answering 5xx', async () => {
    const broken = { limit: () => Promise.reject(new Error('limiter down')) }
    const app = new Hono<App>()
      .use(rateLimit({ binding: 'LOGIN_LIMITER', period: 60, key: () => 'k', what: 'tries' }))
      .get('/', (c) => c.text('through'))
    const res = await app.request('/', {}, { ...env, LOGIN_LIMITER: broken })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('through')
  })

  it('counts IPv4 addresses one by one and IPv6 ones by their /64', async () => {
    const app = new Hono().get('/', (c) => c.text(clientAddress(c)))
    const key = async (ip?: string) =>
      (await app.request('/', { headers: ip ? { 'CF-Connecting-IP': ip } : {} })).text()
    expect(await key('203.0.113.7')).toBe('203.0.113.7')
    expect(await key('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(await key('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64')
    expect(await key('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(await key('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1')
    expect(await key()).toBe('unknown')
  })
})
