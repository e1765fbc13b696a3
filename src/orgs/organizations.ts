/**
 * Organizations and memberships: creation with a unique URL slug, resolving the membership behind
 * `/o/{slug}`, and the "last organization used" that log-in lands in.
 */
import { and, desc, eq, like, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { databaseNamed, DIRECTORY, placeOrganization, type DatabaseBindings } from '../access/databases'
import { createDb, runBatch, type Database } from '../db/client'
import { retryOnConflict } from '../db/errors'
import type { OrgLink } from '../access/viewer'
import { memberships, notifications, organizations, users, type Membership, type Organization } from '../db/schema'
import { newId } from '../lib/ids'
import { singleLine } from '../lib/text'
import { userMirror, type MirroredUser } from '../access/mirror'

/**
 * Turns an organization name into a URL slug: lower-case ASCII letters, digits and dashes, at most
 * 40 characters; `org` when nothing is left (e.g. a name in another script).
 */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
  return slug || 'org'
}

/** A slug for `name` not yet taken: `acme`, else `acme-2`, `acme-3`, … */
export async function uniqueSlug(db: Database, name: string): Promise<string> {
  const base = slugify(name)
  const taken = new Set(
    (
      await db
        .select({ slug: organizations.slug })
        .from(organizations)
        .where(like(organizations.slug, `${base}%`))
        .all()
    ).map((r) => r.slug),
  )
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/** Zod rule for an organization name, shared by sign-up and "create another organization". */
export const organizationName = singleLine('organization name', 100, 'Name your organization')

/**
 * Creates an organization named `name` with `owner` as its Owner, in the tenant database with the most room
 * (access/databases.ts `placeOrganization`): the organization's row, the Owner's membership and the owner's mirror row
 * there first, then the directory's copies (the organization with the database it lives in, the membership) with
 * `options.first` (statements to run first in the directory's batch, e.g. the owner's account at sign-up) and
 * `options.also(slug)` (e.g. recording the form token, db/idempotency.ts). When the directory's batch fails (a slug
 * taken meanwhile, an account made meanwhile), the tenant's rows are deleted again: nobody could reach them.
 * @param directory the directory (the request's session)
 * @param now epoch ms
 * @returns the new organization's slug
 * @throws Refusal 409 when concurrent creations kept taking the slug for RETRY_BUDGET_MS; the directory batch's error
 */
export async function createOrganization(
  env: DatabaseBindings,
  directory: Database,
  owner: MirroredUser,
  name: string,
  now = Date.now(),
  options: { first?: BatchItem<'sqlite'>[]; also?: (slug: string) => BatchItem<'sqlite'>[] } = {},
): Promise<string> {
  // Another organization may take the slug between our check and insert: pick the next one.
  return retryOnConflict(
    'organizations.slug',
    async () => {
      const slug = await uniqueSlug(directory, name)
      const database = await placeOrganization(env)
      const org = { id: newId(), name, slug, database, createdAt: now, updatedAt: now }
      const membership = {
        id: newId(),
        orgId: org.id,
        userId: owner.id,
        role: 'owner' as const,
        status: 'active' as const,
        lastUsedAt: now,
        createdAt: now,
        updatedAt: now,
      }
      const inDirectory = [
        ...(options.first ?? []),
        ...(options.also?.(slug) ?? []),
        directory.insert(organizations).values(org),
        directory.insert(memberships).values(membership),
      ]
      if (database === DIRECTORY) {
        await runBatch(directory, inDirectory)
        return slug
      }
      const tenant = createDb(databaseNamed(env, database))
      await runBatch(tenant, [
        userMirror(tenant, owner, now),
        tenant.insert(organizations).values(org),
        tenant.insert(memberships).values(membership),
      ])
      try {
        await runBatch(directory, inDirectory)
      } catch (error) {
        await runBatch(tenant, [
          tenant.delete(memberships).where(eq(memberships.orgId, org.id)),
          tenant.delete(organizations).where(eq(organizations.id, org.id)),
        ])
        throw error
      }
      return slug
    },
    { message: 'Someone took that organization name at the same moment; try again.' },
  )
}

/**
 * The person `userId` as a tenant database mirrors them (access/mirror.ts), from the directory.
 * @throws Error when there is no such account
 */
export async function mirroredUser(directory: Database, userId: string): Promise<MirroredUser> {
  const user = await directory
    .select({ id: users.id, name: users.name, email: users.email, timeZone: users.timeZone })
    .from(users)
    .where(eq(users.id, userId))
    .get()
  if (!user) throw new Error(`no account ${userId}`)
  return user
}

/**
 * The organization at `slug` and the user's *active* membership in it, plus every organization in `db` the user is an
 * active member of (for the switcher), in one query, read in `db`: the organization's database (the truth for
 * memberships: access/mirror.ts; for an organization living in the directory, `orgs` is the whole list). `current` is
 * null when there is no such organization there, the user is not a member, or the membership is deactivated (all
 * answer 404); its `unread` is the member's unread notifications there (count) as the query found them.
 */
export async function findMembership(
  db: Database,
  slug: string,
  userId: string,
): Promise<{ current: { org: Organization; membership: Membership; unread: number } | null; orgs: OrgLink[] }> {
  // The header badge's count, read in the same statement (a page would otherwise send one more to D1).
  const unread = sql<number>`CASE WHEN ${organizations.slug} = ${slug} THEN (SELECT count(*) FROM ${notifications} n
    WHERE n.user_id = ${memberships.userId} AND n.org_id = ${memberships.orgId} AND n.read_at IS NULL) END`
  const rows = await db
    .select({ org: organizations, membership: memberships, unread })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(organizations.name)
    .all()
  const here = rows.find((r) => r.org.slug === slug)
  return {
    current: here ? { org: here.org, membership: here.membership, unread: Number(here.unread ?? 0) } : null,
    orgs: rows.map((r) => ({ name: r.org.name, slug: r.org.slug })),
  }
}

/** Whether the organization at `slug` has its row in `db` (false: it lives elsewhere; a cached location is stale). */
export async function holdsOrganization(db: Database, slug: string): Promise<boolean> {
  const row = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug)).get()
  return Boolean(row)
}

/** Name of the organization at `slug` if the user's membership there is deactivated, else null. */
export async function deactivatedMembership(db: Database, slug: string, userId: string): Promise<string | null> {
  const row = await db
    .select({ name: organizations.name })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(organizations.slug, slug), eq(memberships.userId, userId), eq(memberships.status, 'deactivated')))
    .get()
  return row?.name ?? null
}

/** Records that the member opened their organization now (at most once a minute, to spare writes). */
export async function touchMembership(db: Database, membership: Membership, now = Date.now()) {
  if (now - membership.lastUsedAt < 60_000) return
  await db.update(memberships).set({ lastUsedAt: now }).where(eq(memberships.id, membership.id))
}

/** Slug of the organization the user used last among their active memberships, or null. */
export async function lastUsedOrgSlug(db: Database, userId: string): Promise<string | null> {
  const row = await db
    .select({ slug: organizations.slug })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(desc(memberships.lastUsedAt))
    .get()
  return row?.slug ?? null
}
