/**
 * Worker entry: `fetch` (the Hono app), `queue` (CSV import chunks, email outbox, and the dead
 * letters of both), `scheduled` (the cron's chores, src/scheduled.ts), and the Durable Object classes.
 */
import { buildApp } from './app'
import { runChores } from './scheduled'
import type { Env } from './env'
import {
  handleImportBatch,
  handleImportDeadLetters,
  IMPORT_DEAD_LETTER_QUEUE_NAME,
  IMPORT_QUEUE_NAME,
} from './imports/queue'
import { handleEmailBatch, handleEmailDeadLetters } from './email/email-consumer'
import { EMAIL_DEAD_LETTER_QUEUE_NAME, EMAIL_QUEUE_NAME } from './email/outbox'
import type { ImportChunkMessage, ReceivedEmailMessage } from './lib/queue-messages'

export { LeadRoom } from './collaboration/lead-room'
export { PoolRoom } from './pool/pool-room'
export { OrgRoom } from './leads/org-room'

const app = buildApp()

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    switch (batch.queue) {
      case IMPORT_QUEUE_NAME:
        return handleImportBatch(batch as MessageBatch<ImportChunkMessage>, env)
      case IMPORT_DEAD_LETTER_QUEUE_NAME:
        return handleImportDeadLetters(batch as MessageBatch<ImportChunkMessage>, env)
      case EMAIL_QUEUE_NAME:
        return handleEmailBatch(batch as MessageBatch<ReceivedEmailMessage>, env)
      case EMAIL_DEAD_LETTER_QUEUE_NAME:
        return handleEmailDeadLetters(batch as MessageBatch<ReceivedEmailMessage>, env)
      default:
        // A queue this Worker does not know: retried, never silently dropped.
        console.error(`no consumer for queue ${batch.queue}; retrying ${batch.messages.length} message(s)`)
        batch.retryAll({ delaySeconds: 60 })
    }
  },

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await runChores(env, controller.scheduledTime)
  },
} satisfies ExportedHandler<Env, unknown>
