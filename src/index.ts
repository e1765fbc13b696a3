/**
 * Worker entry: `fetch` (the Hono app), `queue` (CSV import chunks; email arrives with the outbox),
 * `scheduled` (housekeeping), and the Durable Object classes.
 */
import { buildApp } from './app'
import { pruneLoginAttempts } from './auth/login-throttle'
import { deleteExpiredSessions } from './auth/sessions'
import { createDb } from './db/client'
import type { Env } from './env'
import { handleImportBatch, IMPORT_QUEUE_NAME, type ImportChunkMessage } from './leads/import-queue'

export { LeadRoom } from './activity/lead-room'
export { PoolRoom } from './pool/pool-room'

const app = buildApp()

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    if (batch.queue === IMPORT_QUEUE_NAME) {
      return handleImportBatch(batch as MessageBatch<ImportChunkMessage>, createDb(env.DB))
    }
    // Only the import queue has producers so far; anything else is retried, never silently dropped.
    console.error(`no consumer for queue ${batch.queue}; retrying ${batch.messages.length} message(s)`)
    batch.retryAll({ delaySeconds: 60 })
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const db = createDb(env.DB)
    await deleteExpiredSessions(db)
    await pruneLoginAttempts(db)
  },
} satisfies ExportedHandler<Env, unknown>
