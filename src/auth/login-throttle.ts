/**
 * Throttles log-in attempts per email, with state in D1 so it holds across isolates.
 *
 * Every attempt is counted *before* the password is checked, in one atomic upsert, so attempts sent
 * at the same time cannot slip past the limit. Rule: within a window of `WINDOW_MS`, the first
 * `MAX_FAILURES` attempts are checked; the attempt that reaches the limit locks the email for
 * `LOCK_MS`, and further attempts are refused (429) until the lock and window are over. A
 * successful log-in clears the record. All times epoch ms.
 */
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { loginAttempts } from '../db/schema'

export const MAX_FAILURES = 5
export const WINDOW_MS = 15 * 60_000
export const LOCK_MS = 15 * 60_000

/**
 * Counts an attempt for `email` (already normalized).
 * @returns null when the attempt may go on to the password check, else the epoch ms until which
 *   log-in for this email is refused
 */
export async function reserveAttempt(db: Database, email: string, now = Date.now()): Promise<number | null> {
  const t = loginAttempts
  const fresh = sql`(${t.windowStartedAt} < ${now - WINDOW_MS} AND ${t.lockedUntil} < ${now})`
  const row = await db
    .insert(t)
    .values({ email, failures: 1, windowStartedAt: now, lockedUntil: MAX_FAILURES <= 1 ? now + LOCK_MS : 0 })
    .onConflictDoUpdate({
      target: t.email,
      set: {
        failures: sql`CASE WHEN ${fresh} THEN 1 ELSE ${t.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${fresh} THEN ${now} ELSE ${t.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN NOT ${fresh} AND ${t.failures} + 1 = ${MAX_FAILURES} THEN ${now + LOCK_MS} ELSE ${t.lockedUntil} END`,
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil })
    .get()
  return row.failures > MAX_FAILURES ? row.lockedUntil : null
}

/** Forgets attempts for `email` after a successful log-in. */
export async function clearFailures(db: Database, email: string): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.email, email))
}

/** Deletes records whose window and lock are both over (cron). */
export async function pruneLoginAttempts(db: Database, now = Date.now()): Promise<void> {
  await db
    .delete(loginAttempts)
    .where(sql`${loginAttempts.windowStartedAt} < ${now - WINDOW_MS} AND ${loginAttempts.lockedUntil} < ${now}`)
}
