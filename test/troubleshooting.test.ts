/**
 * Notifications people can troubleshoot: the feed's filters (unread, event type, lead); *Send me a test email* on the preferences page (through the
 * outbox, its state shown with the address and the provider's reason), against the fake Resend
 * (test/fake-resend-server.ts) that answers 422 when scripted to.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { and, desc, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { emailOutbox } from '../src/db/schema'
import { handleEmailBatch } from '../src/email/email-consumer'
import { EMAIL_QUEUE_NAME } from '../src/email/outbox'
import type { EmailMessage } from '../src/lib/queue-messages'
import type { Env } from '../src/env'
import { FAKE_RESEND_KEY, fakeResendUrl, inboxOf, scriptAnswers } from './fake-resend'
import { createLead, env, joinAs, signUp } from './helpers'

const db = () => createDb(env.DB)
const sending = (): Env => ({ ...env, RESEND_API_KEY: FAKE_RESEND_KEY, RESEND_BASE_URL: fakeResendUrl() })

/** The newest test email row to `address`. */
async function testEmailTo(address: string) {
  return db()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.to, address), eq(emailOutbox.kind, 'test')))
    .orderBy(desc(emailOutbox.createdAt))
    .get()
}

/** Runs the email queue's consumer on the message of outbox row `row` (its id and organization), as the queue does. */
async function runQueue(row: { id: string; orgId: string | null }) {
  const batch = createMessageBatch<EmailMessage>(EMAIL_QUEUE_NAME, [
    { id: `msg-${row.id}`, timestamp: Date.now(), attempts: 1, body: { outboxId: row.id, orgId: row.orgId } },
  ])
  await handleEmailBatch(batch, sending())
  await getQueueResult(batch, createExecutionContext())
}

/** The test email section in `html`. */
function sectionOf(html: string): string {
  return /<section id="test-email"[^]*?<\/section>/.exec(html)?.[0] ?? ''
}

/** The test email section's status paragraph in `html`. */
function statusOf(html: string): string {
  const match = /<p id="test-email-status"[^]*?<\/p>/.exec(html)
  return match ? match[0].replace(/<[^>]+>/g, '') : ''
}

describe('Send me a test email', () => {
  it('goes through the outbox and shows queued, then sent after the queue runs, with the address', async () => {
    const { client, slug, email } = await signUp('Test Mail Co', 'Tess Tester')
    const before = await client.html(`/o/${slug}/preferences`)
    expect(before).toContain('Send me a test email')
    expect(before).toContain(`Send yourself a test email to <strong>${email}</strong>`)
    expect(before).not.toContain('data-email-status')

    const res = await client.post(`/o/${slug}/preferences/test-email`)
    expect(res.status).toBe(303)
    const row = (await testEmailTo(email))!
    // Without a provider the local queue consumer may capture it first; either way it was queued.
    expect(['queued', 'captured']).toContain(row.status)
    await env.DB.prepare(`UPDATE email_outbox SET status = 'queued' WHERE id = ?`).bind(row.id).run()
    const queued = await client.html(`/o/${slug}/preferences`)
    expect(queued).toContain('data-email-status="queued"')
    expect(statusOf(queued)).toContain(`Test email to ${email}`)
    expect(sectionOf(queued)).toContain('hx-trigger="every 3s"') // htmx asks again while it is queued

    await runQueue(row)
    const { deliveries } = await inboxOf(email)
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]!.subject).toBe('Test email from Leadpool (Test Mail Co)')
    const sent = await client.html(`/o/${slug}/preferences`)
    expect(sent).toContain('data-email-status="sent"')
    expect(statusOf(sent)).toContain('sent')
    expect(statusOf(sent)).toContain('the provider accepted it')
    expect(sectionOf(sent)).not.toContain('hx-trigger')
    // The fragment htmx polls says the same.
    const fragment = await client.get(`/o/${slug}/preferences/test-email`, { 'HX-Request': 'true' })
    expect(await fragment.text()).toContain('data-email-status="sent"')

    // One a minute: a second ask within it answers the preferences page again (429), the reason beside the button, nothing sent.
    const again = await client.post(`/o/${slug}/preferences/test-email`)
    expect(again.status).toBe(429)
    const page = await again.text()
    expect(page).toContain('<h1>Notification preferences</h1>')
    expect(sectionOf(page)).toMatch(/data-error-for="test-email">You sent a test email less than a minute ago/)
    expect(statusOf(page)).toContain('sent')
    expect((await inboxOf(email)).deliveries).toHaveLength(1)
  })

  it('shows failed with the provider’s reason when the provider refuses it (422)', async () => {
    const { client, slug, email } = await signUp('Bounce Co', 'Bo Bounce')
    await scriptAnswers(email, [{ status: 422, name: 'validation_error', message: 'Invalid `to` field.' }])
    expect((await client.post(`/o/${slug}/preferences/test-email`)).status).toBe(303)
    const row = (await testEmailTo(email))!
    await env.DB.prepare(`UPDATE email_outbox SET status = 'queued' WHERE id = ?`).bind(row.id).run()
    await runQueue(row)
    const page = await client.html(`/o/${slug}/preferences`)
    expect(page).toContain('data-email-status="failed"')
    expect(statusOf(page)).toContain(`Test email to ${email}`)
    expect(statusOf(page)).toContain('failed: 422 validation_error: Invalid `to` field.')
    expect(await inboxOf(email)).toEqual({ requests: 1, deliveries: [] })
  })
})

/** The ids of the feed's notifications in `html`, in order. */
function feedIds(html: string): string[] {
  return [...html.matchAll(/<li data-notification-id="([^"]+)"/g)].map((m) => m[1]!)
}

describe('the feed’s filters', () => {
  it('filter by unread, by event type and by lead (alone or together)', async () => {
    const owner = await signUp('Feed Filter Co', 'Olive Owner')
    const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
    const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
    const a = await createLead(owner.client, owner.slug, { name: 'Lead A' })
    const b = await createLead(owner.client, owner.slug, { name: 'Lead B' })
    const assign = (lead: string, assigneeId: string) =>
      owner.client.post(`/o/${owner.slug}/leads/${lead}/assign`, { assigneeId })
    await assign(a, gus.userId)
    await assign(b, gus.userId)
    await assign(a, hal.userId) // Gus: transferred_away on A
    const feed = `/o/${owner.slug}/notifications`
    const all = feedIds(await gus.client.html(feed))
    expect(all).toHaveLength(3)
    // The newest (A transferred away) is read.
    expect((await gus.client.post(`${feed}/read`, { id: all[0]! })).status).toBe(303)

    const unread = await gus.client.html(`${feed}?unread=1`)
    expect(feedIds(unread)).toEqual(all.slice(1))
    expect(unread).toContain('name="unread" value="1" checked')
    expect(feedIds(await gus.client.html(`${feed}?type=assigned`))).toEqual(all.slice(1))
    expect(feedIds(await gus.client.html(`${feed}?type=transferred_away`))).toEqual([all[0]])
    const onA = await gus.client.html(`${feed}?lead=${a}`)
    expect(feedIds(onA)).toEqual([all[0], all[2]])
    expect(onA).toContain('Only about Lead A')
    expect(feedIds(await gus.client.html(`${feed}?lead=${a}&unread=1`))).toEqual([all[2]])
    expect(await gus.client.html(`${feed}?lead=${b}&type=transferred_away`)).toContain(
      'No notifications match these filters.',
    )
    // Each notification about one lead links to its lead's filter; unknown values are ignored.
    expect(await gus.client.html(feed)).toContain(`href="${feed}?lead=${b}" data-filter-lead="${b}"`)
    expect(feedIds(await gus.client.html(`${feed}?type=nonsense&lead=x`))).toEqual(all)
  })
})

describe('the team page', () => {
  it('shows Owners/Admins each member’s last email delivery problem with the reason; Agents see none', async () => {
    const owner = await signUp('Team Mail Co', 'Olive Owner')
    const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
    const team = `/o/${owner.slug}/team`
    const rowOf = (html: string, email: string) =>
      new RegExp(`<tr data-member-id="[^"]+" data-member-email="${email}"[^]*?</tr>`).exec(html)?.[0] ?? ''
    expect(rowOf(await owner.client.html(team), gus.email)).not.toContain('data-delivery-problem')

    await scriptAnswers(gus.email, [{ status: 422, name: 'validation_error', message: 'Invalid `to` field.' }])
    expect((await gus.client.post(`/o/${owner.slug}/preferences/test-email`)).status).toBe(303)
    const row = (await testEmailTo(gus.email))!
    await env.DB.prepare(`UPDATE email_outbox SET status = 'queued' WHERE id = ?`).bind(row.id).run()
    await runQueue(row)

    const seen = rowOf(await owner.client.html(team), gus.email)
    expect(seen).toContain('data-delivery-problem="failed"')
    expect(seen.replace(/<[^>]+>/g, '')).toContain('Last email failed')
    expect(seen).toContain('422 validation_error: Invalid `to` field.')
    expect(rowOf(await owner.client.html(team), owner.email)).not.toContain('data-delivery-problem')
    expect(await gus.client.html(team)).not.toContain('data-delivery-problem')
  })
})
