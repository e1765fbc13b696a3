/**
 * The consumer of `leadpool-webhooks` (docs/ARCHITECTURE.md "Webhooks out"): one attempt per message at one
 * delivery, signed with its endpoint's secret by the Standard Webhooks scheme (`standardwebhooks`), its outcome kept
 * on the row (the endpoint's delivery log). A failure schedules the next attempt on the row and on the queue
 * (RETRY_SCHEDULE_MS); an endpoint failing without a success for PAUSE_AFTER_MS is paused and its owner emailed.
 * Each delivery is its own message, so no endpoint or lead waits behind another's retry.
 */
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { orgDatabaseOf } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import {
  memberships,
  organizations,
  users,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookEndpoint,
} from '../db/schema'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { renderEmail } from '../email/templates'
import type { Env } from '../env'
import type { WebhookMessage } from '../lib/queue-messages'
import { webhookPayload } from './payload'

/** Queue name of the webhook queue, as in wrangler.toml. */
export const WEBHOOK_QUEUE_NAME = 'leadpool-webhooks'

/** Waits before the 2nd, 3rd, … attempt (ms): 1 min, 5 min, 30 min, 2 h, 6 h, then every 12 h. */
export const RETRY_SCHEDULE_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000]

/** An endpoint whose deliveries have all failed for this long (ms) is paused. */
export const PAUSE_AFTER_MS = 24 * 3_600_000

/** How long an endpoint has to answer (ms) before the attempt counts as failed. */
export const ANSWER_TIMEOUT_MS = 10_000

/** Longest error text kept on a delivery. */
const MAX_ERROR_LENGTH = 300

/** The wait (ms) after the `attempts`-th failed attempt (1-based) before the next. */
export function retryDelayMs(attempts: number): number {
  return RETRY_SCHEDULE_MS[Math.min(attempts, RETRY_SCHEDULE_MS.length) - 1]!
}

/** What one attempt did: sent and answered 2xx, failed (retried later), or nothing to do (`skipped`). */
export type AttemptOutcome = 'delivered' | 'failed' | 'skipped'

/**
 * Queue consumer of `leadpool-webhooks`: one attempt per message (`{ deliveryId, orgId }`), all at once; each
 * message is acked once its attempt is recorded (a failure schedules its own next attempt). An unexpected error
 * (D1 unavailable) retries that message after a minute.
 */
export async function handleWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await attemptDelivery(env, message.body, { now: Date.now() })
        message.ack()
      } catch (error) {
        console.error('webhook attempt failed', message.body, error)
        message.retry({ delaySeconds: 60 })
      }
    }),
  )
}

/**
 * One attempt at delivery `message.deliveryId` of organization `message.orgId`, at `options.now` (epoch ms): nothing
 * when it is no longer pending, its endpoint is paused or gone, or it is not due; else signs and POSTs its payload
 * (`webhook-id` = the delivery's id, `webhook-timestamp`, `webhook-signature`) and records status, latency and
 * answer. A failure (no answer within `options.timeoutMs`, default ANSWER_TIMEOUT_MS, or not 2xx) schedules the next
 * attempt after `retryDelayMs(attempts)`, and pauses the endpoint once failing for PAUSE_AFTER_MS.
 * @throws when D1 or the queue fails (the message is retried)
 */
export async function attemptDelivery(
  env: Env,
  message: WebhookMessage,
  options: { now: number; timeoutMs?: number },
): Promise<AttemptOutcome> {
  const { now } = options
  const db = await orgDatabaseOf(env, message.orgId)
  const found = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, message.deliveryId), eq(webhookDeliveries.orgId, message.orgId)))
    .get()
  if (!found || found.delivery.status !== 'pending' || !found.endpoint.active) return 'skipped'
  const { delivery, endpoint } = found
  if (delivery.nextAttemptAt > now + 5_000) return 'skipped' // a message ahead of its row: the row's own comes later

  const payload = delivery.payload ?? (await webhookPayload(db, delivery))
  const headers = new Webhook(endpoint.secret).sign(delivery.id, new Date(now), payload)
  const started = Date.now()
  const answer = await post(endpoint.url, delivery.id, now, headers, payload, options.timeoutMs ?? ANSWER_TIMEOUT_MS)
  const latencyMs = Date.now() - started
  const attempts = delivery.attempts + 1
  const seen = {
    payload,
    attempts,
    lastStatusCode: answer.status,
    lastLatencyMs: latencyMs,
    lastError: answer.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    lastAttemptAt: now,
  }
  const thisRow = and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'pending'))
  if (answer.ok) {
    await runBatch(db, [
      db
        .update(webhookDeliveries)
        .set({ ...seen, status: 'delivered', deliveredAt: now })
        .where(thisRow),
      db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id)),
    ])
    return 'delivered'
  }
  const nextAttemptAt = now + retryDelayMs(attempts)
  await runBatch(db, [
    db
      .update(webhookDeliveries)
      .set({ ...seen, nextAttemptAt, dispatchedAt: nextAttemptAt })
      .where(thisRow),
    db
      .update(webhookEndpoints)
      .set({ failingSince: endpoint.failingSince ?? now })
      .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.failingSince))),
  ])
  const paused = await pauseIfFailingLong(env, db, { ...endpoint, failingSince: endpoint.failingSince ?? now }, now)
  if (!paused) {
    const delaySeconds = Math.min(Math.ceil(retryDelayMs(attempts) / 1000), 43_200) // Queues delay at most 12 h
    await env.WEBHOOK_QUEUE.send(message, { delaySeconds, contentType: 'json' })
  }
  return 'failed'
}

/** What the endpoint answered: `ok` for 2xx; `status` null when it did not answer (`error` says why). */
type Answer = { ok: boolean; status: number | null; error?: string }

async function post(
  url: string,
  id: string,
  now: number,
  signature: string,
  payload: string,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Leadpool-Webhooks/1',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now / 1000)),
        'webhook-signature': signature,
      },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel()
    const ok = response.status >= 200 && response.status < 300
    return { ok, status: response.status, error: ok ? undefined : `answered ${response.status}` }
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return { ok: false, status: null, error: timedOut ? `no answer within ${timeoutMs} ms` : String(error) }
  }
}

/**
 * Pauses `endpoint` when its deliveries have failed since PAUSE_AFTER_MS or more before `now` and it is still active,
 * and emails the member who created it (if still an active Owner or Admin) or else the organization's Owners, in
 * one batch guarded on it being active and failing (so it is paused and announced once).
 * @returns whether it was paused now
 */
async function pauseIfFailingLong(env: Env, db: Database, endpoint: WebhookEndpoint, now: number): Promise<boolean> {
  if (endpoint.failingSince === null || endpoint.failingSince > now - PAUSE_AFTER_MS) return false
  const org = await db.select().from(organizations).where(eq(organizations.id, endpoint.orgId)).get()
  if (!org) return false
  const people = await db
    .select({ id: users.id, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, org.id),
        eq(memberships.status, 'active'),
        inArray(memberships.role, ['owner', 'admin']),
      ),
    )
    .all()
  const creator = people.filter((p) => p.id === endpoint.createdBy)
  const to = creator.length > 0 ? creator : people.filter((p) => p.role === 'owner')
  const link = `${env.APP_URL}/o/${org.slug}/settings/webhooks/${endpoint.id}`
  const mails = to.map((person) =>
    outboxInsert(
      db,
      {
        orgId: org.id,
        to: person.email,
        kind: 'webhook_paused',
        ...renderEmail({
          subject: `Webhook endpoint paused: ${endpoint.url}`,
          orgName: org.name,
          heading: 'A webhook endpoint was paused',
          paragraphs: [
            `Leadpool paused the endpoint ${endpoint.url}: every delivery to it has failed for 24 hours.`,
            'Its events are kept. Fix the receiver, then resume the endpoint to send them.',
          ],
          action: { label: 'Open the endpoint', url: link },
          appUrl: env.APP_URL,
        }),
      },
      now,
    ),
  )
  const stillFailing = sql`EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ${endpoint.id} AND active = 1 AND failing_since IS NOT NULL AND failing_since <= ${now - PAUSE_AFTER_MS})`
  try {
    await runBatch(db, [
      unlessChanged(db, stillFailing),
      db
        .update(webhookEndpoints)
        .set({ active: false, pausedForFailures: true, updatedAt: now })
        .where(and(eq(webhookEndpoints.id, endpoint.id), lte(webhookEndpoints.failingSince, now - PAUSE_AFTER_MS))),
      ...mails.map((m) => m.statement),
    ])
  } catch (error) {
    if (staleWrite(error)) return false // paused meanwhile by another attempt
    throw error
  }
  await dispatchEmails(
    env.EMAIL_QUEUE,
    mails.map((m) => m.message),
  ).catch((error) => console.error('webhook pause emails not queued yet', error))
  return true
}
