/**
 * Sends one outbox email through Resend (`resend` SDK) and classifies the answer. The SDK never
 * throws on API or network errors; it returns `{ data, error }` with `error.statusCode` (null when
 * the request did not get an answer).
 */
import { Resend } from 'resend'
import type { OutboxEmail } from '../db/schema'
import { senderOf } from './sender'

/** Where and as whom to send: the API key, the API base URL (unset: Resend's), the sender. */
export type ResendConfig = { apiKey: string; baseUrl?: string; from: string }

/**
 * - `accepted`: Resend took the email (`providerId` is its id);
 * - `retry`: worth trying again later (network, 429 rate/quota limit, 5xx, concurrent request with
 *   the same idempotency key);
 * - `rejected`: will never succeed as it is (other 4xx, e.g. 422 invalid address).
 * `error` is `"<status> <name>: <message>"`, status `network` when there was no answer.
 */
export type SendOutcome = { outcome: 'accepted'; providerId: string } | { outcome: 'retry' | 'rejected'; error: string }

/**
 * Sends `email` with its outbox id as the idempotency key, so a repeated send of the same row
 * within Resend's 24 h window delivers nothing twice. Its `fromName` goes in front of `config.from`'s
 * address (sender.ts), its `headers` (e.g. List-Unsubscribe) are passed on.
 */
export async function sendWithResend(config: ResendConfig, email: OutboxEmail): Promise<SendOutcome> {
  const resend = new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl } : undefined)
  const { data, error } = await resend.emails.send(
    {
      from: senderOf(email.fromName, config.from),
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      ...(email.headers ? { headers: email.headers } : {}),
    },
    { idempotencyKey: email.id },
  )
  if (data) return { outcome: 'accepted', providerId: data.id }
  const status = error?.statusCode ?? null
  const text = `${status ?? 'network'} ${error?.name ?? 'unknown_error'}: ${error?.message ?? 'no answer'}`
  const retry = status === null || status === 429 || status >= 500 || error?.name === 'concurrent_idempotent_requests'
  return { outcome: retry ? 'retry' : 'rejected', error: text }
}
