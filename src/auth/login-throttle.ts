/**
 * Throttles repeated failed log-ins per email, with state in D1 so it holds across isolates.
 *
 * Rule: after `MAX_FAILURES` failures within `WINDOW_MS`, log-in for that email is refused (429) for
 * `LOCK_MS`. A successful log-in clears the record. All times epoch ms.
 */
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { loginAttempts } from '../db/schema'

export const MAX_FAILURES = 5
export const WINDOW_MS = 15 * 60_000
export const LOCK_MS = 15 * 60_000

/** Epoch ms until which log-in for `email` is refused, or null when it is allowed now. */
export async function lockedUntil(db: Database, email: string, now = Date.now()): Promise<number | null> {
  const row = await db.select().from(loginAttempts).where(eq(loginAttempts.email, email)).get()
  return row && row.lockedUntil > now ? row.lockedUntil : null
}

/** Counts one failed log-in for `email`, locking it when the limit is reached (one upsert). */
export async function recordFailure(db: Database, email: string, now = Date.now()): Promise<void> {
  const windowStart = now - WINDOW_MS
  await db
    .insert(loginAttempts)
    .values({ email, failures: 1, windowStartedAt: now, lockedUntil: 0 })
    .onConflictDoUpdate({
      target: loginAttempts.email,
      set: {
        failures: sql`CASE WHEN ${loginAttempts.windowStartedAt} < ${windowStart} THEN 1 ELSE ${loginAttempts.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${loginAttempts.windowStartedAt} < ${windowStart} THEN ${now} ELSE ${loginAttempts.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${loginAttempts.windowStartedAt} >= ${windowStart} AND ${loginAttempts.failures} + 1 >= ${MAX_FAILURES} THEN ${now + LOCK_MS} ELSE ${loginAttempts.lockedUntil} END`,
      },
    })
}

/** Forgets failures for `email` after a successful log-in. */
export async function clearFailures(db: Database, email: string): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.email, email))
}

/** Deletes records whose window and lock are both over (cron). */
export async function pruneLoginAttempts(db: Database, now = Date.now()): Promise<void> {
  await db
    .delete(loginAttempts)
    .where(sql`${loginAttempts.windowStartedAt} < ${now - WINDOW_MS} AND ${loginAttempts.lockedUntil} < ${now}`)
}
