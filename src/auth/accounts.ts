/**
 * Account primitives as plain functions over the database: email and password rules, log-in.
 * Sign-up, which creates an account and an organization together, is in onboarding/signup.ts.
 */
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client'
import { users } from '../db/schema'
import { secretText, singleLine, tooLong } from '../lib/text'
import { MIN_PASSWORD_LENGTH, verifyPassword } from './password'

/** Emails are trimmed and lower-cased before they are stored or compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * Rule for an email address typed into a form (trimmed, at most 254 characters); `required` is the
 * message when it is left empty, addressed to whoever types it (e.g. the invitee's address on the team page).
 */
export function emailField(required: string) {
  return singleLine('email address', 254, required).pipe(z.email('Enter a valid email address'))
}

/** The person's own email address (sign-up, log-in, password reset). */
export const emailAddress = emailField('Enter your email address')

/** Rules for a person's name and a new password, shared by sign-up and accepting an invitation. */
export const personName = singleLine('name', 100, 'Enter your name')
export const newPassword = secretText('password', 200).check(
  z.minLength(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`),
)

export const loginSchema = z.object({
  email: emailAddress,
  // Not the new-password rules: a password set before them must still work.
  password: z.string().min(1, 'Enter your password').max(200, tooLong('password', 200)),
  /** Where to go after log-in (checked by the route to be a path inside Leadpool). */
  next: z.string().max(500).optional(),
})

/**
 * Checks an email and password.
 * @returns the user's id, or null when the email is unknown or the password wrong (the caller
 *   must not tell which)
 */
export async function authenticate(db: Database, emailInput: string, password: string): Promise<string | null> {
  const user = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, normalizeEmail(emailInput)))
    .get()
  if (!user) {
    // Spend the same time as a real check so response time does not reveal which emails exist.
    await verifyPassword(password, DUMMY_HASH)
    return null
  }
  return (await verifyPassword(password, user.passwordHash)) ? user.id : null
}

/** A valid hash of a random string, only used to equalise timing for unknown emails. */
const DUMMY_HASH = '$scrypt$ln=14,r=8,p=5$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
