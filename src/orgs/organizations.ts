/**
 * Organizations and memberships: creation with a unique URL slug, resolving the membership behind
 * `/o/{slug}`, and the "last organization used" that log-in lands in.
 */
import { and, desc, eq, like, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { OrgLink } from '../access/viewer'
import { runBatch, type Database } from '../db/client'
import { retryOnConflict } from '../db/errors'
import { memberships, notifications, organizations, type Membership, type Organization } from '../db/schema'
import { newId } from '../lib/ids'
import { singleLine } from '../lib/text'

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

/**
 * The statements that create an organization and its first Owner membership, to run in the same
 * D1 batch as whatever else the caller writes.
 */
export function createOrganizationStatements(
  db: Database,
  input: { name: string; slug: string; ownerId: string; now: number },
) {
  const orgId = newId()
  return {
    orgId,
    statements: [
      db.insert(organizations).values({
        id: orgId,
        name: input.name,
        slug: input.slug,
        createdAt: input.now,
        updatedAt: input.now,
      }),
      db.insert(memberships).values({
        id: newId(),
        orgId,
        userId: input.ownerId,
        role: 'owner' as const,
        status: 'active' as const,
        lastUsedAt: input.now,
        createdAt: input.now,
        updatedAt: input.now,
      }),
    ] as const,
  }
}

/** Zod rule for an organization name, shared by sign-up and "create another organization". */
export const organizationName = singleLine('organization name', 100, 'Name your organization')

/**
 * Creates an organization with `ownerId` (an existing user) as its Owner. `also(slug)`: statements
 * to run first in the same batch (e.g. recording the form token, db/idempotency.ts).
 * @returns the new organization's slug
 * @throws Refusal 409 when concurrent creations kept taking the slug for RETRY_BUDGET_MS
 */
export async function createOrganization(
  db: Database,
  ownerId: string,
  name: string,
  now = Date.now(),
  also: (slug: string) => BatchItem<'sqlite'>[] = () => [],
): Promise<string> {
  // Another organization may take the slug between our check and insert: pick the next one.
  return retryOnConflict(
    'organizations.slug',
    async () => {
      const slug = await uniqueSlug(db, name)
      await runBatch(db, [...also(slug), ...createOrganizationStatements(db, { name, slug, ownerId, now }).statements])
      return slug
    },
    { message: 'Someone took that organization name at the same moment; try again.' },
  )
}

/**
 * The organization at `slug` and the user's *active* membership in it, plus every organization the
 * user is an active member of (for the switcher), in one query. `current` is null when there is no
 * such organization, the user is not a member, or the membership is deactivated (all answer 404); its `unread`
 * is the member's unread notifications there (count) as the query found them.
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
