/**
 * Consumers of the email queues. `leadpool-email` sends each outbox row once; `leadpool-email-dlq`
 * receives the messages that ran out of retries and marks their rows `failed`.
 *
 * Nothing is sent twice: a row that is no longer `queued` is only acknowledged, and every send
 * carries the outbox id as Resend's idempotency key, so a redelivery after a crash between
 * "Resend accepted" and "row marked sent" delivers nothing new.
 */
import { orgDatabaseOf, sharedDatabase } from '../access/unit'
import type { Database } from '../db/client'
import type { Env } from '../env'
import type { ReceivedEmailMessage } from '../lib/queue-messages'
import { countAttempt, loadOutboxEmail, markCaptured, markFailed, markSent, recordError } from './outbox-state'
import { sendWithResend } from './resend-client'

/** First retry delay in seconds, as `retry_delay` in wrangler.toml; doubles each attempt. */
export const RETRY_BASE_SECONDS = 10

/** Longest retry delay in seconds. */
const RETRY_MAX_SECONDS = 900

/**
 * Delay before the next try after `attempts` tries: 10 · 2^(attempts−1) seconds, at most 900
 * (10, 20, 40, 80, 160, … s).
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_SECONDS)
}

/**
 * Queue consumer of `leadpool-email`. Each message is `{ outboxId, orgId }` (src/lib/queue-messages.ts;
 * `orgId` absent on messages queued before #22, which are handled the same without the check below).
 * For each message, loads its outbox row and:
 * - row missing or no longer `queued` (`sent`, `captured`, `failed`) → ack, nothing sent;
 * - the message names an organization (or none) other than the row's → logged, ack, nothing sent: the
 *   row stays `queued` and the outbox sweep (sweep.ts) enqueues it again with the row's own;
 * - no `RESEND_API_KEY` → row `captured` (readable at /_dev/mail), ack;
 * - otherwise counts an attempt and sends with Resend (from `EMAIL_FROM`, to `RESEND_BASE_URL` when
 *   set): accepted → `sent` with Resend's id and `sent_at`, ack; 429 / 5xx / network → `last_error`
 *   recorded, row stays `queued`, message retried after `retryDelaySeconds(attempts)`; any other
 *   4xx → `failed` with the reason, ack.
 * An unexpected error (e.g. D1 unavailable) retries that message only. After `max_retries`
 * (wrangler.toml) the queue moves the message to the dead-letter queue.
 */
export async function handleEmailBatch(batch: MessageBatch<ReceivedEmailMessage>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const db = await outboxOf(env, message.body)
      try {
        await deliver(db, env, message)
      } catch (error) {
        console.error('email delivery failed', message.body.outboxId, message.body.orgId, message.attempts, error)
        await recordError(db, message.body.outboxId, describeError(error), Date.now()).catch(() => undefined)
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
      }
    }),
  )
}

/**
 * The database holding the outbox row of `message`: its organization's (`orgDatabaseOf`); an account email (no
 * organization, or a message queued before messages named their organization) is in the directory's.
 */
function outboxOf(env: Env, message: ReceivedEmailMessage): Promise<Database> {
  return message.orgId ? orgDatabaseOf(env, message.orgId) : Promise.resolve(sharedDatabase(env))
}

/** First line of an error's message, plus its cause's (drizzle wraps D1 errors). */
function describeError(error: unknown): string {
  const text = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]
  return error instanceof Error && error.cause !== undefined ? `${text(error)}: ${text(error.cause)}` : `${text(error)}`
}

async function deliver(db: Database, env: Env, message: Message<ReceivedEmailMessage>): Promise<void> {
  const { outboxId: id, orgId } = message.body
  const email = await loadOutboxEmail(db, id)
  if (!email || email.status !== 'queued') {
    if (!email) console.warn('email message for a missing outbox row', id, orgId)
    return message.ack()
  }
  if (orgId !== undefined && orgId !== email.orgId) {
    console.error('email message names another organization than its outbox row', id, orgId, email.orgId)
    return message.ack()
  }
  if (!env.RESEND_API_KEY) {
    await markCaptured(db, id, Date.now())
    return message.ack()
  }
  const attempts = await countAttempt(db, id, Date.now())
  if (attempts === null) return message.ack() // finished meanwhile by another delivery

  const config = { apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL || undefined, from: env.EMAIL_FROM }
  const result = await sendWithResend(config, email)
  if (result.outcome === 'accepted') {
    await markSent(db, id, result.providerId, Date.now())
    return message.ack()
  }
  if (result.outcome === 'retry') {
    console.warn('email will be retried', id, attempts, result.error)
    await recordError(db, id, result.error, Date.now())
    return message.retry({ delaySeconds: retryDelaySeconds(attempts) })
  }
  console.error('email rejected by Resend', id, result.error)
  await markFailed(db, id, result.error, Date.now())
  message.ack()
}

/**
 * Queue consumer of `leadpool-email-dlq`: each message's row, if still `queued`, becomes `failed`
 * with `gave up after N attempts: <last error>`; rows already `sent`, `captured` or `failed` are
 * left as they are. Acks every message.
 */
export async function handleEmailDeadLetters(batch: MessageBatch<ReceivedEmailMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const db = await outboxOf(env, message.body)
    const id = message.body.outboxId
    const email = await loadOutboxEmail(db, id)
    if (email?.status === 'queued') {
      console.error('email given up', id, message.body.orgId, email.attempts, email.lastError)
      const reason = `gave up after ${email.attempts} attempts: ${email.lastError ?? 'no error recorded'}`
      await markFailed(db, id, reason, Date.now())
    }
    message.ack()
  }
}
