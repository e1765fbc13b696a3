/**
 * Webhooks out (docs/ARCHITECTURE.md "Webhooks out") against a local receiver (test/fake-webhook-receiver.ts):
 * endpoints managed in Settings, every event signed by the Standard Webhooks scheme and verified here with the
 * endpoint's secret (`Webhook.verify`), the same `webhook-id` on every retry, retries with backoff after a 500 and a
 * timeout, each lead's events numbered in order, one failing endpoint never delaying another, the pause after a day
 * of failures with its email, Redeliver, tenancy, and who may manage endpoints.
 *
 * The first attempt runs as in production: the request's change puts the delivery on the queue and the Worker's
 * consumer sends it. Later attempts are driven with `attemptDelivery` at the time they are due (no waiting for
 * minutes or hours).
 */
import { and, eq } from 'drizzle-orm'
import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { emailOutbox, webhookDeliveries, type WebhookDelivery } from '../src/db/schema'
import { attemptDelivery, PAUSE_AFTER_MS, RETRY_SCHEDULE_MS } from '../src/webhooks/deliver'
import { LOST_AFTER_MS, sweepWebhooks } from '../src/webhooks/dispatch'
import { isPrivateHost, targetProblem } from '../src/webhooks/targets'
import type { WebhookMessage } from '../src/lib/queue-messages'
import { postWith } from './app-with-bindings'
import type { WebhookPayload } from '../src/webhooks/payload'
import { dom, texts } from './dom'
import { type Client, createLead, env, errorFor, joinAs, signUp } from './helpers'
import { pollUntil } from './poll'
import { setOrg } from './pool-fixtures'
import { hookUrl, receivedAt, scriptHook, type Received } from './webhook-receiver'

const db = () => createDb(env.DB)
let hooks = 0
/** A receiver name no other test uses. */
const newHook = () => `hook-${Date.now()}-${++hooks}`

/** Adds an endpoint at the receiver's `name` as `client` (all events unless `events`); @returns its id and secret. */
async function addEndpoint(client: Client, slug: string, name: string, events?: string[]) {
  const fields: Record<string, string> = { url: hookUrl(name), description: `test ${name}`, active: '1' }
  for (const e of events ?? ['lead.created', 'lead.assigned', 'lead.status_changed', 'note.added'])
    fields[`event_${e}`] = '1'
  const res = await client.post(`/o/${slug}/settings/webhooks`, fields)
  const html = await res.text()
  expect(res.status, html).toBe(201)
  const secret = texts(html, '[data-webhook-secret]')[0]!
  const id = [...dom(html).querySelectorAll('tr[data-endpoint-id]')]
    .find((tr) => tr.textContent?.includes(hookUrl(name)))!
    .getAttribute('data-endpoint-id')!
  return { id, secret }
}

/** The receiver's requests at `name` once there are `count`. */
function receivedCount(name: string, count: number, timeoutMs = 10_000): Promise<Received[]> {
  return pollUntil(
    `${count} request(s) at ${name}`,
    async () => {
      const got = await receivedAt(name)
      expect(got.length).toBeGreaterThanOrEqual(count)
      return got
    },
    { timeoutMs },
  )
}

/** Verifies `request` with `secret` as a receiver does (throws when the signature does not hold); @returns its body. */
function verified(secret: string, request: Received): WebhookPayload {
  const headers = {
    'webhook-id': request.id,
    'webhook-timestamp': request.timestamp,
    'webhook-signature': request.signature,
  }
  return new Webhook(secret).verify(request.body, headers) as WebhookPayload
}

const deliveriesOf = (endpointId: string) =>
  db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).all()

/** The delivery rows of endpoint `endpointId` once `check` holds for them. */
function deliveriesWhen(endpointId: string, what: string, check: (rows: WebhookDelivery[]) => boolean) {
  return pollUntil(what, async () => {
    const rows = await deliveriesOf(endpointId)
    if (!check(rows)) throw new Error(JSON.stringify(rows.map((r) => [r.type, r.status, r.attempts])))
    return rows
  })
}

describe('webhooks out', () => {
  it('sends a signed lead.created that verifies with the endpoint’s secret, and a status change after it', async () => {
    const { client, slug } = await signUp('Hooks Inc')
    const hook = newHook()
    const { secret } = await addEndpoint(client, slug, hook)
    const leadId = await createLead(client, slug, { name: 'Grace Hopper', email: 'grace@example.com' })
    const [created] = await receivedCount(hook, 1)
    const body = verified(secret, created!)
    expect(body.type).toBe('lead.created')
    expect(body.data.lead).toMatchObject({ id: leadId, name: 'Grace Hopper', email: 'grace@example.com' })
    expect(body.data.actor?.name).toBe('Ana Owner')
    expect(body.data.sequence).toBe(1)
    // Another secret does not verify it.
    expect(() => verified(`whsec_${btoa('another secret of 24 bytes')}`, created!)).toThrow()

    await client.post(`/o/${slug}/leads/${leadId}/status`, { status: 'contacted', reason: '' })
    const [, changed] = await receivedCount(hook, 2)
    const next = verified(secret, changed!)
    expect(next.type).toBe('lead.status_changed')
    expect(next.data.sequence).toBe(2)
    expect(next.data.details).toMatchObject({ from: 'new', to: 'contacted' })
  })

  it('retries after a 500 and after no answer, with backoff, under the same webhook-id, until it is delivered', async () => {
    const { client, slug } = await signUp('Retry Co')
    const hook = newHook()
    await scriptHook(hook, [500, 'hang'])
    const { id, secret } = await addEndpoint(client, slug, hook, ['lead.created'])
    await createLead(client, slug, { name: 'Retried Lead' })
    const [first] = await deliveriesWhen(id, 'the first attempt failed', (rows) => rows[0]?.attempts === 1)
    expect(first).toMatchObject({ status: 'pending', lastStatusCode: 500 })
    expect(first!.nextAttemptAt).toBe(first!.lastAttemptAt! + RETRY_SCHEDULE_MS[0]!)
    const message = { deliveryId: first!.id, orgId: first!.orgId }
    // Not due yet: nothing is sent.
    expect(await attemptDelivery(env, message, { now: first!.nextAttemptAt - 60_000 })).toBe('skipped')

    expect(await attemptDelivery(env, message, { now: first!.nextAttemptAt, timeoutMs: 500 })).toBe('failed')
    const [second] = await deliveriesOf(id)
    expect(second).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: null })
    expect(second!.lastError).toMatch(/no answer/)
    expect(second!.nextAttemptAt).toBe(first!.nextAttemptAt + RETRY_SCHEDULE_MS[1]!)

    expect(await attemptDelivery(env, message, { now: second!.nextAttemptAt })).toBe('delivered')
    const [third] = await deliveriesOf(id)
    expect(third).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 })
    const requests = await receivedCount(hook, 3)
    expect(new Set(requests.map((r) => r.id))).toEqual(new Set([first!.id]))
    // Each attempt is signed anew with its own timestamp (the later ones' lie in the future this test simulates, which
    // `verify` refuses as too new, so their signature is checked as `verify` does, without the clock).
    expect(verified(secret, requests[0]!).type).toBe('lead.created')
    for (const request of requests) {
      const at = new Date(Number(request.timestamp) * 1000)
      expect(request.signature).toBe(new Webhook(secret).sign(request.id, at, request.body))
    }
    expect(new Set(requests.map((r) => r.body)).size).toBe(1)
  })

  it('numbers each lead’s events in order, also when changes to one lead arrive at once', async () => {
    const { client, slug } = await signUp('Order Ltd')
    const hook = newHook()
    const { id, secret } = await addEndpoint(client, slug, hook)
    const one = await createLead(client, slug, { name: 'Lead One' })
    const two = await createLead(client, slug, { name: 'Lead Two' })
    await client.post(`/o/${slug}/leads/${one}/status`, { status: 'contacted', reason: '' })
    await client.post(`/o/${slug}/leads/${two}/notes`, { body: 'first note on two' })
    const notes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) => client.post(`/o/${slug}/leads/${one}/notes`, { body: `note ${n}` })),
    )
    for (const res of notes) expect(res.status).toBeLessThan(400)
    const requests = await receivedCount(hook, 8)
    const bodies = requests.map((r) => verified(secret, r))
    const sequences = (leadId: string) =>
      bodies
        .filter((b) => b.data.lead.id === leadId)
        .map((b) => b.data.sequence)
        .sort((a, b) => a - b)
    expect(sequences(one)).toEqual([1, 2, 3, 4, 5, 6])
    expect(sequences(two)).toEqual([1, 2])
    // The numbers follow the order the changes were saved in (the activities' order).
    const rows = await db()
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.leadId, one)))
      .orderBy(webhookDeliveries.createdAt, webhookDeliveries.seq)
      .all()
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('a failing endpoint delays neither another endpoint nor its own later events', async () => {
    const { client, slug } = await signUp('Two Hooks')
    const failing = newHook()
    const healthy = newHook()
    await scriptHook(failing, [500])
    const bad = await addEndpoint(client, slug, failing)
    const good = await addEndpoint(client, slug, healthy)
    const leadId = await createLead(client, slug, { name: 'Shared Lead' })
    await receivedCount(healthy, 1)
    await deliveriesWhen(bad.id, 'the failing endpoint’s first attempt failed', (rows) => rows[0]?.attempts === 1)
    await client.post(`/o/${slug}/leads/${leadId}/status`, { status: 'qualified', reason: '' })
    // The second event reaches both, the failing endpoint's first one still waiting for its retry.
    const got = await receivedCount(failing, 2)
    expect(verified(bad.secret, got[1]!).data.sequence).toBe(2)
    expect((await receivedCount(healthy, 2)).map((r) => verified(good.secret, r).data.sequence)).toEqual([1, 2])
    const rows = await deliveriesWhen(bad.id, 'the second delivered', (list) =>
      list.some((r) => r.status === 'delivered'),
    )
    expect(rows.find((r) => r.seq === 1)).toMatchObject({ status: 'pending', attempts: 1 })
  })

  it('pauses an endpoint failing for a day and emails its creator with a link; resuming sends what waited', async () => {
    const { client, slug, email } = await signUp('Pause Co')
    const hook = newHook()
    await scriptHook(hook, [500, 500])
    const { id } = await addEndpoint(client, slug, hook, ['lead.created'])
    await createLead(client, slug, { name: 'Waiting Lead' })
    const [first] = await deliveriesWhen(id, 'the first attempt failed', (rows) => rows[0]?.attempts === 1)
    const message = { deliveryId: first!.id, orgId: first!.orgId }
    // Still failing a day after the first failure.
    expect(await attemptDelivery(env, message, { now: first!.lastAttemptAt! + PAUSE_AFTER_MS })).toBe('failed')
    const page = await client.html(`/o/${slug}/settings/webhooks/${id}`)
    expect(texts(page, 'p[data-endpoint-state]')[0]).toMatch(/paused after failing for a day/)
    const mail = await db()
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.to, email), eq(emailOutbox.kind, 'webhook_paused')))
      .all()
    expect(mail).toHaveLength(1)
    expect(mail[0]!.text).toContain(`/o/${slug}/settings/webhooks/${id}`)
    // Paused: nothing more is sent.
    expect(await attemptDelivery(env, message, { now: first!.lastAttemptAt! + 2 * PAUSE_AFTER_MS })).toBe('skipped')
    expect(await receivedAt(hook)).toHaveLength(2)

    const resumed = await client.post(`/o/${slug}/settings/webhooks/${id}`, {
      url: hookUrl(hook),
      description: '',
      'event_lead.created': '1',
      active: '1',
    })
    expect(resumed.status).toBe(303)
    await receivedCount(hook, 3)
    await deliveriesWhen(id, 'delivered after resuming', (rows) => rows[0]?.status === 'delivered')
  })

  it('claiming from the pool and releasing to it send lead.claimed and lead.released, named for the Agent', async () => {
    const { client, slug } = await signUp('Pool Hooks')
    await setOrg(slug, { pool_enabled: 1 })
    const agent = await joinAs(client, slug, 'agent', 'Cleo Claimer')
    const hook = newHook()
    const { secret } = await addEndpoint(client, slug, hook, ['lead.claimed', 'lead.released'])
    const leadId = await createLead(client, slug, { name: 'Pool Lead' })
    expect((await client.post(`/o/${slug}/leads/${leadId}/pool`, { inPool: '1' })).status).toBe(303)
    expect((await agent.client.post(`/o/${slug}/leads/${leadId}/claim`)).status).toBe(303)
    expect((await agent.client.post(`/o/${slug}/leads/${leadId}/release`, { note: 'Not my region' })).status).toBe(303)
    const bodies = (await receivedCount(hook, 2)).map((r) => verified(secret, r))
    expect(bodies.map((b) => [b.type, b.data.actor?.name])).toEqual([
      ['lead.claimed', 'Cleo Claimer'],
      ['lead.released', 'Cleo Claimer'],
    ])
    expect(bodies[1]!.data.details).toMatchObject({ note: 'Not my region' })
    expect(bodies[0]!.data.sequence).toBeLessThan(bodies[1]!.data.sequence)
  })

  it('Rotate shows a new secret once: later deliveries verify with it and no longer with the old one', async () => {
    const { client, slug } = await signUp('Rotate Co')
    const hook = newHook()
    const { id, secret: old } = await addEndpoint(client, slug, hook, ['lead.created'])
    const rotated = await client.post(`/o/${slug}/settings/webhooks/${id}/rotate`)
    const html = await rotated.text()
    expect(rotated.status).toBe(200)
    const [secret] = texts(html, '[data-webhook-secret]')
    expect(secret).toMatch(/^whsec_/)
    expect(secret).not.toBe(old)
    // Shown once: the endpoint's page does not show it again.
    expect(texts(await client.html(`/o/${slug}/settings/webhooks/${id}`), '[data-webhook-secret]')).toEqual([])
    await createLead(client, slug, { name: 'After Rotation' })
    const [request] = await receivedCount(hook, 1)
    expect(verified(secret!, request!).data.lead).toMatchObject({ name: 'After Rotation' })
    expect(() => verified(old, request!)).toThrow()
  })

  it('the cron sweep sends a due delivery whose message was lost or never sent, once, and none of a paused endpoint', async () => {
    const { client, slug } = await signUp('Sweep Co')
    const hook = newHook()
    await scriptHook(hook, [500])
    const { id } = await addEndpoint(client, slug, hook, ['lead.created'])
    await createLead(client, slug, { name: 'Swept Lead' })
    const [row] = await deliveriesWhen(id, 'the first attempt failed', (rows) => rows[0]?.attempts === 1)
    const sweep = async (now: number) => {
      const sent: WebhookMessage[] = []
      const queue = {
        sendBatch: (messages: Iterable<MessageSendRequest<WebhookMessage>>) =>
          Promise.resolve(void sent.push(...[...messages].map((m) => m.body))),
      } as unknown as Queue<WebhookMessage>
      const ids = await sweepWebhooks({ ...env, WEBHOOK_QUEUE: queue }, now)
      expect(sent.map((m) => m.deliveryId)).toEqual(ids)
      // The sweep covers every organization: the other tests' deliveries left pending are due too.
      return sent.filter((m) => m.orgId === row!.orgId)
    }
    // Its retry's message is on its way (sent with the delay): not sent again while it may still arrive.
    expect(await sweep(row!.nextAttemptAt)).toEqual([])
    // Lost: once it is LOST_AFTER_MS late, the sweep sends it, and the next tick does not send it twice.
    const late = row!.nextAttemptAt + LOST_AFTER_MS
    expect(await sweep(late)).toEqual([{ deliveryId: row!.id, orgId: row!.orgId }])
    expect(await sweep(late + 60_000)).toEqual([])
    // Written by a change no request dispatched (a cron's, a queue consumer's): sent at the next tick.
    await db().update(webhookDeliveries).set({ dispatchedAt: null }).where(eq(webhookDeliveries.id, row!.id))
    expect(await sweep(late + 120_000)).toEqual([{ deliveryId: row!.id, orgId: row!.orgId }])
    // A paused endpoint's deliveries wait for it.
    await db().update(webhookDeliveries).set({ dispatchedAt: null }).where(eq(webhookDeliveries.id, row!.id))
    const paused = await client.post(`/o/${slug}/settings/webhooks/${id}`, {
      url: hookUrl(hook),
      'event_lead.created': '1',
    })
    expect(paused.status).toBe(303)
    expect(await sweep(late + PAUSE_AFTER_MS)).toEqual([])
  })

  it('Redeliver sends a delivery again with its webhook-id; the log shows status, response and latency', async () => {
    const { client, slug } = await signUp('Redeliver Co')
    const hook = newHook()
    const { id, secret } = await addEndpoint(client, slug, hook, ['lead.created'])
    await createLead(client, slug, { name: 'Again Lead' })
    const [sent] = await receivedCount(hook, 1)
    const [row] = await deliveriesWhen(id, 'delivered', (rows) => rows[0]?.status === 'delivered')
    const page = await client.html(`/o/${slug}/settings/webhooks/${id}`)
    const logRow = dom(page).querySelector(`tr[data-delivery-id="${row!.id}"]`)!
    expect(texts(page, `tr[data-delivery-id="${row!.id}"] td`).slice(0, 4)).toEqual([
      'lead.created #1',
      'delivered',
      '200',
      `${row!.lastLatencyMs} ms`,
    ])
    const action = logRow.querySelector('form')!.getAttribute('action')!
    const res = await client.post(action)
    expect(res.status).toBe(303)
    const [, again] = await receivedCount(hook, 2)
    expect(again!.id).toBe(sent!.id)
    expect(verified(secret, again!).type).toBe('lead.created')
    const done = await client.html(res.headers.get('Location')!)
    expect(texts(done, '[role="status"]')).toContain('The delivery was queued to be sent again.')
  })

  it('an endpoint of one organization never hears of another’s leads, nor can the other open it', async () => {
    const a = await signUp('Tenant A')
    const b = await signUp('Tenant B')
    const hookA = newHook()
    const hookB = newHook()
    const endpointA = await addEndpoint(a.client, a.slug, hookA, ['lead.created'])
    await addEndpoint(b.client, b.slug, hookB, ['lead.created'])
    const leadB = await createLead(b.client, b.slug, { name: 'B Lead' })
    await receivedCount(hookB, 1)
    const leadA = await createLead(a.client, a.slug, { name: 'A Lead' })
    const got = await receivedCount(hookA, 1)
    expect(got.map((r) => verified(endpointA.secret, r).data.lead.id)).toEqual([leadA])
    expect((await deliveriesOf(endpointA.id)).map((r) => r.leadId)).not.toContain(leadB)
    expect((await b.client.get(`/o/${b.slug}/settings/webhooks/${endpointA.id}`)).status).toBe(404)
  })

  it('an Agent cannot see or manage endpoints (403)', async () => {
    const { client, slug } = await signUp('Agents Co')
    const { id } = await addEndpoint(client, slug, newHook())
    const agent = await joinAs(client, slug, 'agent', 'Andy Agent')
    expect((await agent.client.get(`/o/${slug}/settings/webhooks`)).status).toBe(403)
    expect((await agent.client.get(`/o/${slug}/settings/webhooks/${id}`)).status).toBe(403)
    const add = await agent.client.post(`/o/${slug}/settings/webhooks`, { url: 'https://example.com/hook' })
    expect(add.status).toBe(403)
    expect((await agent.client.post(`/o/${slug}/settings/webhooks/${id}/rotate`)).status).toBe(403)
  })

  it('a form without an event or with a bad address is shown again with the reason and what was typed', async () => {
    const { client, slug } = await signUp('Form Co')
    const res = await client.post(`/o/${slug}/settings/webhooks`, { url: 'ftp://example.com', description: 'Mine' })
    const html = await res.text()
    expect(res.status).toBe(422)
    expect(errorFor(html, 'url')).toMatch(/https:\/\//)
    expect(errorFor(html, 'events')).toBeNull() // one message at a time per field; the URL's first
    expect(dom(html).querySelector('input[name="description"]')!.getAttribute('value')).toBe('Mine')
    const none = await client.post(`/o/${slug}/settings/webhooks`, { url: 'https://example.com/hook' })
    expect(none.status).toBe(422)
    expect(errorFor(await none.text(), 'events')).toBe('Choose at least one event to send')
  })
})

describe('webhook targets in production', () => {
  const octet = fc.integer({ min: 0, max: 255 })
  const v4 = (a: fc.Arbitrary<number>, b: fc.Arbitrary<number> = octet) =>
    fc.tuple(a, b, octet, octet).map((parts) => parts.join('.'))
  const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16))
  const privateV4 = fc.oneof(
    v4(fc.constant(10)),
    v4(fc.constant(127)),
    v4(fc.constant(0)),
    v4(fc.constant(169), fc.constant(254)),
    v4(fc.constant(172), fc.integer({ min: 16, max: 31 })),
    v4(fc.constant(192), fc.constant(168)),
  )
  const privateV6 = fc.oneof(
    fc.constantFrom('[::1]', '[::]', '[0:0:0:0:0:0:0:1]'),
    fc.tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), hextet).map(([a, b]) => `[${a.toString(16)}:${b}::1]`),
    fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), hextet).map(([a, b]) => `[${a.toString(16)}::${b}]`),
    privateV4.map((ip) => `[::ffff:${ip}]`),
  )
  const publicV4 = fc
    .tuple(fc.integer({ min: 1, max: 223 }), octet, octet, octet)
    .filter(([a, b]) => ![10, 127].includes(a) && !(a === 169 && b === 254) && !(a === 172 && b >= 16 && b <= 31))
    .filter(([a, b]) => !(a === 192 && b === 168))
    .map((parts) => parts.join('.'))

  it('refuses every literal private, loopback, link-local, unspecified and metadata address, and localhost', () => {
    fc.assert(
      fc.property(fc.oneof(privateV4, privateV6, fc.constantFrom('localhost', 'api.localhost')), (host) => {
        expect(targetProblem(`https://${host}/hook`, true)).toMatch(/private network/)
        // What URL makes of the host (an IPv4 written in hex or as one number is normalized first).
        expect(isPrivateHost(new URL(`https://${host}/`).hostname)).toBe(true)
      }),
      { numRuns: 300 },
    )
    expect(targetProblem('https://169.254.169.254/latest/meta-data', true)).toMatch(/private network/)
    expect(targetProblem('https://0x7f.1/hook', true)).toMatch(/private network/)
    expect(targetProblem('https://2130706433/hook', true)).toMatch(/private network/)
  })

  it('accepts public https addresses and names, refuses http; development takes any http(s) URL', () => {
    fc.assert(
      fc.property(publicV4, (host) => {
        expect(targetProblem(`https://${host}/hook`, true)).toBeNull()
        expect(targetProblem(`http://${host}/hook`, true)).toMatch(/https/)
      }),
      { numRuns: 300 },
    )
    expect(targetProblem('https://hooks.example.com/in', true)).toBeNull()
    expect(targetProblem('http://127.0.0.1:9999/hook', false)).toBeNull()
  })

  it('the settings form in production answers 422 with the reason, the address kept', async () => {
    const { client, slug } = await signUp('Prod Co')
    const production = { ...env, APP_ENV: 'production' }
    for (const url of [
      'https://10.1.2.3/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/',
      'http://x.example/',
    ]) {
      const fields = new URLSearchParams({ url, 'event_lead.created': '1', active: '1' })
      const res = await postWith(production, client, `/o/${slug}/settings/webhooks`, fields)
      const html = await res.text()
      expect(res.status, url).toBe(422)
      expect(errorFor(html, 'url'), url).toMatch(/private network|https:\/\//)
      expect(dom(html).querySelector('input[name="url"]')!.getAttribute('value')).toBe(url)
    }
  })
})
