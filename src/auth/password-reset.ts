/**
 * "Forgot password?": a one-time link `/reset-password/{token}` emailed to an address that has an
 * account (nothing is sent to others, and the form answers every address alike). The link works
 * once, for an hour; only the token's SHA-256 is stored. Setting the new password ends every
 * session of the account and forgets its failed log-ins, in the same batch, and every other reset
 * link of the account stops working.
 */
import { and, eq, exists, gt, lte, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client'
import { loginAttempts, passwordResets, sessions, users } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { hashToken, isWellFormedToken, newToken } from '../lib/tokens'
import { passwordResetEmail } from '../email/account-emails'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { emailAddress, newPassword, normalizeEmail } from './accounts'
import { hashPassword } from './password'
import type { MailContext } from './mail-context'

/** How long a reset link works: 1 hour. */
export const RESET_TTL_MS = 3600_000

/** The message of every dead reset link. */
export const DEAD_RESET_LINK =
  'This password reset link no longer works: it was already used, it expired, or it never existed. Ask for a new one.'

/** The refusal of a dead link, with the way to a new one. */
function deadLink(): Refusal {
  return new Refusal(404, DEAD_RESET_LINK, {
    details: { nextHref: '/forgot-password', nextLabel: 'Ask for a new reset link' },
  })
}

export const forgotPasswordSchema = z.object({ email: emailAddress })
export const resetPasswordSchema = z.object({ password: newPassword })

/**
 * Handles the "forgot password" form: when `emailInput` belongs to an account, writes a reset link
 * and its email to the outbox in one batch; otherwise does nothing. Returns nothing either way.
 * @param now epoch ms; the link expires at `now + RESET_TTL_MS`
 */
export async function requestPasswordReset(
  db: Database,
  emailInput: string,
  context: MailContext,
  now = Date.now(),
): Promise<void> {
  const email = normalizeEmail(emailInput)
  const user = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()
  if (!user) return
  const token = newToken()
  const expiresAt = now + RESET_TTL_MS
  const link = `${context.appUrl.replace(/\/+$/, '')}/reset-password/${token}`
  const mail = outboxInsert(
    db,
    {
      orgId: null,
      to: email,
      kind: 'password-reset',
      ...passwordResetEmail({ link, expiresAt, appUrl: context.appUrl }),
    },
    now,
  )
  await db.batch([
    db
      .insert(passwordResets)
      .values({ id: newId(), userId: user.id, tokenHash: await hashToken(token), expiresAt, createdAt: now }),
    mail.statement,
  ])
  await dispatchEmails(context.queue, [mail.message]).catch((error) =>
    console.error('password reset email not queued yet', mail.id, error),
  )
}

/**
 * The account behind a reset link, without using it up (for the GET page).
 * @returns `{ userId, email }`
 * @throws Refusal 404 when the token is malformed (no lookup then), unknown, used or expired at `now`
 */
export async function openPasswordReset(
  db: Database,
  token: string,
  now = Date.now(),
): Promise<{ userId: string; email: string }> {
  if (!isWellFormedToken(token)) throw deadLink()
  const row = await db
    .select({ userId: users.id, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, await hashToken(token)), gt(passwordResets.expiresAt, now)))
    .get()
  if (!row) throw deadLink()
  return row
}

/**
 * Uses the link: sets `password` (hashed) as the account's password, ends every session of the
 * account, clears its failed log-ins and deletes all its reset links, in one batch. Every write is
 * conditional on the link still being live, so of two uses at the same time only one changes anything.
 * @returns the account's user id
 * @throws Refusal 404 when the token is malformed, unknown, used or expired at `now`
 */
export async function resetPassword(db: Database, token: string, password: string, now = Date.now()): Promise<string> {
  const { userId, email } = await openPasswordReset(db, token, now)
  const passwordHash = await hashPassword(password)
  const tokenHash = await hashToken(token)
  const live = exists(
    db
      .select({ one: sql`1` })
      .from(passwordResets)
      .where(and(eq(passwordResets.tokenHash, tokenHash), gt(passwordResets.expiresAt, now))),
  )
  const [updated] = await db.batch([
    db
      .update(users)
      .set({ passwordHash, updatedAt: now })
      .where(and(eq(users.id, userId), live))
      .returning({ id: users.id }),
    db.delete(sessions).where(and(eq(sessions.userId, userId), live)),
    db.delete(loginAttempts).where(and(eq(loginAttempts.email, email), live)),
    db.delete(passwordResets).where(eq(passwordResets.userId, userId)),
  ])
  if (updated.length !== 1) throw deadLink()
  return userId
}

/** Deletes reset links that have expired (cron). */
export async function prunePasswordResets(db: Database, now = Date.now()): Promise<void> {
  await db.delete(passwordResets).where(lte(passwordResets.expiresAt, now))
}
