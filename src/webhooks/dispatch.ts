/**
 * Putting webhook deliveries on the `leadpool-webhooks` queue (docs/ARCHITECTURE.md "Webhooks out"): the rows the
 * trigger wrote with a change are claimed (`dispatched_at`) and sent once the request's change was saved; the cron's
 * sweep sends what is due and was never sent or whose message was lost (a restart, a failed send).
 */
import { and, asc, eq, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { orgDatabases } from '../access/unit'
import type { Database } from '../db/client'
import { webhookDeliveries, webhookEndpoints } from '../db/schema'
import type { App, Env } from '../env'
import type { WebhookMessage } from '../lib/queue-messages'
import { sendAll } from '../lib/queue-send'

/** A due delivery whose message was put on the queue this long ago (ms) and that is still pending lost it. */
export const LOST_AFTER_MS = 10 * 60_000

/** Most deliveries put on the queue by one call; the next call (or tick) takes the rest. */
const MAX_PER_CALL = 500

/**
 * Claims the pending deliveries of active endpoints matching `where` (at most 500, oldest due first) by setting
 * their `dispatched_at` to `now`, in one statement (so two callers never claim the same row), and puts one message
 * per row on the queue (lib/queue-send.ts `sendAll`, as the email outbox does). Unlike the email sweep
 * (email/sweep.ts), which orders by the time it also stamps and so reads before it writes, the claim and the read
 * are one statement here: a request's claim races other requests' at every change.
 * @returns the ids sent
 * @throws when D1 or the queue fails; a row claimed but not sent is sent by the sweep after LOST_AFTER_MS
 */
async function claimAndSend(db: Database, queue: Queue<WebhookMessage>, where: SQL, now: number): Promise<string[]> {
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.status, 'pending'), eq(webhookEndpoints.active, true), where))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(MAX_PER_CALL)
  const claimed = await db
    .update(webhookDeliveries)
    .set({ dispatchedAt: now })
    .where(sql`${webhookDeliveries.id} IN ${due}`)
    .returning({ deliveryId: webhookDeliveries.id, orgId: webhookDeliveries.orgId })
    .all()
  await sendAll(queue, claimed)
  return claimed.map((row) => row.deliveryId)
}

/**
 * Sends the deliveries not yet put on the queue (just written with a change, or made due again by a redeliver or a
 * resumed endpoint), of every database holding organizations, or of `db` alone (the database a change was written
 * in). @returns their ids @throws as `claimAndSend`
 */
export async function dispatchNewDeliveries(
  env: Pick<Env, 'DB' | 'TENANT_DATABASES' | 'APP_URL' | 'EMAIL_QUEUE' | 'WEBHOOK_QUEUE'>,
  now: number,
  db?: Database,
): Promise<string[]> {
  const databases = db ? [db] : orgDatabases(env).map((each) => each.db)
  const sent = await Promise.all(
    databases.map((each) => claimAndSend(each, env.WEBHOOK_QUEUE, isNull(webhookDeliveries.dispatchedAt), now)),
  )
  return sent.flat()
}

/**
 * The cron's webhook sweep: sends every pending delivery of an active endpoint that is due (`next_attempt_at` ≤
 * `now`) and was never put on the queue or was put there LOST_AFTER_MS or more before `now` (its message lost), in
 * every database holding organizations.
 * @returns the ids sent @throws as `claimAndSend`
 */
export async function sweepWebhooks(env: Env, now: number): Promise<string[]> {
  const lost = or(isNull(webhookDeliveries.dispatchedAt), lte(webhookDeliveries.dispatchedAt, now - LOST_AFTER_MS))
  const sent = await Promise.all(
    orgDatabases(env).map(({ db }) =>
      claimAndSend(db, env.WEBHOOK_QUEUE, and(lte(webhookDeliveries.nextAttemptAt, now), lost)!, now),
    ),
  )
  return sent.flat()
}

/**
 * Middleware (app.ts, every request): once the request saved a change (`c.var.changeSaved`, db/d1-session.ts), the
 * deliveries its activities wrote go on the queue (from its organization's database when it acted in one as a member). Never
 * throws: the change is saved, and the sweep sends them later.
 */
export const dispatchAfterChange: MiddlewareHandler<App> = async (c, next) => {
  await next()
  if (!c.var.changeSaved) return
  await dispatchNewDeliveries(c.env, Date.now(), c.var.unit?.db).catch((error) =>
    console.error('webhook deliveries not queued yet', error),
  )
}
