/**
 * The outbox sweep (cron): queue messages can be lost (locally they live in memory and vanish
 * when `wrangler dev` stops; a dispatch can fail after its rows were committed), so rows that stay
 * `queued` without any change for 10 minutes are put on the queue again.
 */
import { and, asc, eq, inArray, lt } from 'drizzle-orm'
import { orgDatabases } from '../access/unit'
import type { Database } from '../db/client'
import { emailOutbox } from '../db/schema'
import type { Env } from '../env'
import { chunk, D1_MAX_PARAMS } from '../lib/chunk'
import { dispatchEmails } from './outbox'

/** When the sweep runs: `[triggers] crons` in wrangler.toml (every 5 minutes). */
export const SWEEP_CRON = '*/5 * * * *'

/** A `queued` row untouched for this long (ms) has lost its queue message. */
export const STUCK_AFTER_MS = 10 * 60_000

/** Most rows re-enqueued by one sweep; the next tick takes the rest. */
const MAX_ROWS_PER_SWEEP = 500

/**
 * Re-enqueues the outbox rows still `queued` whose `updated_at` is older than `now − 10 min`
 * (oldest first, at most 500), after setting their `updated_at` to `now` so that the next tick
 * does not enqueue them again while their message is on its way. Each message is `{ outboxId, orgId }`
 * with the row's own organization, so a row whose message was refused for naming another one
 * (email-consumer.ts) is sent from here. A row re-enqueued while its first message is still alive is
 * harmless: the consumer sends a row once and Resend deduplicates
 * on the outbox id.
 *
 * @param now epoch ms (the cron's `scheduledTime`, or Date.now())
 * @returns the ids put on the queue
 * @throws when D1 or the queue fails; the rows then stay `queued` and a later tick retries
 */
export async function sweepOutbox(env: Env, now: number): Promise<string[]> {
  // Account emails are in the directory's outbox, an organization's in its database's: one sweep per database.
  const swept = await Promise.all(orgDatabases(env).map(({ db }) => sweepDatabase(env, db, now)))
  return swept.flat()
}

/** `sweepOutbox` in one database `db`. */
async function sweepDatabase(env: Env, db: Database, now: number): Promise<string[]> {
  const stuck = await db
    .select({ outboxId: emailOutbox.id, orgId: emailOutbox.orgId })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.status, 'queued'), lt(emailOutbox.updatedAt, now - STUCK_AFTER_MS)))
    .orderBy(asc(emailOutbox.updatedAt))
    .limit(MAX_ROWS_PER_SWEEP)
    .all()
  const ids = stuck.map((row) => row.outboxId)
  const [first, ...rest] = chunk(ids, D1_MAX_PARAMS - 2).map((part) =>
    db
      .update(emailOutbox)
      .set({ updatedAt: now })
      .where(and(inArray(emailOutbox.id, part), eq(emailOutbox.status, 'queued'))),
  )
  if (!first) return []
  await db.batch([first, ...rest])
  await dispatchEmails(env.EMAIL_QUEUE, stuck)
  return ids
}
