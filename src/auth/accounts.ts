/**
 * Sign-up and log-in as plain functions over the database (routes only parse and render).
 */
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { users } from '../db/schema'
import { newId } from '../lib/ids'
import { secretText, singleLine, tooLong } from '../lib/text'
import { createOrganizationStatements, organizationName, uniqueSlug } from '../orgs/organizations'
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password'

/** Emails are trimmed and lower-cased before they are stored or compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Rule for an email address typed into a form (trimmed, at most 254 characters). */
export const emailAddress = singleLine('email address', 254, 'Enter your email address').pipe(
  z.email('Enter a valid email address'),
)

/** Rules for a person's name and a new password, shared by sign-up and accepting an invitation. */
export const personName = singleLine('name', 100, 'Enter your name')
export const newPassword = secretText('password', 200).check(
  z.minLength(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`),
)

export const signupSchema = z.object({
  name: personName,
  email: emailAddress,
  password: newPassword,
  organization: organizationName,
})
export type SignupInput = z.infer<typeof signupSchema>

export const loginSchema = z.object({
  email: emailAddress,
  // Not the new-password rules: a password set before them must still work.
  password: z.string().min(1, 'Enter your password').max(200, tooLong('password', 200)),
  /** Where to go after log-in (checked by the route to be a path inside Leadpool). */
  next: z.string().max(500).optional(),
})

/** Raised when a sign-up cannot go through for a reason the form shows on one field. */
export class SignupError extends Error {
  constructor(
    readonly field: keyof SignupInput,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Creates the user, their organization (with a unique slug) and their Owner membership in one
 * atomic D1 batch.
 * @returns the new user's id and the organization's slug
 * @throws SignupError('email') when the email is already registered
 */
export async function signUp(
  db: Database,
  input: SignupInput,
  now = Date.now(),
): Promise<{ userId: string; slug: string }> {
  const emailNormalized = normalizeEmail(input.email)
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, emailNormalized)).get()
  if (existing) throw new SignupError('email', 'An account with this email already exists. Log in instead.')
  const userId = newId()
  const passwordHash = await hashPassword(input.password)
  const slug = await uniqueSlug(db, input.organization)
  const org = createOrganizationStatements(db, { name: input.organization, slug, ownerId: userId, now })
  const insertUser = db.insert(users).values({
    id: userId,
    name: input.name,
    email: emailNormalized,
    passwordHash,
    createdAt: now,
    updatedAt: now,
  })
  try {
    await db.batch([insertUser, ...org.statements])
  } catch (error) {
    // Two sign-ups racing for one email or one slug: the loser gets a clear message.
    if (uniqueViolation(error, 'users.email'))
      throw new SignupError('email', 'An account with this email already exists. Log in instead.')
    if (uniqueViolation(error, 'organizations.slug'))
      throw new SignupError('organization', 'That organization name was just taken. Try again.')
    throw error
  }
  return { userId, slug }
}

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
