/**
 * The cron's chores (wrangler.toml `crons`, every 5 minutes): each takes the Worker's bindings and the tick's time
 * (epoch ms, `scheduledTime`), and builds its own units of work per organization (src/access/unit.ts `unitFor`) or
 * reads the shared database. Each runs even when another fails; a failure is logged with the chore's name and
 * retried next tick.
 */
import { orgDatabases, sharedDatabase } from './access/unit'
import type { Database } from './db/client'
import { repairMirrors } from './access/mirror'
import { remindWaitingHandoffs } from './assignment/handoff-reminders'
import { pruneLoginAttempts } from './auth/login-throttle'
import { prunePasswordResets } from './auth/password-reset'
import { deleteExpiredSessions } from './auth/sessions'
import { remindTasksDueToday } from './tasks/reminders'
import { pruneFormTokens } from './db/idempotency'
import { pruneOutboxBodies } from './email/outbox-prune'
import { sweepOutbox } from './email/sweep'
import type { Env } from './env'
import { pruneImportDrafts } from './imports/drafts'
import { sweepImportJobs } from './imports/sweep'
import { sendDigests } from './notifications/digest'
import { pruneUnsubscribeTokens } from './notifications/unsubscribe'
import { prunePendingSignups } from './onboarding/signup'
import { agePools } from './pool/aging'
import { sweepWebhooks } from './webhooks/dispatch'
import { pruneWebhookDeliveries } from './webhooks/prune'
import { checkAllFirstTouchTargets } from './pool/first-touch-target'
import { sweepFirstTouchWaits } from './orgs/first-touch-wait'
import { sendWeeklyReports } from './dashboard/weekly-report'

/** One chore: `env`, the tick's time in epoch ms. */
type Chore = (env: Env, now: number) => Promise<unknown>

/** A clean-up of organizations' data run in every database holding organizations (src/access/unit.ts `orgDatabases`). */
const inEveryDatabase =
  (prune: (db: Database, now: number) => Promise<unknown>): Chore =>
  (env, now) =>
    Promise.all(orgDatabases(env).map(({ db }) => prune(db, now)))

/** How far back the mirror repair looks for changed memberships (ms): a few cron ticks. */
const MIRROR_REPAIR_WINDOW_MS = 30 * 60_000

/** Every chore by name: outbox, webhook and import sweeps, digests, weekly reports, reminders, pool aging, first-touch targets and waits, mirror repair, clean-ups. */
export const CHORES: Record<string, Chore> = {
  'outbox sweep': sweepOutbox,
  'webhook sweep': sweepWebhooks,
  'import sweep': sweepImportJobs,
  'sent email bodies': inEveryDatabase(pruneOutboxBodies),
  'delivered webhook events': inEveryDatabase(pruneWebhookDeliveries),
  'daily digests': sendDigests,
  'weekly reports': sendWeeklyReports,
  'expired sessions': (env) => deleteExpiredSessions(sharedDatabase(env)),
  'log-in attempts': (env, now) => pruneLoginAttempts(sharedDatabase(env), now),
  'pending sign-ups': (env, now) => prunePendingSignups(sharedDatabase(env), now),
  'password resets': (env, now) => prunePasswordResets(sharedDatabase(env), now),
  'form tokens': inEveryDatabase(pruneFormTokens),
  'handoff reminders': remindWaitingHandoffs,
  'import drafts': inEveryDatabase(pruneImportDrafts),
  'unsubscribe tokens': inEveryDatabase(pruneUnsubscribeTokens),
  'tasks due today': remindTasksDueToday,
  'pool aging': agePools,
  'first-touch targets': checkAllFirstTouchTargets,
  'first-touch waits': sweepFirstTouchWaits,
  'mirror repair': (env, now) => repairMirrors(env, now - MIRROR_REPAIR_WINDOW_MS, now),
}

/** Runs every chore at `now` (epoch ms); logs each that failed, by name. Never throws. */
export async function runChores(env: Env, now: number): Promise<void> {
  const names = Object.keys(CHORES)
  const results = await Promise.allSettled(names.map((name) => CHORES[name]!(env, now)))
  results.forEach((result, i) => {
    if (result.status === 'rejected') console.error(`scheduled chore "${names[i]}" failed`, result.reason)
  })
}
