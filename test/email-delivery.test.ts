/**
 * The email queue consumer against the local fake Resend (test/fake-resend-server.ts): what each
 * Resend answer does to the outbox row and to the queue message, and that nobody gets an email
 * twice. Queue redeliveries are simulated with createMessageBatch and the `attempts` field.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { createDb } from '../src/db/client'
import { emailOutbox, organizations } from '../src/db/schema'
import type { Env } from '../src/env'
import { handleEmailBatch, handleEmailDeadLetters } from '../src/email/email-consumer'
import { EMAIL_DEAD_LETTER_QUEUE_NAME, EMAIL_QUEUE_NAME, outboxInsert } from '../src/email/outbox'
import { newId } from '../src/lib/ids'
import type { ReceivedEmailMessage } from '../src/lib/queue-messages'
import { invitationEmail } from '../src/email/templates'
import { FAKE_RESEND_KEY, fakeResendUrl, inboxOf, scriptAnswers } from './fake-resend'
import { env, uniqueEmail } from './helpers'

const db = () => createDb(env.DB)
const sending = (): Env => ({ ...env, RESEND_API_KEY: FAKE_RESEND_KEY, RESEND_BASE_URL: fakeResendUrl() })

/** Writes an invitation email of organization `orgId` (none: null) for a new address into the outbox; returns its id and address. */
async function writeEmail(orgId: string | null = null) {
  const to = uniqueEmail('invitee')
  const content = invitationEmail({
    orgName: 'Acme Sales',
    inviterName: 'Ana',
    role: 'agent',
    link: 'http://localhost:8787/invitations/tok',
    expiresAt: Date.UTC(2026, 11, 1),
  })
  const mail = outboxInsert(db(), { orgId, to, kind: 'invitation', ...content })
  await db().batch([mail.statement])
  return { id: mail.id, to }
}

const row = (id: string) => db().select().from(emailOutbox).where(eq(emailOutbox.id, id)).get()

/**
 * One delivery of `body` (an outbox id: the message `{ outboxId, orgId: null }`) to `handler`, as the
 * queue's `attempts`-th try. Returns the ids the handler acked and retried (getQueueResult) and the
 * delay it asked for (getQueueResult omits it).
 */
async function deliver(
  body: string | ReceivedEmailMessage,
  attempts: number,
  workerEnv: Env,
  handler = handleEmailBatch,
  queue = EMAIL_QUEUE_NAME,
) {
  const message = typeof body === 'string' ? { outboxId: body, orgId: null } : body
  const batch = createMessageBatch<ReceivedEmailMessage>(queue, [
    { id: `msg-${attempts}`, timestamp: Date.now(), attempts, body: message },
  ])
  const retry = vi.spyOn(batch.messages[0]!, 'retry')
  const ctx = createExecutionContext()
  await handler(batch, workerEnv)
  const result = await getQueueResult(batch, ctx)
  return {
    acked: result.explicitAcks,
    retried: result.retryMessages.map((m) => m.msgId),
    delaySeconds: retry.mock.calls[0]?.[0]?.delaySeconds,
  }
}

const acked = (attempts: number) => ({ acked: [`msg-${attempts}`], retried: [] })
const retried = (attempts: number, delaySeconds: number) => ({ acked: [], retried: [`msg-${attempts}`], delaySeconds })

/** D1 whose statements matching `pattern` fail, as when the connection is lost mid-invocation. */
function failing(d1: D1Database, pattern: RegExp): D1Database {
  return new Proxy(d1, {
    get(target, prop): unknown {
      if (prop !== 'prepare') return Reflect.get(target, prop, target)
      return (query: string): unknown => {
        if (!pattern.test(query)) return target.prepare(query)
        const fail = () => Promise.reject(new Error('D1_ERROR: Network connection lost.'))
        const statement = { bind: () => statement, run: fail, all: fail, raw: fail, first: fail }
        return statement
      }
    },
  })
}

describe('sending an outbox email through Resend', () => {
  it('sends it once: row `sent` with Resend’s id, one email whose idempotency key is the outbox id', async () => {
    const { id, to } = await writeEmail()
    expect(await deliver(id, 1, sending())).toEqual(acked(1))

    const { requests, deliveries } = await inboxOf(to)
    expect(requests).toBe(1)
    expect(deliveries).toHaveLength(1)
    const [email] = deliveries
    expect(email).toMatchObject({
      idempotencyKey: id,
      to: [to],
      from: env.EMAIL_FROM,
      subject: 'Ana invited you to Acme Sales on Leadpool',
    })
    expect(email!.html).toContain('href="http://localhost:8787/invitations/tok"')
    expect(email!.text).toContain('http://localhost:8787/invitations/tok')
    const saved = await row(id)
    expect(saved).toMatchObject({ status: 'sent', attempts: 1, providerId: email!.id, lastError: null })
    expect(saved!.sentAt).toBeGreaterThan(0)

    // The same message delivered again (queues are at-least-once) asks Resend nothing.
    expect(await deliver(id, 2, sending())).toEqual(acked(2))
    expect(await inboxOf(to)).toMatchObject({ requests: 1, deliveries: [{ id: email!.id }] })
  })

  it('retries after 429 twice with growing delays, then sends one email (3 attempts)', async () => {
    const { id, to } = await writeEmail()
    const tooMany = {
      status: 429,
      name: 'rate_limit_exceeded',
      message: 'Too many requests. You can only make 2 requests per second.',
    }
    await scriptAnswers(to, [tooMany, tooMany])

    expect(await deliver(id, 1, sending())).toEqual(retried(1, 10))
    expect(await row(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: `429 rate_limit_exceeded: ${tooMany.message}`,
    })
    expect(await deliver(id, 2, sending())).toEqual(retried(2, 20))
    expect(await deliver(id, 3, sending())).toEqual(acked(3))

    const { requests, deliveries } = await inboxOf(to)
    expect(requests).toBe(3)
    expect(deliveries).toHaveLength(1)
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 3, providerId: deliveries[0]!.id, lastError: null })
  })

  it('marks it `failed` with Resend’s reason on 422, acks and never retries', async () => {
    const { id, to } = await writeEmail()
    await scriptAnswers(to, [{ status: 422, name: 'validation_error', message: 'Invalid `to` field.' }])

    expect(await deliver(id, 1, sending())).toEqual(acked(1))
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: '422 validation_error: Invalid `to` field.',
    })
    // A stray redelivery changes nothing and sends nothing.
    expect(await deliver(id, 2, sending())).toEqual(acked(2))
    expect(await inboxOf(to)).toEqual({ requests: 1, deliveries: [] })
    expect((await row(id))!.status).toBe('failed')
  })

  it('retries on 500 and on a dropped connection, keeping the row `queued` with the last error', async () => {
    const { id, to } = await writeEmail()
    await scriptAnswers(to, [{ status: 500, name: 'internal_server_error', message: 'Unexpected error' }, 'drop'])

    expect(await deliver(id, 1, sending())).toEqual(retried(1, 10))
    expect(await row(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: '500 internal_server_error: Unexpected error',
    })
    expect(await deliver(id, 2, sending())).toEqual(retried(2, 20))
    expect(await row(id)).toMatchObject({ status: 'queued', attempts: 2 })
    expect((await row(id))!.lastError).toMatch(/^network application_error: /)

    expect(await deliver(id, 3, sending())).toEqual(acked(3))
    expect(await inboxOf(to)).toMatchObject({ requests: 3, deliveries: [{ idempotencyKey: id }] })
  })

  it('sends no second email when the consumer dies after Resend accepted but before the row was marked sent', async () => {
    const { id, to } = await writeEmail()
    // D1 drops the connection exactly when the consumer records the success.
    const broken = { ...sending(), DB: failing(env.DB, /^update "email_outbox" set "status" = \?, "provider_id"/) }
    expect(await deliver(id, 1, broken)).toEqual(retried(1, 10))
    expect(await inboxOf(to)).toMatchObject({ requests: 1, deliveries: [{ idempotencyKey: id }] })
    const stuck = await row(id)
    expect(stuck).toMatchObject({ status: 'queued', attempts: 1 })
    expect(stuck!.lastError).toContain('Network connection lost')

    // The queue redelivers: Resend sees the same idempotency key and answers the first email's id.
    expect(await deliver(id, 2, sending())).toEqual(acked(2))
    const { requests, deliveries } = await inboxOf(to)
    expect(requests).toBe(2)
    expect(deliveries).toHaveLength(1)
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, providerId: deliveries[0]!.id })
  })

  it('captures the email without RESEND_API_KEY (unset or empty): nothing reaches Resend, nothing is lost', async () => {
    for (const RESEND_API_KEY of [undefined, '']) {
      const { id, to } = await writeEmail()
      expect(await deliver(id, 1, { ...sending(), RESEND_API_KEY })).toEqual(acked(1))
      expect(await row(id)).toMatchObject({ status: 'captured', attempts: 0, sentAt: null })
      expect(await inboxOf(to)).toEqual({ requests: 0, deliveries: [] })
      // Configuring a key later does not send an already captured email.
      expect(await deliver(id, 2, sending())).toEqual(acked(2))
      expect(await inboxOf(to)).toEqual({ requests: 0, deliveries: [] })
    }
  })
})

describe('the dead-letter queue', () => {
  it('marks an email that ran out of retries `failed`, saying how many attempts and the last error', async () => {
    const { id, to } = await writeEmail()
    const down = { status: 503, name: 'application_error', message: 'Service unavailable' }
    await scriptAnswers(to, [down, down])
    await deliver(id, 1, sending())
    await deliver(id, 2, sending())

    const result = await deliver(id, 1, sending(), handleEmailDeadLetters, EMAIL_DEAD_LETTER_QUEUE_NAME)
    expect(result).toEqual(acked(1))
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'gave up after 2 attempts: 503 application_error: Service unavailable',
    })
    expect(await inboxOf(to)).toEqual({ requests: 2, deliveries: [] })
  })

  it('leaves sent and captured emails as they are', async () => {
    const sent = await writeEmail()
    await deliver(sent.id, 1, sending())
    const captured = await writeEmail()
    await deliver(captured.id, 1, { ...env, RESEND_API_KEY: '' })

    for (const { id } of [sent, captured]) {
      expect(await deliver(id, 1, sending(), handleEmailDeadLetters, EMAIL_DEAD_LETTER_QUEUE_NAME)).toEqual(acked(1))
    }
    expect(await row(sent.id)).toMatchObject({ status: 'sent', lastError: null })
    expect(await row(captured.id)).toMatchObject({ status: 'captured', lastError: null })
  })
})

/** A new organization's id (outbox rows reference it). */
async function newOrg(): Promise<string> {
  const id = newId()
  await db()
    .insert(organizations)
    .values({ id, name: 'Acme Sales', slug: `acme-${id}`, createdAt: Date.now(), updatedAt: Date.now() })
  return id
}

describe('the organization an email message carries', () => {
  it('sends when the message names the row’s organization or none, or predates orgId; else sends nothing', async () => {
    const [orgA, orgB] = [await newOrg(), await newOrg()]
    // Every pairing of the row's organization with the message's (undefined: sent before #22).
    const cases: { row: string | null; message: string | null | undefined; sends: boolean }[] = [
      { row: null, message: undefined, sends: true },
      { row: null, message: null, sends: true },
      { row: null, message: orgA, sends: false },
      { row: orgA, message: undefined, sends: true },
      { row: orgA, message: orgA, sends: true },
      { row: orgA, message: null, sends: false },
      { row: orgA, message: orgB, sends: false },
    ]
    for (const { row: rowOrg, message, sends } of cases) {
      const { id, to } = await writeEmail(rowOrg)
      const body: ReceivedEmailMessage = message === undefined ? { outboxId: id } : { outboxId: id, orgId: message }
      expect(await deliver(body, 1, sending()), JSON.stringify({ rowOrg, message })).toEqual(acked(1))
      expect((await inboxOf(to)).deliveries, JSON.stringify({ rowOrg, message })).toHaveLength(sends ? 1 : 0)
      expect(await row(id)).toMatchObject(sends ? { status: 'sent', attempts: 1 } : { status: 'queued', attempts: 0 })
      if (!sends) await db().delete(emailOutbox).where(eq(emailOutbox.id, id)) // not left queued for the sweep tests
    }
  })

  it('the dead-letter consumer handles a message with or without orgId', async () => {
    for (const body of [(id: string) => ({ outboxId: id }), (id: string) => ({ outboxId: id, orgId: null })]) {
      const { id } = await writeEmail()
      expect(await deliver(body(id), 6, sending(), handleEmailDeadLetters, EMAIL_DEAD_LETTER_QUEUE_NAME)).toEqual(
        acked(6),
      )
      expect(await row(id)).toMatchObject({ status: 'failed' })
    }
  })
})
