/**
 * The unit of work (docs/ARCHITECTURE.md "The unit of work"): everything a domain function needs to act in
 * one organization, built once per request by the membership middleware (src/orgs/middleware.ts) and by
 * `unitFor` for a cron chore, a queue consumer or a Durable Object. Domain functions take it first and an
 * options object last, e.g. `setInPool(unit, leadId, inPool)`; they never read the request or the clock.
 */
import { createDb, type Database } from '../db/client'
import { databaseNamed, locateOrg, orgDatabaseNames, type DatabaseBindings } from './databases'
import { retryOnConflict, type RetryOptions } from '../db/errors'
import type { EmailMessage } from '../lib/queue-messages'
import type { Viewer } from './viewer'

/** A person named in a change or a notification. */
export type PersonRef = { id: string; name: string }

/**
 * The organization a unit acts in: what links, emails and notifications name, and `database`, the binding name of
 * the database holding its data (src/access/databases.ts), so a unit built from a message or a scan asks no one.
 */
export type OrgRef = { id: string; name: string; slug: string; database: string }

/** Where the emails planned in a unit go after its batch commits (src/notifications/fan-out.ts). */
export type Mailroom = {
  /** Leadpool's public base URL (env.APP_URL), for links in emails. */
  appUrl: string
  queue: Queue<EmailMessage>
}

/**
 * One organization's unit of work. `V` is who acts: a `Viewer` (a member, in a request: `Unit`) or `null`
 * (Leadpool itself: a cron, a queue consumer, the website form: `SystemUnit`).
 */
export type Unit<V extends Viewer | null = Viewer> = {
  /** The organization's data: a Drizzle handle over the database `orgDatabase` names (in a request, its D1 session). */
  db: Database
  /**
   * The directory (src/access/databases.ts), for the second write of a change to a mirrored row (src/access/mirror.ts):
   * in a request, its D1 session; the same database as `db` for an organization living in the directory.
   */
  directory: Database
  org: OrgRef
  /** The member acting, with the organization's settings the lead policy reads; null when Leadpool acts. */
  viewer: V
  /** Who is named as having acted and is never notified of it; null when Leadpool acts. */
  actor: PersonRef | null
  /** The unit's clock: when it began, epoch ms. Every row it writes is stamped with it. */
  now: number
  mail: Mailroom
}

/** A unit in which Leadpool itself acts (no member). */
export type SystemUnit = Unit<null>

/** Any unit: what a function takes that works for a member and for Leadpool alike (the fan-out). */
export type AnyUnit = Unit<Viewer | null>

/** The Worker bindings a unit is built from (a part of src/env.ts `Env`). */
export type UnitBindings = DatabaseBindings & { APP_URL: string; EMAIL_QUEUE: Queue<EmailMessage> }

/**
 * Where the organization `org`'s data lives: the D1 binding its `database` names (a tenant database, or the
 * directory for an organization created before there were any; src/access/databases.ts `locateOrg` finds it).
 * @throws Error when no D1 database is bound under that name
 */
export function orgDatabase(env: UnitBindings, org: Pick<OrgRef, 'database'>): D1Database {
  return databaseNamed(env, org.database)
}

/**
 * The directory: accounts, sessions, sign-ups, resets, log-in attempts, the organizations (with where each lives)
 * and every membership (docs/ARCHITECTURE.md "Many databases"). Directory chores read it; scans of organizations'
 * data read every database (`orgDatabaseNames`).
 */
export function sharedDatabase(env: UnitBindings): Database {
  return createDb(env.DB)
}

/**
 * Every database holding organizations' data (access/databases.ts `orgDatabaseNames`: the directory for the
 * organizations created before tenant databases, then each tenant database), with its binding name: what a scan
 * across organizations loops over. In the directory, only organizations whose `database` is `DB` live there (the
 * others' rows are the directory's copies): a scan of `organizations` keeps to `database = name`.
 */
export function orgDatabases(env: UnitBindings): { name: string; db: Database }[] {
  return orgDatabaseNames(env).map((name) => ({ name, db: createDb(databaseNamed(env, name)) }))
}

/**
 * A unit for a cron chore, a queue consumer, a Durable Object or a request where Leadpool acts (the website form,
 * the API) in `org`: a new Drizzle handle over `orgDatabase`, Leadpool as the actor unless `options.actor` /
 * `options.viewer` say otherwise.
 * @param options.now epoch ms the unit's clock reads (default: now)
 * @param options.db the request's D1 session of the organization's database (db/d1-session.ts `sessionOf`) for a
 *   request where Leadpool acts, so it reads its own write and `c.var.changeSaved` knows when its change was saved
 * @param options.directory the request's D1 session of the directory (`c.var.db`)
 */
export function unitFor<V extends Viewer | null = null>(
  env: UnitBindings,
  org: OrgRef,
  options: { now?: number; actor?: PersonRef | null; viewer?: V; db?: Database; directory?: Database } = {},
): Unit<V> {
  return {
    db: options.db ?? createDb(orgDatabase(env, org)),
    directory: options.directory ?? createDb(env.DB),
    org,
    viewer: (options.viewer ?? null) as V,
    actor: options.actor ?? null,
    now: options.now ?? Date.now(),
    mail: { appUrl: env.APP_URL, queue: env.EMAIL_QUEUE },
  }
}

/**
 * Runs `work` in `unit`, and again while it loses to a concurrent write (db/errors.ts `retryOnConflict`, with
 * `targets` and `options`). Each attempt runs in `unit` with its clock read as the attempt begins (never earlier than
 * `unit.now`): a write planned on the result of another is stamped after it, so a lead's activities in time order
 * follow from one another even when requests that began in one order commit in another.
 * @throws as `retryOnConflict` (Refusal 409 once the budget runs out) or as `work`
 */
export function retryInUnit<V extends Viewer | null, T>(
  unit: Unit<V>,
  targets: string | string[],
  work: (attempt: Unit<V>) => Promise<T>,
  options?: RetryOptions,
): Promise<T> {
  return retryOnConflict(targets, () => work({ ...unit, now: Math.max(unit.now, Date.now()) }), options)
}

/**
 * The database of the organization `orgId` as the directory says (access/databases.ts `locateOrg`, cached per
 * isolate), as a Drizzle handle: for a queue consumer or a Durable Object that knows only the organization's id.
 * @throws Error when the directory knows no such organization
 */
export async function orgDatabaseOf(env: UnitBindings, orgId: string): Promise<Database> {
  const location = await locateOrg(env, { id: orgId })
  if (!location) throw new Error(`no organization ${orgId} in the directory`)
  return createDb(orgDatabase(env, location))
}
