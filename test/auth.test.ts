import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { createDb } from '../src/db/client'
import { memberships, organizations, sessions, users } from '../src/db/schema'
import { Client, createLead, env, errorFor, leadIds, ORIGIN, signUp, uniqueEmail } from './helpers'

const db = () => createDb(env.DB)

describe('sign-up', () => {
  it('creates the user, an organization with a slug and an Owner membership, and signs in', async () => {
    const client = new Client()
    const email = uniqueEmail('New.Person')
    const res = await client.post('/signup', {
      name: 'Nora Seller',
      email: `  ${email.toUpperCase()} `,
      password: 'long-enough-pw',
      organization: 'Nordic Sales AB',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/o/nordic-sales-ab/leads')
    const user = await db().select().from(users).where(eq(users.email, email.toLowerCase())).get()
    expect(user?.name).toBe('Nora Seller')
    expect(user?.passwordHash).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/)
    const org = await db().select().from(organizations).where(eq(organizations.slug, 'nordic-sales-ab')).get()
    expect(org?.name).toBe('Nordic Sales AB')
    const member = await db().select().from(memberships).where(eq(memberships.userId, user!.id)).get()
    expect(member).toMatchObject({ orgId: org!.id, role: 'owner', status: 'active' })
    // Signed in: the organization opens.
    expect((await client.get('/o/nordic-sales-ab/leads')).status).toBe(200)
  })

  it('gives a second organization of the same name its own slug', async () => {
    const a = await signUp('Same Name Inc')
    const b = await signUp('Same Name Inc')
    expect(a.slug).toBe('same-name-inc')
    expect(b.slug).toBe('same-name-inc-2')
  })

  it('sets the session cookie HttpOnly and SameSite=Lax, and Secure outside local development', async () => {
    const form = () =>
      new Request(`${ORIGIN}/signup`, {
        method: 'POST',
        headers: { Origin: ORIGIN },
        body: new URLSearchParams({
          name: 'C',
          email: uniqueEmail(),
          password: 'long-enough-pw',
          organization: 'Cookie Co',
        }),
      })
    const local = await buildApp().fetch(form(), env, { waitUntil() {}, passThroughOnException() {}, props: {} })
    const cookie = local.headers.get('Set-Cookie')!
    expect(cookie).toMatch(/leadpool_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Secure/i)
    const prod = await buildApp().fetch(
      form(),
      { ...env, APP_ENV: 'production' },
      { waitUntil() {}, passThroughOnException() {}, props: {} },
    )
    expect(prod.headers.get('Set-Cookie')).toMatch(/Secure/i)
  })

  it('refuses an email that is already registered, compared case-insensitively', async () => {
    const { email } = await signUp()
    const res = await new Client().post('/signup', {
      name: 'Copy',
      email: email.toUpperCase(),
      password: 'long-enough-pw',
      organization: 'Other',
    })
    expect(res.status).toBe(422)
    expect(errorFor(await res.text(), 'email')).toMatch(/already exists/)
  })

  it('shows a message per invalid field and keeps what was typed', async () => {
    const res = await new Client().post('/signup', {
      name: '',
      email: 'not-an-email',
      password: 'short',
      organization: 'Kept Org',
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'name')).toBe('Enter your name')
    expect(errorFor(html, 'email')).toBe('Enter a valid email address')
    expect(errorFor(html, 'password')).toBe('Use at least 10 characters')
    expect(errorFor(html, 'organization')).toBeNull()
    expect(html).toContain('value="Kept Org"')
    expect(html).not.toContain('value="short"') // a password is never echoed back
    const passwordInput = /<input[^>]*name="password"[^>]*>/.exec(html)
    expect(passwordInput).not.toBeNull()
    expect(passwordInput![0]).not.toMatch(/value="[^"]/)
  })

  it('answers 422 with messages when fields are missing entirely', async () => {
    const res = await new Client().post('/signup', {})
    expect(res.status).toBe(422)
    const html = await res.text()
    for (const field of ['name', 'email', 'password', 'organization']) expect(errorFor(html, field)).not.toBeNull()
  })
})

describe('log-in and log-out', () => {
  it('logs in with any capitalisation of the email and lands in the last organization used', async () => {
    const { email, password, slug } = await signUp('Landing Org')
    const client = new Client()
    const res = await client.post('/login', { email: email.toUpperCase(), password })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(`/o/${slug}/leads`)
    expect((await client.get(`/o/${slug}/leads`)).status).toBe(200)
  })

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const { email } = await signUp()
    const wrong = await new Client().post('/login', { email, password: 'wrong-password' })
    const unknown = await new Client().post('/login', { email: uniqueEmail('nobody'), password: 'whatever-pw' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const message = 'That email and password do not match an account.'
    expect(await wrong.text()).toContain(message)
    expect(await unknown.text()).toContain(message)
  })

  it('refuses log-in for an email after 5 failures, even with the right password (429)', async () => {
    const { email, password } = await signUp()
    const client = new Client()
    for (let i = 0; i < 5; i++)
      expect((await client.post('/login', { email, password: `wrong-${i}-password` })).status).toBe(401)
    const locked = await client.post('/login', { email: email.toUpperCase(), password })
    expect(locked.status).toBe(429)
    expect(locked.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(await locked.text()).toMatch(/Too many failed attempts/)
  })

  it('clears failures after a successful log-in', async () => {
    const { email, password } = await signUp()
    const client = new Client()
    for (let i = 0; i < 4; i++) await client.post('/login', { email, password: 'wrong-password' })
    expect((await client.post('/login', { email, password })).status).toBe(303)
    for (let i = 0; i < 4; i++) await client.post('/login', { email, password: 'wrong-password' })
    expect((await client.post('/login', { email, password })).status).toBe(303)
  })

  it('log-out ends the session: the old cookie no longer opens the organization', async () => {
    const { client, slug } = await signUp()
    const stolen = new Client()
    stolen.cookies = new Map(client.cookies)
    const res = await client.post('/logout')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/login')
    const after = await stolen.get(`/o/${slug}/leads`)
    expect(after.status).toBe(303)
    expect(after.headers.get('Location')).toMatch(/^\/login/)
  })

  it('validates the log-in form (422 with messages)', async () => {
    const res = await new Client().post('/login', { email: 'nope', password: '' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'email')).toBe('Enter a valid email address')
    expect(errorFor(html, 'password')).toBe('Enter your password')
  })
})

describe('sessions', () => {
  it('expire: a session past its expiry is refused and its cookie cleared', async () => {
    const { client, slug } = await signUp()
    expect(client.cookies.has('leadpool_session')).toBe(true)
    await db()
      .update(sessions)
      .set({ expiresAt: Date.now() - 1000 })
    const res = await client.get(`/o/${slug}/leads`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toMatch(/^\/login/)
    expect(client.cookies.has('leadpool_session')).toBe(false)
  })

  it('renew: a session in the second half of its life is extended and its cookie re-sent', async () => {
    const { client, slug } = await signUp()
    const id = client.cookies.get('leadpool_session')!
    const soon = Date.now() + 5 * 24 * 3600_000
    await db().update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, id))
    const res = await client.get(`/o/${slug}/leads`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Set-Cookie')).toMatch(/leadpool_session=/)
    const row = await db().select().from(sessions).where(eq(sessions.id, id)).get()
    expect(row!.expiresAt).toBeGreaterThan(soon + 20 * 24 * 3600_000)
  })
})

describe('CSRF', () => {
  it('refuses a form post from another origin or without an Origin header', async () => {
    const { client, slug } = await signUp()
    const cross = await client.post(`/o/${slug}/leads`, { name: 'Forged' }, { Origin: 'https://evil.example' })
    expect(cross.status).toBe(403)
    const none = await client.request(`/o/${slug}/leads`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Forged' }),
      headers: { Origin: '' },
    })
    expect(none.status).toBe(403)
    const list = await client.html(`/o/${slug}/leads`)
    expect(list).not.toContain('Forged')
    // The same post from the page's own origin is accepted and then listed.
    const same = await createLead(client, slug, { name: 'Forged' })
    const after = await client.html(`/o/${slug}/leads`)
    expect(leadIds(after)).toEqual([same])
    expect(after).toContain('Forged')
  })
})

describe('returning after log-in', () => {
  it('brings a signed-out visitor back to the page they asked for, and only inside Leadpool', async () => {
    const { email, password, slug } = await signUp()
    const client = new Client()
    const asked = await client.get(`/o/${slug}/leads?q=acme`)
    const loginPath = asked.headers.get('Location')!
    expect(loginPath).toBe(`/login?next=${encodeURIComponent(`/o/${slug}/leads?q=acme`)}`)
    const form = await client.html(loginPath)
    expect(form).toContain(`<input type="hidden" name="next" value="/o/${slug}/leads?q=acme"/>`)
    const res = await client.post('/login', { email, password, next: `/o/${slug}/leads/new` })
    expect(res.headers.get('Location')).toBe(`/o/${slug}/leads/new`)
    for (const next of ['https://evil.example/o/x', '//evil.example/o/x', '/\\evil.example']) {
      const other = await new Client().post('/login', { email, password, next })
      expect(other.headers.get('Location')).toBe(`/o/${slug}/leads`)
    }
  })
})

describe('hardening', () => {
  it('checks at most 5 passwords for one email even when attempts arrive at the same time', async () => {
    const { email, password } = await signUp()
    const attempts = Array.from({ length: 12 }, (_, i) =>
      new Client().post('/login', { email, password: `wrong-${i}-password` }),
    )
    const statuses = (await Promise.all(attempts)).map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(7)
    expect((await new Client().post('/login', { email, password })).status).toBe(429)
  })

  it('never redirects after log-in to a path with control characters', async () => {
    const { email, password, slug } = await signUp()
    for (const next of [`/o/${slug}\r\nX: 1`, `/o/${slug}\u0000`]) {
      const res = await new Client().post('/login', { email, password, next })
      expect(res.headers.get('Location')).toBe(`/o/${slug}/leads`)
    }
  })

  it('refuses state-changing requests whose body is not a form (415), so CSRF checks always apply', async () => {
    const { client } = await signUp()
    const res = await client.request('/logout', {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
    })
    expect(res.status).toBe(415)
    expect(client.cookies.has('leadpool_session')).toBe(true)
  })

  it('marks pages private, not to be stored, and varying with HX-Request', async () => {
    const { client, slug } = await signUp()
    const res = await client.get(`/o/${slug}/leads`)
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    expect(res.headers.get('Vary')).toMatch(/HX-Request/)
  })

  it('shows a signed-in visitor of /signup how to create another organization for the same account', async () => {
    const { client } = await signUp('First Org')
    const page = await client.html('/signup')
    expect(page).toContain('Create another organization')
    const res = await client.post('/orgs', { organization: 'Second Org' })
    expect(res.headers.get('Location')).toBe('/o/second-org/leads')
    const list = await client.html('/o/second-org/leads')
    expect(list).toContain('First Org') // the switcher links back
    expect((await client.post('/orgs', { organization: ' ' })).status).toBe(422)
  })

  it('sends /o/{slug} to the organization’s leads', async () => {
    const { client, slug } = await signUp()
    expect((await client.get(`/o/${slug}`)).headers.get('Location')).toBe(`/o/${slug}/leads`)
  })

  it('explains a refused cross-site form post instead of showing a blank error', async () => {
    const { client, slug } = await signUp()
    const res = await client.post(`/o/${slug}/leads`, { name: 'X' }, { Origin: 'http://localhost:9999' })
    expect(res.status).toBe(403)
    expect(await res.text()).toMatch(/sent from another site or an outdated page/)
  })
})
