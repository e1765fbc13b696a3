/**
 * The transactional email outbox: every email is first a row of `email_outbox`, written in the same
 * D1 batch as the change that causes it, then its id goes onto the `leadpool-email` queue, whose
 * consumer (email-consumer.ts) sends it. A message lost on the way is re-enqueued by the sweep
 * (sweep.ts), so an email whose row was committed is never lost.
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'
import { emailOutbox } from '../db/schema'
import { newId } from '../lib/ids'
import type { EmailMessage } from '../lib/queue-messages'
import { sendAll } from '../lib/queue-send'

/** Queue name of the email queue, as in wrangler.toml. */
export const EMAIL_QUEUE_NAME = 'leadpool-email'

/** Queue name of the email dead-letter queue, as in wrangler.toml. */
export const EMAIL_DEAD_LETTER_QUEUE_NAME = 'leadpool-email-dlq'

/**
 * An email to send. `html` is already-escaped markup (templates.tsx builds it); `kind` says what the
 * email is about (e.g. `invitation`); `orgId` is the organization it belongs to, null for none;
 * `fromName` the sender's display name (any Unicode; default: EMAIL_FROM's); `headers` extra headers
 * such as `List-Unsubscribe`.
 */
export type NewEmail = {
  orgId: string | null
  to: string
  subject: string
  text: string
  html: string
  kind: string
  fromName?: string | null
  headers?: Record<string, string> | null
}

/**
 * The statement that writes `email` into the outbox as `queued` with 0 attempts, to put into the
 * same `db.batch([...])` as the change that causes it. After the batch succeeds, pass the returned
 * id to `dispatchEmails`. Nothing is executed here.
 *
 * @param now creation time, epoch ms (default: now)
 * @returns the new row's id (UUIDv7), the queue message that sends it (`{ outboxId, orgId }`) and the insert statement
 * @example
 * const mail = outboxInsert(db, { orgId, to, kind: 'invitation', ...invitationEmail(props) })
 * await db.batch([insertInvitation, mail.statement])
 * await dispatchEmails(env.EMAIL_QUEUE, [mail.message])
 */
export function outboxInsert(
  db: Database,
  email: NewEmail,
  now = Date.now(),
): { id: string; message: EmailMessage; statement: BatchItem<'sqlite'> } {
  const id = newId()
  const statement = db
    .insert(emailOutbox)
    .values({ id, ...email, status: 'queued', attempts: 0, createdAt: now, updatedAt: now })
  return { id, message: { outboxId: id, orgId: email.orgId }, statement }
}

/**
 * Puts `messages` (one `{ outboxId, orgId }` per outbox row, src/lib/queue-messages.ts) onto the email
 * queue, at most 100 per `sendBatch` call. Call it only after the rows are committed. If it throws (queue unavailable), the rows stay
 * `queued` and the outbox sweep enqueues them later: the caller need not fail its request.
 *
 * @throws whatever `Queue.sendBatch` throws
 */
export async function dispatchEmails(queue: Queue<EmailMessage>, messages: EmailMessage[]): Promise<void> {
  await sendAll(queue, messages)
}
