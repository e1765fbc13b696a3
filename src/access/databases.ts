/**
 * Where data lives (docs/ARCHITECTURE.md "Many databases"): the directory `DB` (accounts, sessions, sign-ups,
 * resets, log-in throttling, the organizations with the database each lives in, every membership) and the tenant
 * databases `TENANT_1` … named by `[vars] TENANT_DATABASES` (wrangler.toml), each holding whole organizations and a
 * mirror of their `organizations`, `memberships` and `users` rows (src/access/mirror.ts). An organization created
 * before there were tenant databases lives in `DB` itself. This module answers which database, and whether its schema
 * is the one this Worker was built for.
 */
import { eq } from 'drizzle-orm'
import { createDb, type Database } from '../db/client'
import { NEWEST_MIGRATION } from '../db/migrations'
import { organizations } from '../db/schema'
import { Refusal } from '../lib/errors'

/** The bindings this module reads: the directory and the list of tenant databases (src/env.ts `Env`). */
export type DatabaseBindings = { DB: D1Database; TENANT_DATABASES?: string }

/** The directory's binding name. */
export const DIRECTORY = 'DB'

/**
 * The binding names of the tenant databases new organizations are placed in, from `TENANT_DATABASES`
 * (comma-separated, blanks ignored); none named: the directory alone (`['DB']`), a one-database deployment.
 */
export function tenantDatabases(env: DatabaseBindings): string[] {
  const names = (env.TENANT_DATABASES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  return names.length > 0 ? [...new Set(names)] : [DIRECTORY]
}

/** Every database that may hold an organization's data: the directory (older organizations) and each tenant database. */
export function orgDatabaseNames(env: DatabaseBindings): string[] {
  return [...new Set([DIRECTORY, ...tenantDatabases(env)])]
}

/**
 * The D1 binding called `name`.
 * @throws Error when the Worker has no D1 binding of that name (wrangler.toml and TENANT_DATABASES disagree)
 */
export function databaseNamed(env: DatabaseBindings, name: string): D1Database {
  const binding = (env as unknown as Record<string, unknown>)[name]
  if (!binding || typeof (binding as D1Database).prepare !== 'function')
    throw new Error(`No D1 database is bound as ${name}: add it to wrangler.toml [[d1_databases]]`)
  return binding as D1Database
}

/** Where an organization lives, as the directory says: its id, name, slug and database's binding name. */
export type OrgLocation = { id: string; name: string; slug: string; database: string }

/** The `organizations` columns of an `OrgLocation` (and a unit's `OrgRef`), for a select. */
export const orgRefColumns = {
  id: organizations.id,
  name: organizations.name,
  slug: organizations.slug,
  database: organizations.database,
}

/** Per isolate: organization id and slug -> where it lives. A move (or a stale entry) is noticed by `forgetOrg`. */
const located = new Map<string, OrgLocation>()

/**
 * Where the organization with id or slug `key` lives: the isolate's cache, else the directory (one read, then
 * cached by id and slug). Null when the directory has no such organization.
 */
export async function locateOrg(
  env: DatabaseBindings,
  key: { id: string } | { slug: string },
  directory: Database = createDb(env.DB),
): Promise<OrgLocation | null> {
  const cached = located.get('id' in key ? `id:${key.id}` : `slug:${key.slug}`)
  if (cached) return cached
  const row = await directory
    .select(orgRefColumns)
    .from(organizations)
    .where('id' in key ? eq(organizations.id, key.id) : eq(organizations.slug, key.slug))
    .get()
  if (row) remember(row)
  return row ?? null
}

/** Caches `location`, by id and by slug. */
function remember(location: OrgLocation): void {
  located.set(`id:${location.id}`, location)
  located.set(`slug:${location.slug}`, location)
}

/**
 * Drops the cached location of `location`: its database lacked the organization (it moved, or was renamed), so the
 * next `locateOrg` asks the directory again.
 */
export function forgetOrg(location: OrgLocation): void {
  located.delete(`id:${location.id}`)
  located.delete(`slug:${location.slug}`)
}

/**
 * The tenant database with the most room for a new organization: the fewest leads and memberships (counts: one
 * read of `lead_counts`' totals and `memberships` per database), as a measure of its size and write load that D1 can
 * answer cheaply; with equal counts, the fewest organizations, then the first named, so new organizations spread.
 * @returns a binding name of `tenantDatabases(env)`
 */
export async function placeOrganization(env: DatabaseBindings): Promise<string> {
  const names = tenantDatabases(env)
  if (names.length === 1) return names[0]!
  const sizes = await Promise.all(
    names.map(async (name) => {
      const row = await databaseNamed(env, name)
        .prepare(
          `SELECT (SELECT coalesce(sum(leads), 0) FROM lead_counts WHERE bucket = 'all') +
            (SELECT count(*) FROM memberships) AS load, (SELECT count(*) FROM organizations) AS orgs`,
        )
        .first<{ load: number; orgs: number }>()
      return { name, load: row?.load ?? 0, orgs: row?.orgs ?? 0 }
    }),
  )
  sizes.sort((a, b) => a.load - b.load || a.orgs - b.orgs)
  return sizes[0]!.name
}

/** Per isolate: the databases found migrated at least to `NEWEST_MIGRATION`. */
const migrated = new Set<string>()

/**
 * Refuses service from database `name` when its newest applied migration (`d1_migrations`; names sort in order) is
 * older than the newest this Worker was built with (src/db/migrations.ts), asked once per isolate per database.
 * @throws Refusal 503 naming the database and the command that migrates it
 */
export async function requireMigrated(env: DatabaseBindings, name: string): Promise<void> {
  if (migrated.has(name)) return
  const newest = await databaseNamed(env, name)
    .prepare('SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1')
    .first<string>('name')
    .catch(() => null)
  // Ahead is fine (a deploy migrates before the new Worker takes over); behind is the wrong schema.
  if (newest === null || newest < NEWEST_MIGRATION)
    throw new Refusal(
      503,
      `The database ${name} has not been migrated (its newest migration is ${newest ?? 'none'}, this version of ` +
        `Leadpool needs ${NEWEST_MIGRATION}). Run npm run db:migrate:remote (npm run db:migrate:local on your machine).`,
      { details: { heading: 'Database needs migrating' } },
    )
  migrated.add(name)
}

/**
 * The first answer of `find` over every database that may hold an organization (`orgDatabaseNames`), asked in
 * parallel: how a public key (a form key, an API key, an invitation or unsubscribe link, an inbound address) finds
 * its organization. Reads one row per database; null when none answers.
 */
export async function findAcross<T>(
  env: DatabaseBindings,
  find: (binding: string) => Promise<T | null | undefined>,
): Promise<T | null> {
  const found = await Promise.all(orgDatabaseNames(env).map(find))
  return found.find((answer) => answer != null) ?? null
}
