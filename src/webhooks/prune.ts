/**
 * Pruning the webhook outbox (cron): every event is one row per subscribed endpoint, so delivered rows are deleted
 * DELIVERIES_KEPT_DAYS after their delivery; pending ones (still to be sent, or waiting for a paused endpoint) are
 * never touched (README "Webhooks").
 */
import { and, eq, inArray, lt } from 'drizzle-orm'
import type { Database } from '../db/client'
import { webhookDeliveries } from '../db/schema'

/** How long a delivered event stays in its endpoint's delivery log (days). */
export const DELIVERIES_KEPT_DAYS = 30

/** DELIVERIES_KEPT_DAYS in ms. */
export const DELIVERIES_KEPT_MS = DELIVERIES_KEPT_DAYS * 24 * 3600_000

/** Rows one statement deletes: a short write, so other requests' writes wait little behind it. */
const ROWS_PER_STATEMENT = 500

/** Statements one run sends at most (so at most 5,000 rows a run; the next run takes the rest). */
const STATEMENTS_PER_RUN = 10

/**
 * Deletes the deliveries that are `delivered` and whose `delivered_at` is older than `now − DELIVERIES_KEPT_MS`, in
 * statements of at most 500 rows, at most 5,000 rows a run.
 *
 * @param now epoch ms (the cron's `scheduledTime`)
 * @returns how many rows were deleted
 * @throws when D1 fails; what was deleted stays deleted and a later run goes on
 */
export async function pruneWebhookDeliveries(db: Database, now: number): Promise<number> {
  let deleted = 0
  for (let i = 0; i < STATEMENTS_PER_RUN; i++) {
    const old = db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(eq(webhookDeliveries.status, 'delivered'), lt(webhookDeliveries.deliveredAt, now - DELIVERIES_KEPT_MS)),
      )
      .limit(ROWS_PER_STATEMENT)
    const result = await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, old)).run()
    const changed = result.meta.changes ?? 0
    deleted += changed
    if (changed < ROWS_PER_STATEMENT) break
  }
  return deleted
}
