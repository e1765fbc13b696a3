/**
 * Sign-up: a new account and its first organization (the person becomes its Owner), created
 * together. Above auth (accounts) and orgs (organizations), which it composes.
 */
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { emailAddress, newPassword, normalizeEmail, personName } from '../auth/accounts'
import { hashPassword } from '../auth/password'
import type { Database } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { users } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { createOrganizationStatements, organizationName, uniqueSlug } from '../orgs/organizations'

export const signupSchema = z.object({
  name: personName,
  email: emailAddress,
  password: newPassword,
  organization: organizationName,
})
export type SignupInput = z.infer<typeof signupSchema>

/**
 * Creates the user, their organization (with a unique slug) and their Owner membership in one
 * atomic D1 batch.
 * @returns the new user's id and the organization's slug
 * @throws Refusal 422 on `email` when the email is already registered, on `organization` when a
 *   concurrent sign-up just took the slug
 */
export async function signUp(
  db: Database,
  input: SignupInput,
  now = Date.now(),
): Promise<{ userId: string; slug: string }> {
  const emailNormalized = normalizeEmail(input.email)
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, emailNormalized)).get()
  if (existing) throw new Refusal(422, 'An account with this email already exists. Log in instead.', { field: 'email' })
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
      throw new Refusal(422, 'An account with this email already exists. Log in instead.', { field: 'email' })
    if (uniqueViolation(error, 'organizations.slug'))
      throw new Refusal(422, 'That organization name was just taken. Try again.', { field: 'organization' })
    throw error
  }
  return { userId, slug }
}
