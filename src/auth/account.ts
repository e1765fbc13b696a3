/**
 * The signed-in person's own account (`/account`): changing the password, counting sessions, the time zone, the
 * organizations whose notification preferences it links and whose inbound email addresses it shows.
 */
import { and, asc, count, eq, gt } from 'drizzle-orm'
import { z } from 'zod'
import { createDb, type Database } from '../db/client'
import { databaseNamed, type DatabaseBindings } from '../access/databases'
import { mirrorUserEverywhere } from '../access/mirror'
import type { OrgLink } from '../access/viewer'
import { inboundAddresses, memberships, organizations, sessions, users } from '../db/schema'
import { Refusal } from '../lib/errors'
import { tooLong } from '../lib/text'
import { chosenTimeZone } from '../lib/time-zones'
import { newPassword } from './accounts'
import { hashPassword, verifyPassword } from './password'
import { deleteSessionsStatement, hashSessionId } from './session-adapter'

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password').max(200, tooLong('current password', 200)),
  newPassword,
})
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>

/** The message when the current password given is wrong (shown on the `currentPassword` field). */
export const WRONG_CURRENT_PASSWORD = 'That is not your current password.'

/**
 * Sets a new password for `userId` after checking the current one, and ends every other session of
 * the account (the one whose cookie value is `keepSessionId` stays), in one batch.
 * @throws Refusal 422 (WRONG_CURRENT_PASSWORD, on the `currentPassword` field) when `currentPassword` is wrong; nothing changes then
 */
export async function changePassword(
  db: Database,
  userId: string,
  input: ChangePasswordInput,
  keepSessionId: string | null,
  now = Date.now(),
): Promise<void> {
  const user = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw new Refusal(422, WRONG_CURRENT_PASSWORD, { field: 'currentPassword' })
  const passwordHash = await hashPassword(input.newPassword)
  const keepHash = keepSessionId ? await hashSessionId(keepSessionId) : null
  await db.batch([
    db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)),
    deleteSessionsStatement(db, userId, keepHash),
  ])
}

/** How many unexpired sessions (signed-in browsers) `userId` has at `now` (epoch ms). */
export async function activeSessionCount(db: Database, userId: string, now = Date.now()): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .get()
  return row?.n ?? 0
}

/** The time zone form of /account. */
export const timeZoneSchema = z.object({ timeZone: chosenTimeZone })

/**
 * Sets `userId`'s time zone (already validated with `chosenTimeZone`) in the directory `db` (the truth), then in the
 * mirror of every tenant database they are a member in (access/mirror.ts).
 */
export async function setTimeZone(
  env: DatabaseBindings,
  db: Database,
  userId: string,
  timeZone: string,
  now = Date.now(),
): Promise<void> {
  await db.update(users).set({ timeZone, updatedAt: now }).where(eq(users.id, userId))
  await mirrorUserEverywhere(env, userId, now)
}

/** The organizations `userId` is an active member of (name, slug), by name: each has its notification preferences. */
export async function organizationsOf(db: Database, userId: string): Promise<OrgLink[]> {
  return db
    .select({ name: organizations.name, slug: organizations.slug })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(asc(organizations.name))
    .all()
}

/** An organization's inbound address (inbound-email/address.ts), as the account page shows it. */
export type OrgInboundAddress = { name: string; address: string }

/**
 * The inbound addresses on `domain` of the organizations `userId` is an active member of, by name (none yet: left
 * out): the organizations from the directory `db`, each address from its organization's database.
 */
export async function inboundAddressesOf(
  env: DatabaseBindings,
  db: Database,
  userId: string,
  domain: string,
): Promise<OrgInboundAddress[]> {
  const orgs = await db
    .select({ id: organizations.id, name: organizations.name, database: organizations.database })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(asc(organizations.name))
    .all()
  const found = await Promise.all(
    orgs.map(async (org) => {
      const row = await createDb(databaseNamed(env, org.database))
        .select({ localPart: inboundAddresses.localPart })
        .from(inboundAddresses)
        .where(eq(inboundAddresses.orgId, org.id))
        .get()
      return row ? [{ name: org.name, address: `${row.localPart}@${domain}` }] : []
    }),
  )
  return found.flat()
}
