/**
 * Live lists (docs/ARCHITECTURE.md "Live lists"): after a commit that changed leads, each member connected to the
 * organization's room (org-room.ts) is told which of the changed leads they may see (policy.ts `leadsEachMaySee`),
 * and their page refetches those rows from D1 as they may see them (`GET /o/{slug}/leads/rows`, live-rows.tsx).
 * The changed leads are read from D1: every change writes an activity, whose trigger moves `leads.last_activity_at`
 * to its time (migrations/0011_lead_derived_state.sql), never earlier than the unit's clock.
 */
import { and, eq, gte, inArray } from 'drizzle-orm'
import type { Context, MiddlewareHandler } from 'hono'
import type { AnyUnit } from '../access/unit'
import type { Database } from '../db/client'
import { inIdSet } from '../db/id-sets'
import { activities, leads } from '../db/schema'
import type { App, Env } from '../env'
import { authorizeUpgrade } from '../access/upgrade'
import { forwardUpgrade } from '../lib/websocket-room'
import type { ListChange } from './org-room'
import { leadsEachMaySee } from './policy'

/** At most this many changed leads are named to a page; a larger change tells every page to refetch what it shows. */
export const MAX_NAMED_LEADS = 200

/** Activities after which a lead may have left the pool, and with it the sight of Agents who saw it there. */
const POOL_EXITS = ['claimed', 'assigned', 'removed_from_pool', 'archived'] as const

/** The organization `orgId`'s room. */
export function orgRoom(env: Pick<Env, 'ORG_ROOM'>, orgId: string) {
  return env.ORG_ROOM.get(env.ORG_ROOM.idFromName(orgId))
}

/**
 * The leads of organization `orgId` whose activity is at or after `since` (epoch ms), up to MAX_NAMED_LEADS (`more`
 * when there are more), and which of them may have left the pool (an activity of POOL_EXITS since then).
 */
export async function changedLeads(
  db: Database,
  orgId: string,
  since: number,
): Promise<{ ids: string[]; more: boolean; poolExits: Set<string> }> {
  const rows = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), gte(leads.lastActivityAt, since)))
    .limit(MAX_NAMED_LEADS + 1)
    .all()
  const ids = rows.slice(0, MAX_NAMED_LEADS).map((r) => r.id)
  if (ids.length === 0 || rows.length > MAX_NAMED_LEADS)
    return { ids, more: rows.length > MAX_NAMED_LEADS, poolExits: new Set() }
  const exits = await db
    .selectDistinct({ leadId: activities.leadId })
    .from(activities)
    .where(and(inIdSet(activities.leadId, ids), gte(activities.createdAt, since), inArray(activities.type, POOL_EXITS)))
    .all()
  return { ids, more: false, poolExits: new Set(exits.map((e) => e.leadId)) }
}

/** Options of `publishListChanges`. */
export type PublishOptions = {
  /** Every connected page refetches what it shows (a role, a member's status or a setting changed), no ids named. */
  recheck?: boolean
}

/**
 * Tells the pages connected to `unit`'s organization which leads changed since `since` (epoch ms: the unit's clock,
 * which stamps its change), each member only the leads they may see now, and `recheck` to a member who may have lost
 * sight of one of them (a lead that left the pool). Reads nothing when no page is connected. Never throws: the change
 * is saved, and a page that missed it catches up when it reconnects (errors are logged).
 * @returns how many sockets were told
 */
export async function publishListChanges(
  env: Pick<Env, 'ORG_ROOM'>,
  unit: Pick<AnyUnit, 'db' | 'org'>,
  since: number,
  options: PublishOptions = {},
): Promise<number> {
  try {
    const room = orgRoom(env, unit.org.id)
    const members = await room.members()
    if (members.length === 0) return 0
    const everyone = (change: ListChange) => Object.fromEntries(members.map((id) => [id, change]))
    if (options.recheck) return await room.tell(everyone({ leads: [], recheck: true }))
    const changed = await changedLeads(unit.db, unit.org.id, since)
    if (changed.ids.length === 0) return 0
    if (changed.more) return await room.tell(everyone({ leads: [], recheck: true }))
    const seen = await leadsEachMaySee(unit.db, unit.org.id, changed.ids, members)
    const changes: Record<string, ListChange> = {}
    for (const [userId, visible] of seen) {
      const mine = new Set(visible)
      const recheck = [...changed.poolExits].some((id) => !mine.has(id))
      if (visible.length > 0 || recheck) changes[userId] = { leads: visible, recheck }
    }
    return await room.tell(changes)
  } catch (error) {
    console.error('live lists not told', unit.org.id, error)
    return 0
  }
}

/**
 * Middleware: after a post that succeeded (below 400), `publishListChanges` for the request's unit (since its clock),
 * with `options`. Mounted in src/app.ts on every post that may change leads or who sees them.
 */
export function publishAfterPost(options: PublishOptions = {}): MiddlewareHandler<App> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next()
    await next()
    if (c.res.status < 400) await publishListChanges(c.env, c.var.unit, c.var.unit.now, options)
  }
}

/**
 * `GET /o/{slug}/live`: authorizes the upgrade in the Worker (the membership middleware has checked the member,
 * anyone else: 404 as for every URL of the organization; access/upgrade.ts `authorizeUpgrade` the origin and the
 * session), then hands it to the organization's room with the socket's owner.
 * @returns 101 with the socket
 * @throws Refusal 426 when not an upgrade; 403 when `Origin` is missing or another site's
 */
export async function orgLiveUpgrade(c: Context<App>): Promise<Response> {
  const owner = await authorizeUpgrade(c)
  return forwardUpgrade(orgRoom(c.env, c.var.unit.org.id), c.req.raw, owner)
}
