/**
 * The mirror (docs/ARCHITECTURE.md "Many databases"): a tenant database holds copies of the `users` rows of its
 * organizations' members (name, email, time zone; never the password hash) and the directory holds copies of their
 * `memberships` rows. Which copy is the truth: a membership's role, status, routing and working hours: the tenant
 * copy (the membership middleware reads it); a person's name, email and time zone: the directory. A change writes
 * the truth first and the copy second (D1 batches are per database); a copy left behind by a failure between the two
 * is repaired by writing it again from the truth (each function here is idempotent), which the cron's
 * `mirror repair` chore does for every membership and person changed lately (src/scheduled.ts).
 */
import { and, eq, gte } from 'drizzle-orm'
import type { AnyUnit } from './unit'
import { createDb, runBatch, type Database } from '../db/client'
import { inIdSet } from '../db/id-sets'
import { memberships, organizations, users } from '../db/schema'
import { databaseNamed, DIRECTORY, orgDatabaseNames, type DatabaseBindings } from './databases'

/** The part of a person a tenant database mirrors. */
export type MirroredUser = { id: string; name: string; email: string; timeZone: string }

/** The statement writing (or refreshing) `user`'s mirror row in `db`, stamped `now` (epoch ms). */
export function userMirror(db: Database, user: MirroredUser, now: number) {
  return db
    .insert(users)
    .values({ ...user, passwordHash: '', createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: users.id,
      set: { name: user.name, email: user.email, timeZone: user.timeZone, updatedAt: now },
    })
}

/** The statement copying membership `row` (the tenant's truth) into `db`, the directory (its `last_used_at` kept). */
function membershipCopy(db: Database, row: typeof memberships.$inferSelect) {
  const { role, status, routingWeight, routingCap, workDays, workStart, workEnd, updatedAt } = row
  return db.insert(memberships).values(row).onConflictDoUpdate({
    target: memberships.id,
    set: { role, status, routingWeight, routingCap, workDays, workStart, workEnd, updatedAt },
  })
}

/**
 * Copies the memberships of `userIds` in `unit.org` from its database `unit.db` (the truth) to `unit.directory`, after
 * a change to them committed there; nothing for an organization living in the directory. Idempotent.
 */
export async function copyMembershipsToDirectory(
  unit: Pick<AnyUnit, 'db' | 'directory' | 'org'>,
  userIds: string[],
): Promise<void> {
  if (unit.org.database === DIRECTORY || userIds.length === 0) return
  const rows = await unit.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, unit.org.id), inIdSet(memberships.userId, userIds)))
    .all()
  await runBatch(
    unit.directory,
    rows.map((row) => membershipCopy(unit.directory, row)),
  )
}

/**
 * Writes person `userId`'s directory row (the truth) into every tenant database holding an organization they are a
 * member of, after a change to it committed in the directory (e.g. their time zone). Idempotent.
 */
export async function mirrorUserEverywhere(env: DatabaseBindings, userId: string, now: number): Promise<void> {
  const directory = createDb(env.DB)
  const user = await directory
    .select({ id: users.id, name: users.name, email: users.email, timeZone: users.timeZone })
    .from(users)
    .where(eq(users.id, userId))
    .get()
  if (!user) return
  const homes = await directory
    .selectDistinct({ database: organizations.database })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .all()
  for (const { database } of homes) {
    if (database === DIRECTORY) continue
    const db = createDb(databaseNamed(env, database))
    await userMirror(db, user, now).run()
  }
}

/**
 * The repair of copies left behind (cron): for every tenant database, its memberships changed since `since` (epoch
 * ms) are copied to the directory again; and every person whose directory row changed since then is mirrored again
 * into the tenant databases they are a member in. Idempotent; returns how many rows it wrote again (count).
 */
export async function repairMirrors(env: DatabaseBindings, since: number, now: number): Promise<number> {
  const directory = createDb(env.DB)
  let repaired = 0
  for (const name of orgDatabaseNames(env)) {
    if (name === DIRECTORY) continue
    const db = createDb(databaseNamed(env, name))
    const rows = await db.select().from(memberships).where(gte(memberships.updatedAt, since)).all()
    await runBatch(
      directory,
      rows.map((row) => membershipCopy(directory, row)),
    )
    repaired += rows.length
  }
  const people = await directory.select({ id: users.id }).from(users).where(gte(users.updatedAt, since)).all()
  for (const person of people) await mirrorUserEverywhere(env, person.id, now)
  return repaired + people.length
}
