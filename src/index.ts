/**
 * Worker entry: `fetch` (the Hono app), `queue` (CSV import chunks, email outbox, and the dead
 * letters of both; webhook deliveries), `scheduled` (the cron's chores, src/scheduled.ts), `email` (mail to an
 * organization's inbound address, src/inbound-email/receive.ts), and the Durable Object classes.
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
import type { ImportChunkMessage, ReceivedEmailMessage, WebhookMessage } from './lib/queue-messages'
import { receiveEmail } from './inbound-email/receive'
import { handleWebhookBatch, WEBHOOK_QUEUE_NAME } from './webhooks/deliver'
import { dispatchNewDeliveries } from './webhooks/dispatch'

export { LeadRoom } from './collaboration/lead-room'
export { PoolRoom } from './pool/pool-room'
export { OrgRoom } from './leads/org-room'

const app = buildApp()

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    switch (batch.queue) {
      case IMPORT_QUEUE_NAME:
        await handleImportBatch(batch as MessageBatch<ImportChunkMessage>, env)
        // The imported leads' webhook deliveries (their `created` activities wrote them) go on their queue now.
        await dispatchNewDeliveries(env, Date.now()).catch((error) => console.error('webhooks not queued yet', error))
        return
      case IMPORT_DEAD_LETTER_QUEUE_NAME:
        return handleImportDeadLetters(batch as MessageBatch<ImportChunkMessage>, env)
      case EMAIL_QUEUE_NAME:
        return handleEmailBatch(batch as MessageBatch<ReceivedEmailMessage>, env)
      case EMAIL_DEAD_LETTER_QUEUE_NAME:
        return handleEmailDeadLetters(batch as MessageBatch<ReceivedEmailMessage>, env)
      case WEBHOOK_QUEUE_NAME:
        return handleWebhookBatch(batch as MessageBatch<WebhookMessage>, env)
      default:
        // A queue this Worker does not know: retried, never silently dropped.
        console.error(`no consumer for queue ${batch.queue}; retrying ${batch.messages.length} message(s)`)
        batch.retryAll({ delaySeconds: 60 })
    }
  },

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await runChores(env, controller.scheduledTime)
  },

  async email(message: ForwardableEmailMessage, env: Env): Promise<void> {
    const outcome = await receiveEmail(env, message)
    console.log('inbound email', message.to, outcome.kind, 'reason' in outcome ? outcome.reason : '')
  },
} satisfies ExportedHandler<Env, unknown>
