/**
 * Worker entry: `fetch` (the Hono app), `queue` (CSV import chunks, email outbox, and the dead
 * letters of both), `scheduled` (outbox and import sweeps; daily notification digests; handoff reminders; the morning
 * reminder of tasks due today; clean-up of sessions, log-in throttle records, sent emails' bodies after two weeks,
 * expired sign-up and reset links, imports left on their mapping step), and the Durable Object classes.
 */
import { buildApp } from './app'
import { pruneLoginAttempts } from './auth/login-throttle'
import { prunePasswordResets } from './auth/password-reset'
import { deleteExpiredSessions } from './auth/sessions'
import { createDb } from './db/client'
import { pruneFormTokens } from './db/idempotency'
import { pruneImportDrafts } from './leads/import-jobs'
import type { Env } from './env'
import { prunePendingSignups } from './onboarding/signup'
import {
  handleImportBatch,
  handleImportDeadLetters,
  IMPORT_DEAD_LETTER_QUEUE_NAME,
  IMPORT_QUEUE_NAME,
} from './leads/import-queue'
import { sweepImportJobs } from './leads/import-sweep'
import { leadRouter } from './leads/routing'
import { agePools } from './pool/aging'
import { handleEmailBatch, handleEmailDeadLetters } from './email/email-consumer'
import { EMAIL_DEAD_LETTER_QUEUE_NAME, EMAIL_QUEUE_NAME } from './email/outbox'
import type { ImportChunkMessage, ReceivedEmailMessage } from './lib/queue-messages'
import { pruneOutboxBodies } from './email/outbox-prune'
import { sweepOutbox } from './email/sweep'
import { remindWaitingHandoffs } from './assignment/handoff-reminders'
import { sendDigests } from './notifications/digest'
import { pruneUnsubscribeTokens } from './notifications/unsubscribe'
import { remindTasksDueToday } from './tasks/reminders'

export { LeadRoom } from './collaboration/lead-room'
export { PoolRoom } from './pool/pool-room'

const app = buildApp()

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    switch (batch.queue) {
      case IMPORT_QUEUE_NAME:
        return handleImportBatch(batch as MessageBatch<ImportChunkMessage>, createDb(env.DB), leadRouter(env))
      case IMPORT_DEAD_LETTER_QUEUE_NAME:
        return handleImportDeadLetters(batch as MessageBatch<ImportChunkMessage>, createDb(env.DB))
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
    const db = createDb(env.DB)
    // Each chore runs even when another fails; failures are logged and retried next tick.
    const chores = await Promise.allSettled([
      sweepOutbox(env, controller.scheduledTime),
      sweepImportJobs(db, env.IMPORT_QUEUE, controller.scheduledTime),
      pruneOutboxBodies(db, controller.scheduledTime),
      sendDigests({ db, appUrl: env.APP_URL, queue: env.EMAIL_QUEUE }, controller.scheduledTime),
      deleteExpiredSessions(db),
      pruneLoginAttempts(db),
      prunePendingSignups(db),
      prunePasswordResets(db),
      pruneFormTokens(db, controller.scheduledTime),
      remindWaitingHandoffs(env, controller.scheduledTime),
      pruneImportDrafts(db, controller.scheduledTime),
      pruneUnsubscribeTokens(db, controller.scheduledTime),
      remindTasksDueToday(env, controller.scheduledTime),
      agePools(env, controller.scheduledTime),
    ])
    for (const chore of chores) if (chore.status === 'rejected') console.error('scheduled chore failed', chore.reason)
  },
} satisfies ExportedHandler<Env, unknown>
