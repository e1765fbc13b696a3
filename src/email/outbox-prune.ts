/**
 * Pruning the outbox (cron): an email's text and HTML are most of its row, and the outbox keeps every email, so
 * after BODIES_KEPT_DAYS a delivered (or given-up) email keeps only what troubleshooting needs: to whom, what kind,
 * its state, attempts, last error, Resend's id and its times (docs/ARCHITECTURE.md "Nothing lost").
 */
import { and, asc, inArray, isNull, lt, ne } from 'drizzle-orm'
import type { Database } from '../db/client'
import { emailOutbox } from '../db/schema'

/** How long an email's bodies are kept after it was sent, captured or given up (days). */
export const BODIES_KEPT_DAYS = 14

/** BODIES_KEPT_DAYS in ms. */
export const BODIES_KEPT_MS = BODIES_KEPT_DAYS * 24 * 3600_000

/** Rows one statement prunes: a short write, so other requests' writes wait little behind it. */
const ROWS_PER_STATEMENT = 500

/** Statements one run sends at most (so at most 5,000 rows a run, 1,000 a minute with the cron every 5 minutes). */
const STATEMENTS_PER_RUN = 10

/**
 * Removes the bodies (`text` and `html` set to '', `headers` to null) of the outbox rows that are `sent`, `captured`
 * or `failed` and whose last change (`updated_at`) is older than `now − BODIES_KEPT_MS`, oldest first, in statements
 * of at most 500 rows, at most 5,000 rows a run (the next run takes the rest), marking each with `bodies_pruned_at`.
 * `queued` rows are never touched (they are still to be sent); nor is `updated_at`, which the sweep and the team
 * page's delivery problems read.
 *
 * @param now epoch ms (the cron's `scheduledTime`)
 * @returns how many rows lost their bodies
 * @throws when D1 fails; what was pruned stays pruned and a later run goes on
 */
export async function pruneOutboxBodies(db: Database, now: number): Promise<number> {
  let pruned = 0
  for (let i = 0; i < STATEMENTS_PER_RUN; i++) {
    const oldest = db
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(
        and(
          isNull(emailOutbox.bodiesPrunedAt),
          lt(emailOutbox.updatedAt, now - BODIES_KEPT_MS),
          // Sent, captured or failed. `<>` keeps SQLite on the index of the rows still holding bodies: the status
          // index would walk every pruned row too.
          ne(emailOutbox.status, 'queued'),
        ),
      )
      .orderBy(asc(emailOutbox.updatedAt))
      .limit(ROWS_PER_STATEMENT)
    const result = await db
      .update(emailOutbox)
      .set({ text: '', html: '', headers: null, bodiesPrunedAt: now })
      .where(inArray(emailOutbox.id, oldest))
      .run()
    const changed = result.meta.changes ?? 0
    pruned += changed
    if (changed < ROWS_PER_STATEMENT) break
  }
  return pruned
}
