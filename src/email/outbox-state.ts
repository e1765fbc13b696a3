/**
 * The state changes of an outbox row: `queued` → `sent` | `captured` | `failed`. Every change but
 * `markSent` applies only to a row still `queued`, so a late or repeated queue message never
 * undoes a final state. Times are epoch ms.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { emailOutbox, type OutboxEmail } from '../db/schema'

/** Longest error text kept in `last_error`. */
const MAX_ERROR_LENGTH = 500

const stillQueued = (id: string) => and(eq(emailOutbox.id, id), eq(emailOutbox.status, 'queued'))

/** The outbox row `id`, or undefined when there is none. */
export function loadOutboxEmail(db: Database, id: string): Promise<OutboxEmail | undefined> {
  return db.select().from(emailOutbox).where(eq(emailOutbox.id, id)).get()
}

/**
 * Counts one provider call before it is made (so a call whose outcome is never recorded still
 * counts). @returns the new attempt count, or null when the row is no longer `queued`.
 */
export async function countAttempt(db: Database, id: string, now: number): Promise<number | null> {
  const row = await db
    .update(emailOutbox)
    .set({ attempts: sql`${emailOutbox.attempts} + 1`, updatedAt: now })
    .where(stillQueued(id))
    .returning({ attempts: emailOutbox.attempts })
    .get()
  return row?.attempts ?? null
}

/** The provider accepted the email: `sent` with its id. Applies whatever the status was. */
export async function markSent(db: Database, id: string, providerId: string, now: number): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ status: 'sent', providerId, sentAt: now, lastError: null, updatedAt: now })
    .where(eq(emailOutbox.id, id))
}

/** No provider is configured: `captured` (kept for /_dev/mail, never sent). */
export async function markCaptured(db: Database, id: string, now: number): Promise<void> {
  await db.update(emailOutbox).set({ status: 'captured', updatedAt: now }).where(stillQueued(id))
}

/** A failure that will be retried: stays `queued`, `error` kept as `last_error`. */
export async function recordError(db: Database, id: string, error: string, now: number): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ lastError: error.slice(0, MAX_ERROR_LENGTH), updatedAt: now })
    .where(stillQueued(id))
}

/** Final failure: `failed` with `reason` as `last_error`. */
export async function markFailed(db: Database, id: string, reason: string, now: number): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ status: 'failed', lastError: reason.slice(0, MAX_ERROR_LENGTH), updatedAt: now })
    .where(stillQueued(id))
}
