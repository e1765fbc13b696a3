/**
 * Who may keep a live socket (docs/ARCHITECTURE.md "Live sockets and how access on them ends"): for the sessions of
 * a room's open sockets, two queries say which sessions still hold, each member's role, and whether they may still
 * see the room's lead (the relations of policy.ts), the pool (Owners and Admins; Agents while the organization
 * opens it to them) or the organization's lists (every active member).
 */
import { and, eq, gt, or, sql, type SQL } from 'drizzle-orm'
import { isManager, type Role } from '../access/viewer'
import type { Database } from '../db/client'
import { inIdSet } from '../db/id-sets'
import { leads, memberships, organizations, sessions } from '../db/schema'
import type { SessionGrant } from '../lib/websocket-room'
import { relations } from './policy'

/** What the room's sockets watch: one lead of the organization, its pool, or its lists (any active member sees them). */
export type Watched =
  { orgId: string; leadId: string } | { orgId: string; pool: true } | { orgId: string; organization: true }

/**
 * For the sessions `sessionHashes` (as `sessions.id` stores them) of the sockets watching `watched`, in two queries
 * (the sessions in the `directory`, then their people's memberships in `db`, the organization's database, the truth
 * for memberships: access/mirror.ts): each session still valid at `now` (epoch ms) → its member's role (null when no
 * longer an active member of the organization) and whether they may still see what is watched. Sessions that ended
 * or expired are absent.
 */
export async function sessionGrants(
  directory: Database,
  db: Database,
  watched: Watched,
  sessionHashes: string[],
  now: number,
): Promise<Map<string, SessionGrant>> {
  if (sessionHashes.length === 0) return new Map()
  const live = await directory
    .select({ sessionHash: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(and(inIdSet(sessions.id, sessionHashes), gt(sessions.expiresAt, now)))
    .all()
  if (live.length === 0) return new Map()
  const flag = (condition: SQL | undefined) => sql<number>`CASE WHEN ${condition} THEN 1 ELSE 0 END`
  const member = and(
    inIdSet(memberships.userId, [...new Set(live.map((row) => row.userId))]),
    eq(memberships.orgId, watched.orgId),
    eq(memberships.status, 'active'),
  )
  const base = { userId: memberships.userId, role: memberships.role, poolEnabled: organizations.poolEnabled }
  let rows: { userId: string; role: Role; poolEnabled: boolean; agentSees: number }[]
  if ('leadId' in watched) {
    const r = relations(db, memberships.userId)
    const agentSees = or(
      r.assignee,
      r.collaborator,
      r.former,
      r.creator,
      and(eq(organizations.poolEnabled, true), r.pool),
    )
    rows = await db
      .select({ ...base, agentSees: flag(agentSees) })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .leftJoin(leads, and(eq(leads.id, watched.leadId), eq(leads.orgId, memberships.orgId)))
      .where(member)
      .all()
  } else {
    const agentSees = 'pool' in watched ? eq(organizations.poolEnabled, true) : sql`1`
    rows = await db
      .select({ ...base, agentSees: flag(agentSees) })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(member)
      .all()
  }
  const byUser = new Map(rows.map((row) => [row.userId, row]))
  return new Map(
    live.map(({ sessionHash, userId }) => {
      const row = byUser.get(userId)
      const role = row?.role ?? null
      return [sessionHash, { role, visible: role !== null && (isManager(role) || row?.agentSees === 1) }]
    }),
  )
}
