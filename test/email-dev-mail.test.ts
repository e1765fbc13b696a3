/**
 * Email content and the local mailbox: the invitation template (text and escaped HTML), and
 * /_dev/mail showing captured emails with working links, only in development.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import type { App, Env } from '../src/env'
import { devMailRoutes } from '../src/email/dev-mail'
import { handleEmailBatch } from '../src/email/email-consumer'
import { EMAIL_QUEUE_NAME, outboxInsert } from '../src/email/outbox'
import type { EmailMessage } from '../src/lib/queue-messages'
import { invitationEmail, renderEmail } from '../src/email/templates'
import { fakeResendUrl, inboxOf } from './fake-resend'
import { env, uniqueEmail } from './helpers'

const link = 'http://localhost:8787/invitations/abc123'
const invitation = (orgName = 'Acme Sales') =>
  invitationEmail({ orgName, inviterName: 'Ana', role: 'admin', link, expiresAt: Date.UTC(2026, 11, 7, 9, 30) })

/** The app with the mailbox mounted as src/app.ts mounts it. */
const app = new Hono<App>().route('/_dev/mail', devMailRoutes)

/** The `<article>` of the mailbox page for `to`, or undefined. */
const articleFor = (html: string, to: string) =>
  html.match(new RegExp(`<article[^>]*data-email-to="${to}"[^>]*>[\\s\\S]*?</article>`))?.[0]

describe('the invitation email', () => {
  it('says who invited whom to which organization, with the link, the role and the expiry, in text and HTML', () => {
    const { subject, text, html } = invitation()
    expect(subject).toBe('Ana invited you to Acme Sales on Leadpool')
    expect(text).toContain('Ana invited you to join Acme Sales as an Admin')
    expect(text).toContain(`Accept the invitation: ${link}`)
    expect(text).toContain('7 Dec 2026, 09:30 UTC')
    expect(text).toContain('Sent by Leadpool for Acme Sales: http://localhost:8787')
    expect(html).toContain(`<a href="${link}"`)
    expect(html).toContain('<a href="http://localhost:8787">Leadpool</a>')
    expect(html).toContain('Ana invited you to join Acme Sales as an Admin')
  })

  it('escapes names in the HTML and keeps the subject on one line', () => {
    const { subject, html, text } = invitation('<b>Evil</b> & "Co"\r\nBcc: x@example.com')
    expect(html).not.toContain('<b>Evil</b>')
    expect(html).toContain('&lt;b&gt;Evil&lt;/b&gt; &amp; &quot;Co&quot;')
    expect(subject).toBe('Ana invited you to <b>Evil</b> & "Co" Bcc: x@example.com on Leadpool')
    expect(text).toContain('<b>Evil</b>') // plain text is shown as text by mail clients
  })

  it('refuses links that are not absolute http(s) URLs', () => {
    const content = { subject: 's', orgName: 'Acme', heading: 'h', paragraphs: [], appUrl: 'http://localhost:8787' }
    expect(() => renderEmail({ ...content, action: { label: 'Go', url: 'javascript:alert(1)' } })).toThrow(RangeError)
    expect(() => renderEmail({ ...content, appUrl: '/relative' })).toThrow(RangeError)
    expect(() =>
      invitationEmail({ orgName: 'Acme', inviterName: 'Ana', role: 'agent', link: 'nope', expiresAt: 0 }),
    ).toThrow(RangeError)
  })
})

describe('/_dev/mail', () => {
  it('shows an email captured without RESEND_API_KEY, with its links clickable; nothing reached Resend', async () => {
    const to = uniqueEmail('captured')
    const db = createDb(env.DB)
    const mail = outboxInsert(db, { orgId: null, to, kind: 'invitation', ...invitation() })
    await db.batch([mail.statement])
    const batch = createMessageBatch<EmailMessage>(EMAIL_QUEUE_NAME, [
      { id: 'm1', timestamp: Date.now(), attempts: 1, body: mail.message },
    ])
    const ctx = createExecutionContext()
    const noKey: Env = { ...env, RESEND_API_KEY: undefined, RESEND_BASE_URL: fakeResendUrl() }
    await handleEmailBatch(batch, noKey)
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m1'])
    expect(await inboxOf(to)).toEqual({ requests: 0, deliveries: [] })

    const res = await app.request('/_dev/mail', {}, { ...env, APP_ENV: 'development' })
    expect(res.status).toBe(200)
    const page = await res.text()
    const article = articleFor(page, to)
    expect(article, page).toBeDefined()
    expect(article).toContain('data-status="captured"')
    expect(article).toContain('Ana invited you to Acme Sales on Leadpool')
    expect(article).toContain('<dd>invitation</dd>')
    expect(article).toContain(`<a href="${link}"`) // the HTML body, rendered, not escaped
    expect(article).toContain(`Accept the invitation: ${link}`) // the text version
  })

  it('lists the newest email first', async () => {
    const db = createDb(env.DB)
    const [older, newer] = [uniqueEmail('older'), uniqueEmail('newer')]
    const now = Date.now()
    await db.batch([
      outboxInsert(db, { orgId: null, to: older, kind: 'test', ...invitation() }, now + 1000).statement,
      outboxInsert(db, { orgId: null, to: newer, kind: 'test', ...invitation() }, now + 2000).statement,
    ])
    const page = await (await app.request('/_dev/mail', {}, { ...env, APP_ENV: 'development' })).text()
    expect(page.indexOf(`data-email-to="${newer}"`)).toBeGreaterThan(-1)
    expect(page.indexOf(`data-email-to="${newer}"`)).toBeLessThan(page.indexOf(`data-email-to="${older}"`))
  })

  it('does not exist outside development', async () => {
    const to = uniqueEmail('hidden')
    await createDb(env.DB).batch([
      outboxInsert(createDb(env.DB), { orgId: null, to, kind: 'test', ...invitation() }).statement,
    ])
    const res = await app.request('/_dev/mail', {}, { ...env, APP_ENV: 'production' })
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('data-email-to')
    // The same captured email is listed in development.
    const dev = await app.request('/_dev/mail', {}, { ...env, APP_ENV: 'development' })
    expect(dev.status).toBe(200)
    expect(await dev.text()).toContain(`data-email-to="${to}"`)
  })
})
