/**
 * One-click unsubscribe (RFC 8058): every notification email carries a token of its own (stored only
 * as a SHA-256 hash in `unsubscribe_tokens`) that turns that one event type's email off for that one
 * member, without a session; the digest's token turns the digest off, the weekly report's the weekly report.
 */
import { eq, lt } from 'drizzle-orm'
import { runBatch, type Database } from '../db/client'
import { organizations, unsubscribeTokens } from '../db/schema'
import { hashToken } from '../lib/tokens'
import { eventOf, isEventType } from './events'
import { emailOff, settingsUpsert } from './preferences'

/** How long an email's unsubscribe link works: one year (ms). Older tokens are deleted by the cron. */
export const UNSUBSCRIBE_TOKEN_TTL_MS = 365 * 24 * 60 * 60_000

/** Deletes unsubscribe tokens older than UNSUBSCRIBE_TOKEN_TTL_MS (the cron's chore). @returns how many */
export async function pruneUnsubscribeTokens(db: Database, now = Date.now()): Promise<number> {
  const result = await db
    .delete(unsubscribeTokens)
    .where(lt(unsubscribeTokens.createdAt, now - UNSUBSCRIBE_TOKEN_TTL_MS))
    .run()
  return result.meta.changes ?? 0
}

/** The token type of the daily digest (not an event type). */
export const DIGEST = 'digest'

/** The token type of the weekly report (src/dashboard/weekly-report.ts; not an event type). */
export const WEEKLY_REPORT = 'weekly_report'

/** The label of each token type that is not an event type. */
const OTHER_LABELS: Record<string, string> = { [DIGEST]: 'Daily digest', [WEEKLY_REPORT]: 'Weekly report' }

/** What a token unsubscribes from: the member, the organization, the email's label. */
export type Unsubscription = {
  orgId: string
  orgName: string
  orgSlug: string
  userId: string
  type: string
  label: string
}

/** What `token` unsubscribes from, or null for an unknown token. */
export async function findUnsubscription(db: Database, token: string): Promise<Unsubscription | null> {
  const row = await db
    .select({
      orgId: unsubscribeTokens.orgId,
      userId: unsubscribeTokens.userId,
      type: unsubscribeTokens.type,
      orgName: organizations.name,
      orgSlug: organizations.slug,
    })
    .from(unsubscribeTokens)
    .innerJoin(organizations, eq(organizations.id, unsubscribeTokens.orgId))
    .where(eq(unsubscribeTokens.tokenHash, await hashToken(token)))
    .get()
  if (!row) return null
  const label = OTHER_LABELS[row.type] ?? (isEventType(row.type) ? eventOf(row.type).label : null)
  return label ? { ...row, label } : null
}

/**
 * Turns off what `token` is for: its event type's email for its member (in-app kept), their digest or their weekly
 * report.
 * Repeating it changes nothing more.
 * @returns what was turned off, or null for an unknown token
 */
export async function unsubscribe(db: Database, token: string, now: number): Promise<Unsubscription | null> {
  const found = await findUnsubscription(db, token)
  if (!found) return null
  if (found.type === DIGEST)
    await runBatch(db, [settingsUpsert(db, found.orgId, found.userId, { digestHour: null }, now)])
  else if (found.type === WEEKLY_REPORT)
    await runBatch(db, [settingsUpsert(db, found.orgId, found.userId, { weeklyReport: false }, now)])
  else if (isEventType(found.type)) await runBatch(db, [emailOff(db, found.orgId, found.userId, found.type, now)])
  return found
}
