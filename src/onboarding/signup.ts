/**
 * Sign-up: a new account and its first organization (the person becomes its Owner), created
 * together, once the address is proven. Above auth (accounts) and orgs (organizations), which it
 * composes. The form only writes a pending sign-up (name, normalized
 * email, password hash, organization name, token hash, expiry) and one email: the link
 * `/verify-email/{token}` when the address is free, or a note with log-in and reset links when it
 * already has an account. Nothing in the answer tells which. Following the link (a POST, so mail
 * scanners that open links do not use it up) creates the user, the organization and the Owner
 * membership in one batch and deletes every pending sign-up of the address. No `users` row exists
 * before that, so nobody can hold an address they cannot read.
 */
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import { and, eq, gt, lte } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { pendingSignups, users } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { hashToken, isWellFormedToken, newToken } from '../lib/tokens'
import { accountExistsEmail, signupVerificationEmail } from '../email/account-emails'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import type { EmailMessage } from '../lib/queue-messages'
import { createOrganization, organizationName } from '../orgs/organizations'
import type { DatabaseBindings } from '../access/databases'
import { emailAddress, newPassword, normalizeEmail, personName } from '../auth/accounts'
import type { MailContext } from '../auth/mail-context'
import { hashPassword } from '../auth/password'

export const signupSchema = z.object({
  name: personName,
  email: emailAddress,
  password: newPassword,
  organization: organizationName,
})
export type SignupInput = z.infer<typeof signupSchema>

/** How long a sign-up link works: 24 hours. */
export const SIGNUP_TTL_MS = 24 * 3600_000

/** The message of every dead sign-up link (used, expired, replaced by the account, never issued). */
export const DEAD_SIGNUP_LINK =
  'This sign-up link no longer works: it was already used, it expired, or it never existed.'

/** The refusal of a dead link, with the way to a new one. */
function deadLink(): Refusal {
  return new Refusal(404, DEAD_SIGNUP_LINK, { details: { nextHref: '/signup', nextLabel: 'Sign up again' } })
}

/**
 * Handles a sign-up form: writes one email to the outbox for `input.email` (the verification link,
 * or "you already have an account") and, for a free address, the pending sign-up, in one batch.
 * Does the same work (password hash, one lookup, one batch) either way, and returns nothing, so the
 * caller answers every address alike.
 * @param now epoch ms; the link expires at `now + SIGNUP_TTL_MS`
 */
export async function requestSignup(
  db: Database,
  input: SignupInput,
  context: MailContext,
  now = Date.now(),
): Promise<void> {
  const email = normalizeEmail(input.email)
  const passwordHash = await hashPassword(input.password)
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()
  let message: EmailMessage
  if (existing) {
    const mail = outboxInsert(
      db,
      { orgId: null, to: email, kind: 'signup-existing', ...accountExistsEmail({ appUrl: context.appUrl }) },
      now,
    )
    await db.batch([mail.statement])
    message = mail.message
  } else {
    const token = newToken()
    const expiresAt = now + SIGNUP_TTL_MS
    const link = `${context.appUrl.replace(/\/+$/, '')}/verify-email/${token}`
    const mail = outboxInsert(
      db,
      {
        orgId: null,
        to: email,
        kind: 'signup-verification',
        ...signupVerificationEmail({
          name: input.name,
          organization: input.organization,
          link,
          expiresAt,
          appUrl: context.appUrl,
        }),
      },
      now,
    )
    const pending = db.insert(pendingSignups).values({
      id: newId(),
      name: input.name,
      email,
      passwordHash,
      organizationName: input.organization,
      tokenHash: await hashToken(token),
      expiresAt,
      createdAt: now,
    })
    await db.batch([pending, mail.statement])
    message = mail.message
  }
  // The row is committed; if the queue is down now, the outbox sweep sends it later.
  await dispatchEmails(context.queue, [message]).catch((error) =>
    console.error('sign-up email not queued yet', message.outboxId, error),
  )
}

/** A pending sign-up as its link's page shows it. */
export type PendingSignup = typeof pendingSignups.$inferSelect

/**
 * The pending sign-up behind `token`, without using it up (for the GET page).
 * @throws Refusal 404 when the token is malformed (no lookup then), unknown, used or expired at `now`
 */
export async function openPendingSignup(db: Database, token: string, now = Date.now()): Promise<PendingSignup> {
  if (!isWellFormedToken(token)) throw deadLink()
  const row = await db
    .select()
    .from(pendingSignups)
    .where(and(eq(pendingSignups.tokenHash, await hashToken(token)), gt(pendingSignups.expiresAt, now)))
    .get()
  if (!row) throw deadLink()
  return row
}

/**
 * Uses the link: creates the user (with the password chosen at sign-up and `timeZone`, an IANA name
 * from the browser, src/lib/time-zones.ts), the organization (unique slug, in the tenant database with the most
 * room) and the Owner membership, and deletes every pending sign-up of the address: one batch in the organization's
 * database, then one in the directory `db` (orgs/organizations.ts `createOrganization`).
 * Of two uses at the same time, one wins (the unique email) and the other gets 404.
 * @returns the new user's id and the organization's slug
 * @throws Refusal 404 when the token is malformed, unknown, used or expired at `now`, or the address
 *   has an account by now (e.g. it accepted an invitation meanwhile)
 */
export async function completeSignup(
  env: DatabaseBindings,
  db: Database,
  token: string,
  now = Date.now(),
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<{ userId: string; slug: string }> {
  const pending = await openPendingSignup(db, token, now)
  const owner = { id: newId(), name: pending.name, email: pending.email, timeZone }
  try {
    const slug = await createOrganization(env, db, owner, pending.organizationName, now, {
      first: [
        db.insert(users).values({ ...owner, passwordHash: pending.passwordHash, createdAt: now, updatedAt: now }),
        db.delete(pendingSignups).where(eq(pendingSignups.email, pending.email)),
      ],
    })
    return { userId: owner.id, slug }
  } catch (error) {
    if (!uniqueViolation(error, 'users.email')) throw error
    await db.delete(pendingSignups).where(eq(pendingSignups.email, pending.email))
    throw deadLink()
  }
}

/** Deletes pending sign-ups whose link has expired (cron). */
export async function prunePendingSignups(db: Database, now = Date.now()): Promise<void> {
  await db.delete(pendingSignups).where(lte(pendingSignups.expiresAt, now))
}
