/**
 * Accounts a person can recover and a stranger cannot squat: sign-up proven by an emailed link,
 * forgot / reset password, /account (change password, log out everywhere), and session ids stored
 * hashed. Every answer about an address is the same whether or not it has an account.
 */
import { createScheduledController } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import worker from '../src/index'
import { openPasswordReset, requestPasswordReset, resetPassword, RESET_TTL_MS } from '../src/auth/password-reset'
import { hashSessionId } from '../src/auth/session-adapter'
import { completeSignup, openPendingSignup, requestSignup, SIGNUP_TTL_MS } from '../src/onboarding/signup'
import { createDb } from '../src/db/client'
import { emailOutbox, pendingSignups, sessions, users } from '../src/db/schema'
import { Refusal } from '../src/lib/errors'
import { hashToken } from '../src/lib/tokens'
import { Client, emailedLink, env, errorFor, invitationLink, ORIGIN, signUp, uniqueEmail } from './helpers'

const db = () => createDb(env.DB)
const mail = () => ({ appUrl: env.APP_URL, queue: env.EMAIL_QUEUE })
const form = (email: string) => ({ name: 'Sam Signer', email, password: 'long-enough-pw', organization: 'Squat Co' })

/** Every outbox email to `to` (normalized), oldest first. */
const emailsTo = (to: string) =>
  db()
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.to, to.trim().toLowerCase()))
    .orderBy(emailOutbox.createdAt)
    .all()

/** Expects `work` to be refused with 404. */
async function expect404(work: Promise<unknown>) {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Refusal)
  expect((error as Refusal).status).toBe(404)
}

/** The token of the newest link with `prefix` emailed to `to`. */
const tokenOf = async (to: string, prefix: string) => (await emailedLink(to, prefix)).slice(prefix.length)

describe('sign-up proves the address first', () => {
  it('answers new, registered, differently-written and pending addresses identically, with exactly one email each', async () => {
    const registered = await signUp('Real Owner Co')
    const pending = uniqueEmail('pending')
    await new Client().post('/signup', form(pending))
    const addresses = {
      fresh: uniqueEmail('fresh'),
      registered: registered.email,
      registeredShouting: `  ${registered.email.toUpperCase()} `,
      pending,
    }
    const before = Object.fromEntries(
      await Promise.all(Object.entries(addresses).map(async ([k, a]) => [k, (await emailsTo(a)).length] as const)),
    )
    const answers = []
    for (const address of Object.values(addresses)) {
      const res = await new Client().post('/signup', form(address))
      answers.push({ status: res.status, body: await res.text() })
    }
    expect(answers[0]!.status).toBe(200)
    expect(answers[0]!.body).toContain('Check your email')
    for (const answer of answers) expect(answer).toEqual(answers[0])

    // One email per request; both spellings of the registered address reach one mailbox (2 in all).
    const sent = { fresh: 1, registered: 2, registeredShouting: 2, pending: 1 }
    for (const [key, address] of Object.entries(addresses))
      expect((await emailsTo(address)).length - before[key]!, key).toBe(sent[key as keyof typeof sent])
    // The registered address got "you already have an account" twice, with log-in and reset links, no sign-up link.
    const toOwner = (await emailsTo(registered.email)).filter((e) => e.kind === 'signup-existing')
    expect(toOwner).toHaveLength(2)
    for (const email of toOwner) {
      expect(email.subject).toBe('You already have a Leadpool account')
      expect(email.text).toContain(`${env.APP_URL}/login`)
      expect(email.text).toContain(`${env.APP_URL}/forgot-password`)
      expect(email.html).toContain(`href="${env.APP_URL}/forgot-password"`)
      expect(email.text).not.toContain('/verify-email/')
    }
    // The fresh address got the sign-up link, and still has no account.
    const [toFresh] = await emailsTo(addresses.fresh)
    expect(toFresh).toMatchObject({ kind: 'signup-verification', orgId: null })
    expect(toFresh!.subject).toBe('Confirm your email to finish signing up for Leadpool')
    expect(toFresh!.text).toMatch(new RegExp(`${env.APP_URL}/verify-email/[A-Za-z0-9_-]{43}`))
    expect(toFresh!.text).toContain('Squat Co')
    expect(await db().select().from(users).where(eq(users.email, addresses.fresh)).get()).toBeUndefined()
    // No pending sign-up was written for the registered address; its password still works.
    expect(await db().select().from(pendingSignups).where(eq(pendingSignups.email, registered.email)).all()).toEqual([])
    const login = await new Client().post('/login', { email: registered.email, password: registered.password })
    expect(login.status).toBe(303)
  })

  it('keeps the pending sign-up in its own table with only hashes of the password and the token', async () => {
    const email = uniqueEmail('hashes')
    await new Client().post('/signup', form(email))
    const token = await tokenOf(email, '/verify-email/')
    const row = await db().select().from(pendingSignups).where(eq(pendingSignups.email, email)).get()
    expect(row).toMatchObject({ name: 'Sam Signer', organizationName: 'Squat Co', tokenHash: await hashToken(token) })
    expect(row!.passwordHash).toMatch(/^\$scrypt\$/)
    expect(JSON.stringify(row)).not.toContain('long-enough-pw')
    expect(JSON.stringify(row)).not.toContain(token)
    expect(row!.expiresAt - row!.createdAt).toBe(24 * 3600_000)
  })

  it('does not use the link up on GET; the POST works once, then the link answers 404', async () => {
    const email = uniqueEmail('once')
    const client = new Client()
    await client.post('/signup', form(email))
    const link = await emailedLink(email, '/verify-email/')
    for (let i = 0; i < 2; i++) {
      const page = await new Client().get(link)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain(`<form method="post" action="${link}">`)
      expect(html).toMatch(/<button type="submit">Finish sign-up<\/button>/)
    }
    const used = await client.post(link)
    expect(used.status).toBe(303)
    expect(used.headers.get('Location')).toBe('/o/squat-co/leads')
    expect((await client.get('/o/squat-co/leads')).status).toBe(200)
    const again = await new Client().post(link)
    expect(again.status).toBe(404)
    const deadPage = await again.text()
    expect(deadPage).toContain('This sign-up link no longer works')
    // The dead link's page says how to go on: sign up again.
    expect(deadPage).toContain('<a href="/signup">Sign up again</a>')
    expect((await new Client().get(link)).status).toBe(404)
    expect(await db().select().from(users).where(eq(users.email, email)).all()).toHaveLength(1)
  })

  it('expires the link after 24 hours (domain, with `now`) and answers 404 for an expired row (HTTP)', async () => {
    const email = uniqueEmail('expiry')
    const now = Date.now()
    await requestSignup(db(), form(email), mail(), now)
    const token = await tokenOf(email, '/verify-email/')
    expect((await openPendingSignup(db(), token, now + SIGNUP_TTL_MS - 1)).email).toBe(email)
    await expect404(openPendingSignup(db(), token, now + SIGNUP_TTL_MS))
    await expect404(completeSignup(env, db(), token, now + SIGNUP_TTL_MS))
    expect(await db().select().from(users).where(eq(users.email, email)).get()).toBeUndefined()

    await db()
      .update(pendingSignups)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(pendingSignups.email, email))
    expect((await new Client().get(`/verify-email/${token}`)).status).toBe(404)
    expect((await new Client().post(`/verify-email/${token}`)).status).toBe(404)
    expect(await db().select().from(users).where(eq(users.email, email)).get()).toBeUndefined()
  })

  it('makes every other pending link of the address dead once one is used', async () => {
    const email = uniqueEmail('twice')
    await new Client().post('/signup', form(email))
    const first = await emailedLink(email, '/verify-email/')
    await new Client().post('/signup', { ...form(email), organization: 'Second Try' })
    const second = await emailedLink(email, '/verify-email/')
    expect(second).not.toBe(first)
    expect((await new Client().post(second)).headers.get('Location')).toBe('/o/second-try/leads')
    expect((await new Client().post(first)).status).toBe(404)
    expect(await db().select().from(pendingSignups).where(eq(pendingSignups.email, email)).all()).toEqual([])
  })

  it('lets the real owner of an address a stranger signed up with create their own account when invited', async () => {
    const victim = uniqueEmail('victim')
    // A stranger signs up with the victim's address: no account exists, only an email to the victim.
    expect((await new Client().post('/signup', form(victim))).status).toBe(200)
    expect(await db().select().from(users).where(eq(users.email, victim)).get()).toBeUndefined()
    const strangersLink = await emailedLink(victim, '/verify-email/')
    // Invited later, the victim is asked to create their account, not told one exists.
    const { client: owner, slug } = await signUp('Inviting Org')
    await owner.post(`/o/${slug}/team/invitations`, { email: victim, role: 'agent' })
    const invite = await new Client().html(await invitationLink(victim))
    expect(invite).toContain('Create account and join')
    expect(invite).not.toContain('You already have a Leadpool account')
    const joined = await new Client().post(await invitationLink(victim), { name: 'Vic', password: 'victims-own-pw' })
    expect(joined.status).toBe(303)
    // The link of the stranger's sign-up is dead now: it creates nothing, and the victim's password stands.
    expect((await new Client().post(strangersLink)).status).toBe(404)
    expect(await db().select().from(users).where(eq(users.email, victim)).all()).toHaveLength(1)
    expect((await new Client().post('/login', { email: victim, password: 'victims-own-pw' })).status).toBe(303)
    expect((await new Client().post('/login', { email: victim, password: 'long-enough-pw' })).status).toBe(401)
  })

  it('answers 404 to malformed and unknown tokens, malformed ones before any database query', async () => {
    let queries = 0
    const counted = new Proxy(env.DB, {
      get(target, key) {
        if (key === 'prepare' || key === 'batch' || key === 'exec') queries++
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} }
    const call = (method: string, path: string) =>
      buildApp().fetch(
        new Request(`${ORIGIN}${path}`, {
          method,
          headers: { Origin: ORIGIN },
          body: method === 'POST' ? new URLSearchParams({ password: 'long-enough-pw' }) : undefined,
        }),
        { ...env, DB: counted },
        ctx,
      )
    for (const prefix of ['/verify-email/', '/reset-password/']) {
      for (const bad of ['short', 'x'.repeat(44), `${'a'.repeat(42)}%21`, `${'a'.repeat(42)}.`]) {
        for (const method of ['GET', 'POST']) {
          queries = 0
          const res = await call(method, prefix + bad)
          expect(res.status, `${method} ${prefix}${bad}`).toBe(404)
          expect(queries, `${method} ${prefix}${bad} queried the database`).toBe(0)
        }
      }
      for (const method of ['GET', 'POST']) expect((await call(method, `${prefix}${'A'.repeat(43)}`)).status).toBe(404)
    }
  })

  it('gives a signed-in person another organization at once, from /signup or /orgs, without email', async () => {
    const { client, email } = await signUp('First Org')
    const before = (await emailsTo(email)).length
    const res = await client.post('/signup', { organization: 'Second Org' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/o/second-org/leads')
    expect((await client.get('/o/second-org/leads')).status).toBe(200)
    const other = await client.post('/orgs', { organization: 'Third Org' })
    expect(other.headers.get('Location')).toBe('/o/third-org/leads')
    expect((await emailsTo(email)).length).toBe(before)
    const blank = await client.post('/signup', { organization: ' ' })
    expect(blank.status).toBe(422)
    expect(errorFor(await blank.text(), 'organization')).toBe('Name your organization')
  })
})

describe('forgot password', () => {
  it('answers every address the same, and emails a reset link only to an account', async () => {
    const { email } = await signUp()
    const unknown = uniqueEmail('nobody')
    const answers = []
    for (const address of [email, unknown, ` ${email.toUpperCase()}`]) {
      const res = await new Client().post('/forgot-password', { email: address })
      answers.push({ status: res.status, body: await res.text() })
    }
    expect(answers[0]!.status).toBe(200)
    expect(answers[0]!.body).toContain('Check your email')
    for (const answer of answers) expect(answer).toEqual(answers[0])
    const resets = (await emailsTo(email)).filter((e) => e.kind === 'password-reset')
    expect(resets).toHaveLength(2)
    expect(resets[0]!.subject).toBe('Reset your Leadpool password')
    expect(resets[0]!.text).toMatch(new RegExp(`${env.APP_URL}/reset-password/[A-Za-z0-9_-]{43}`))
    expect(await emailsTo(unknown)).toEqual([])
    const invalid = await new Client().post('/forgot-password', { email: 'not-an-email' })
    expect(invalid.status).toBe(422)
    expect(errorFor(await invalid.text(), 'email')).toBe('Enter a valid email address')
  })

  it('is linked from the log-in page', async () => {
    const login = await new Client().html('/login')
    expect(login).toContain('<a href="/forgot-password">Forgot password?</a>')
    expect(await new Client().html('/forgot-password')).toContain('<form method="post" action="/forgot-password"')
  })

  it('sets a new password once: old one fails, new one works, every other session ends, the link dies', async () => {
    const { client: first, slug, email, password } = await signUp('Reset Org')
    const second = new Client()
    expect((await second.post('/login', { email, password })).status).toBe(303)
    const stranger = new Client()
    await stranger.post('/forgot-password', { email })
    const link = await emailedLink(email, '/reset-password/')
    expect(await db().select().from(users).where(eq(users.email, email)).get()).toBeTruthy()
    for (let i = 0; i < 2; i++) expect((await stranger.get(link)).status).toBe(200) // GET does not use it up

    const short = await stranger.post(link, { password: 'short' })
    expect(short.status).toBe(422)
    expect(errorFor(await short.text(), 'password')).toBe('Use at least 10 characters')

    const done = await stranger.post(link, { password: 'brand-new-password' })
    expect(done.status).toBe(303)
    // Signed in on this browser; `/` takes it to its organization (auth does not know organizations).
    expect(done.headers.get('Location')).toBe('/')
    expect((await stranger.get('/')).headers.get('Location')).toBe(`/o/${slug}/leads`)
    expect((await stranger.get(`/o/${slug}/leads`)).status).toBe(200)
    for (const old of [first, second])
      expect((await old.get(`/o/${slug}/leads`)).headers.get('Location')).toMatch(/^\/login/)
    expect((await new Client().post('/login', { email, password })).status).toBe(401)
    expect((await new Client().post('/login', { email, password: 'brand-new-password' })).status).toBe(303)
    expect((await new Client().post(link, { password: 'another-new-password' })).status).toBe(404)
    const dead = await new Client().get(link)
    expect(dead.status).toBe(404)
    // The used link's page leads to a new one rather than a dead end.
    expect(await dead.text()).toContain('<a href="/forgot-password">Ask for a new reset link</a>')
    expect((await new Client().post('/login', { email, password: 'another-new-password' })).status).toBe(401)
  })

  it('expires the link after 1 hour (domain, with `now`) and answers 404 for an expired row (HTTP)', async () => {
    const { email, password } = await signUp()
    const now = Date.now()
    await requestPasswordReset(db(), email, mail(), now)
    const token = await tokenOf(email, '/reset-password/')
    expect((await openPasswordReset(db(), token, now + RESET_TTL_MS - 1)).email).toBe(email)
    await expect404(openPasswordReset(db(), token, now + RESET_TTL_MS))
    await expect404(resetPassword(db(), token, 'too-late-password', now + RESET_TTL_MS))
    expect((await new Client().post('/login', { email, password })).status).toBe(303)

    await env.DB.prepare('UPDATE password_resets SET expires_at = ? WHERE token_hash = ?')
      .bind(Date.now() - 1, await hashToken(token))
      .run()
    expect((await new Client().get(`/reset-password/${token}`)).status).toBe(404)
    expect((await new Client().post(`/reset-password/${token}`, { password: 'too-late-password' })).status).toBe(404)
    expect((await new Client().post('/login', { email, password })).status).toBe(303)
  })

  it('lets only one of two uses of one link at the same time change the password', async () => {
    const { email } = await signUp()
    await new Client().post('/forgot-password', { email })
    const link = await emailedLink(email, '/reset-password/')
    const [a, b] = await Promise.all([
      new Client().post(link, { password: 'first-new-password' }),
      new Client().post(link, { password: 'second-new-password' }),
    ])
    expect([a.status, b.status].sort()).toEqual([303, 404])
    const winner = a.status === 303 ? 'first-new-password' : 'second-new-password'
    expect((await new Client().post('/login', { email, password: winner })).status).toBe(303)
  })
})

describe('/account', () => {
  it('shows name, email and the number of active sessions, linked from the name in the top bar', async () => {
    const { client, slug, email, password } = await signUp('Account Org', 'Ada Account')
    expect(await client.html(`/o/${slug}/leads`)).toMatch(/<a href="\/account"[^>]*>Ada Account<\/a>/)
    await new Client().post('/login', { email, password })
    const page = await client.html('/account')
    expect(page).toContain('<dd data-account-field="name">Ada Account</dd>')
    expect(page).toContain(`<dd data-account-field="email">${email}</dd>`)
    expect(page).toContain('data-session-count="2"')
    const visitor = new Client()
    const signedOut = await visitor.get('/account')
    expect(signedOut.status).toBe(303)
    expect(signedOut.headers.get('Location')).toBe('/login?next=%2Faccount')
    expect(await visitor.html('/login?next=%2Faccount')).toContain('value="/account"')
    const back = await visitor.post('/login', { email, password, next: '/account' })
    expect(back.headers.get('Location')).toBe('/account') // back where they asked to go
  })

  it('changes the password only with the right current one, ending the other sessions and keeping this one', async () => {
    const { client, slug, email, password } = await signUp()
    const other = new Client()
    await other.post('/login', { email, password })

    const wrong = await client.post('/account', {
      currentPassword: 'not-my-password',
      newPassword: 'changed-password-1',
    })
    expect(wrong.status).toBe(422)
    expect(errorFor(await wrong.text(), 'currentPassword')).toBe('That is not your current password.')
    expect((await other.get(`/o/${slug}/leads`)).status).toBe(200) // nothing changed
    expect((await new Client().post('/login', { email, password: 'changed-password-1' })).status).toBe(401)

    const invalid = await client.post('/account', { currentPassword: '', newPassword: 'short' })
    expect(invalid.status).toBe(422)
    const html = await invalid.text()
    expect(errorFor(html, 'currentPassword')).toBe('Enter your current password')
    expect(errorFor(html, 'newPassword')).toBe('Use at least 10 characters')

    const ok = await client.post('/account', { currentPassword: password, newPassword: 'changed-password-1' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('Location')).toBe('/account?done=password')
    expect(await client.html('/account?done=password')).toContain('Password changed')
    expect((await client.get(`/o/${slug}/leads`)).status).toBe(200) // this session stays
    expect((await other.get(`/o/${slug}/leads`)).headers.get('Location')).toMatch(/^\/login/)
    expect((await new Client().post('/login', { email, password })).status).toBe(401)
    expect((await new Client().post('/login', { email, password: 'changed-password-1' })).status).toBe(303)
  })

  it('logs out everywhere: every session of the account ends, this one included', async () => {
    const { client, slug, email, password } = await signUp()
    const other = new Client()
    await other.post('/login', { email, password })
    const bystander = await signUp('Bystander Org')
    const res = await client.post('/account/sessions/revoke')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/login')
    expect(client.cookies.has('leadpool_session')).toBe(false)
    const user = await db().select().from(users).where(eq(users.email, email)).get()
    expect(await db().select().from(sessions).where(eq(sessions.userId, user!.id)).all()).toEqual([])
    for (const c of [client, other])
      expect((await c.get(`/o/${slug}/leads`)).headers.get('Location')).toMatch(/^\/login/)
    expect((await bystander.client.get(`/o/${bystander.slug}/leads`)).status).toBe(200) // others are untouched
  })
})

describe('sessions stored hashed', () => {
  it('keeps no working cookie value in the sessions table', async () => {
    const { client, slug, email } = await signUp()
    const cookie = client.cookies.get('leadpool_session')!
    const user = await db().select().from(users).where(eq(users.email, email)).get()
    const rows = await db().select().from(sessions).where(eq(sessions.userId, user!.id)).all()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.id).not.toBe(cookie)
    expect(rows[0]!.id).toBe(await hashSessionId(cookie))
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/)
    const thief = new Client()
    thief.cookies.set('leadpool_session', rows[0]!.id)
    const res = await thief.get(`/o/${slug}/leads`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toMatch(/^\/login/)
    expect((await client.get(`/o/${slug}/leads`)).status).toBe(200)
    expect(
      await db()
        .select()
        .from(sessions)
        .where(and(eq(sessions.id, cookie)))
        .get(),
    ).toBeUndefined()
  })
})

describe('clean-up', () => {
  it('lets the cron delete expired sign-up and reset links, keeping live ones', async () => {
    const { email } = await signUp()
    const pendingEmail = uniqueEmail('pending-cron')
    await new Client().post('/signup', form(pendingEmail))
    await new Client().post('/forgot-password', { email })
    const live = { signup: uniqueEmail('live-cron') }
    await new Client().post('/signup', form(live.signup))
    await db().update(pendingSignups).set({ expiresAt: 1 }).where(eq(pendingSignups.email, pendingEmail))
    await env.DB.prepare('UPDATE password_resets SET expires_at = 1').run()
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env)
    expect(await db().select().from(pendingSignups).where(eq(pendingSignups.email, pendingEmail)).all()).toEqual([])
    expect(await db().select().from(pendingSignups).where(eq(pendingSignups.email, live.signup)).all()).toHaveLength(1)
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM password_resets').first<{ n: number }>()).toEqual({ n: 0 })
  })
})
