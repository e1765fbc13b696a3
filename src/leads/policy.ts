/**
 * The one lead policy (docs/ARCHITECTURE.md): who may see, edit, assign and claim a
 * lead. The relations below are defined once, as SQL; `visibleLeads` ORs them for lists and
 * single-lead reads, and `whoCanSee` evaluates the same expressions per member for the lead page's
 * "Who can see this lead and why" panel, so pages, fragments, exports, searches, counts and that
 * panel can never disagree.
 *
 * - Owner / Admin: every lead of the organization; may assign, edit, claim.
 * - Agent: leads they are assigned to (primary or collaborator), leads they created, leads they
 *   were assigned before (kept after a transfer), and, when the organization enables the pool,
 *   unassigned leads in the pool. An Agent edits only leads they are assigned to (as a
 *   collaborator only while multiple assignees are on), claims only from the pool, never assigns.
 * Every predicate pins the organization (tenancy); a deactivated member never gets this far (the
 * organization middleware refuses them).
 */
import { and, eq, exists, isNull, not, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Database } from '../db/client'
import { isAdmin, isAgent, isManager, isOwner, type Viewer } from '../access/viewer'
import { formerAssignees, leadAssignees, leads, memberships, organizations, users } from '../db/schema'
import { Refusal } from '../lib/errors'
import { inIdSet } from '../db/id-sets'

/**
 * SQL: the lead is in the pool (no assignee, opened to the team, not archived). `assignee_count` is kept by SQL
 * triggers on lead_assignees (migrations/0011_lead_derived_state.sql), so this is one indexed test.
 */
export function inPool(): SQL {
  return and(eq(leads.inPool, true), eq(leads.assigneeCount, 0), isNull(leads.archivedAt))!
}

/** A person in SQL: a user id, or a column holding one (e.g. `memberships.user_id`). */
type UserRef = string | SQLWrapper

/**
 * The relations that let an Agent see a lead, as SQL on `leads` for the person `user`:
 * assignee (primary), collaborator, former assignee, creator, and pool (which the caller applies
 * only when the organization enables it).
 */
export function relations(db: Database, user: UserRef) {
  const assigned = (kind: 'primary' | 'collaborator') =>
    exists(
      db
        .select({ one: leadAssignees.leadId })
        .from(leadAssignees)
        .where(and(eq(leadAssignees.leadId, leads.id), eq(leadAssignees.userId, user), eq(leadAssignees.kind, kind))),
    )
  return {
    assignee: assigned('primary'),
    collaborator: assigned('collaborator'),
    former: exists(
      db
        .select({ one: formerAssignees.leadId })
        .from(formerAssignees)
        .where(and(eq(formerAssignees.leadId, leads.id), eq(formerAssignees.userId, user))),
    ),
    creator: eq(leads.createdBy, user),
    pool: inPool(),
  }
}

export type Relation = keyof ReturnType<typeof relations>

/** SQL condition on `leads` selecting exactly the leads `viewer` may see. */
export function visibleLeads(db: Database, viewer: Viewer): SQL {
  const inOrg = eq(leads.orgId, viewer.orgId)
  if (isManager(viewer)) return inOrg
  const r = relations(db, viewer.userId)
  const paths = [r.assignee, r.collaborator, r.former, r.creator]
  if (viewer.poolEnabled) paths.push(r.pool)
  return and(inOrg, or(...paths))!
}

/**
 * The same leads as `visibleLeads`, as disjoint parts for queries that visit every visible lead (counts)
 * instead of walking a page in order, each part served by an index: the organization for Owners and Admins;
 * for an Agent, `ownLeads` (outside the pool when the pool is on) and the pool (`bucket: 'pool'`, the
 * lead_counts bucket holding exactly its leads). Pool leads have no assignee, so the parts never overlap.
 */
export function visibleLeadParts(viewer: Viewer): VisiblePart[] {
  const inOrg = eq(leads.orgId, viewer.orgId)
  if (isManager(viewer)) return [{ where: inOrg }]
  const own = (rest?: SQL) => ({ assigned: viewer.userId, history: and(inOrg, ownHistory(viewer), rest)! })
  if (!viewer.poolEnabled) return [{ where: and(inOrg, ownLeads(viewer))!, own: own() }]
  return [
    { where: and(inOrg, ownLeads(viewer), not(inPool()))!, own: own(not(inPool())) },
    { where: and(inOrg, inPool())!, bucket: 'pool' },
  ]
}

/**
 * One part of `visibleLeadParts`: `where` selects it. With no other filter, the pool's total is its counter
 * (`bucket`), and an Agent's own leads are the leads they are assigned to (a counter, `assigned`) and, not
 * among those, the leads they held before or created (`history`, counted).
 */
export type VisiblePart = { where: SQL; bucket?: 'pool'; own?: { assigned: string; history: SQL } }

/**
 * SQL: the ids of the leads Agent `viewer` formerly held or created, for an `IN (…)` list: `UNION ALL`, not
 * `UNION` (an IN list ignores repeats, and for UNION the SQLite of workerd merges the two sides in id order,
 * reading the creator side through `leads_org_id_idx`, every lead of the organization, instead of
 * `leads_org_creator_idx`; test/query-plans.test.ts refuses such a list).
 */
function heldOrCreatedIds(viewer: Viewer): SQL {
  const { orgId, userId } = viewer
  return sql`SELECT ${formerAssignees.leadId} FROM ${formerAssignees} WHERE ${formerAssignees.orgId} = ${orgId} AND ${formerAssignees.userId} = ${userId}
    UNION ALL SELECT own.id FROM ${leads} own WHERE own.org_id = ${orgId} AND own.created_by = ${userId}`
}

/**
 * SQL on `leads`: Agent `viewer` formerly held the lead or created it, and is not assigned to it now (the
 * leads `ownLeads` adds to their current assignments).
 */
export function ownHistory(viewer: Viewer): SQL {
  return sql`${leads.id} IN (${heldOrCreatedIds(viewer)})
    AND NOT EXISTS (SELECT 1 FROM ${leadAssignees} mine WHERE mine.lead_id = ${leads.id} AND mine.user_id = ${viewer.userId})`
}

/**
 * SQL on `leads`: the lead is one of Agent `viewer`'s own by the relations of `relations` other than the
 * pool (assignee or collaborator, former assignee, creator), as an `id IN (…)` over those relations' indexes.
 */
export function ownLeads(viewer: Viewer): SQL {
  const { orgId, userId } = viewer
  return sql`${leads.id} IN (
    SELECT ${leadAssignees.leadId} FROM ${leadAssignees} WHERE ${leadAssignees.orgId} = ${orgId} AND ${leadAssignees.userId} = ${userId}
    UNION ALL ${heldOrCreatedIds(viewer)})`
}

/** Why a member can see a lead. */
export type Reason = 'Owner role' | 'Admin role' | Exclude<Relation, 'pool'> | 'pool'

/**
 * Every active member who can see lead `leadId` of `unit.viewer`'s organization, with every reason, by
 * the rules of `visibleLeads` (same relation expressions, evaluated per member in one query).
 */
export async function whoCanSee(unit: { db: Database; viewer: Pick<Viewer, 'orgId' | 'poolEnabled'> }, leadId: string) {
  const { db, viewer } = unit
  const r = relations(db, memberships.userId)
  const flag = (condition: SQL) => sql<number>`CASE WHEN ${condition} THEN 1 ELSE 0 END`
  const rows = await db
    .select({
      userId: memberships.userId,
      name: users.name,
      role: memberships.role,
      assignee: flag(r.assignee),
      collaborator: flag(r.collaborator),
      former: flag(r.former),
      creator: flag(r.creator),
      pool: flag(r.pool),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(leads, and(eq(leads.id, leadId), eq(leads.orgId, memberships.orgId)))
    .where(and(eq(memberships.orgId, viewer.orgId), eq(memberships.status, 'active')))
    .orderBy(users.name)
    .all()
  return rows
    .map((row) => {
      const reasons: Reason[] = []
      if (isOwner(row)) reasons.push('Owner role')
      if (isAdmin(row)) reasons.push('Admin role')
      for (const relation of ['assignee', 'collaborator', 'former', 'creator'] as const)
        if (row[relation]) reasons.push(relation)
      if (row.pool && viewer.poolEnabled && isAgent(row)) reasons.push('pool')
      return { userId: row.userId, name: row.name, role: row.role, reasons }
    })
    .filter((m) => m.reasons.length > 0)
}

/** The organization's setting "Agents can see and claim the unassigned pool" (false for an unknown id). */
export async function orgPoolEnabled(db: Database, orgId: string): Promise<boolean> {
  const org = await db
    .select({ poolEnabled: organizations.poolEnabled })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get()
  return org?.poolEnabled ?? false
}

/** The user ids of every active member who may see lead `leadId` of organization `orgId` now (`whoCanSee`). */
export async function whoMaySee(db: Database, orgId: string, leadId: string): Promise<string[]> {
  const poolEnabled = await orgPoolEnabled(db, orgId)
  return (await whoCanSee({ db, viewer: { orgId, poolEnabled } }, leadId)).map((m) => m.userId)
}

/**
 * Which of the leads `leadIds` of organization `orgId` each of the members `userIds` may see now, by the rules of
 * `visibleLeads` (the same relation expressions, evaluated per member and lead in one query, the pool only while the
 * organization opens it to Agents); members who are not active see none.
 * @returns user id → the ids of the leads they may see (every member of `userIds` has an entry, maybe empty)
 */
export async function leadsEachMaySee(
  db: Database,
  orgId: string,
  leadIds: readonly string[],
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>(userIds.map((id) => [id, []]))
  if (leadIds.length === 0 || userIds.length === 0) return seen
  const r = relations(db, memberships.userId)
  const flag = (condition: SQL) => sql<number>`CASE WHEN ${condition} THEN 1 ELSE 0 END`
  const rows = await db
    .select({
      userId: memberships.userId,
      role: memberships.role,
      leadId: leads.id,
      related: flag(or(r.assignee, r.collaborator, r.former, r.creator)!),
      pool: flag(and(r.pool, eq(organizations.poolEnabled, true))!),
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .innerJoin(leads, and(eq(leads.orgId, memberships.orgId), inIdSet(leads.id, leadIds)))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.status, 'active'), inIdSet(memberships.userId, userIds)))
    .all()
  for (const row of rows) if (isManager(row) || row.related || row.pool) seen.get(row.userId)?.push(row.leadId)
  return seen
}

/** What the action checks need to know of a lead the viewer can already see. */
export type LeadFacts = { inPool: boolean; primaryId: string | null; collaboratorIds: string[] }

/**
 * May `viewer` change the lead's fields and status? Managers, the primary assignee, and
 * collaborators while the organization allows multiple assignees (read-only otherwise).
 */
export function canEdit(viewer: Viewer, lead: LeadFacts): boolean {
  if (isManager(viewer) || lead.primaryId === viewer.userId) return true
  return viewer.multipleAssignees && lead.collaboratorIds.includes(viewer.userId)
}

/** May `viewer` assign, reassign or unassign leads (and manage collaborators)? Owners and Admins. */
export function canAssign(viewer: Viewer): boolean {
  return isManager(viewer)
}

/**
 * May `viewer` try to claim the lead? It must be in the pool; Agents need the pool setting on.
 * (Whether the claim wins is decided atomically when it is written.)
 */
export function canClaim(viewer: Viewer, lead: LeadFacts): boolean {
  const claimable = lead.inPool && lead.primaryId === null && lead.collaboratorIds.length === 0
  return claimable && (isManager(viewer) || viewer.poolEnabled)
}

/** The facts of a lead read through `findVisibleLead`. */
export function factsOf(lead: {
  inPool: boolean
  archivedAt?: number | null
  assignees: { userId: string; kind: 'primary' | 'collaborator' }[]
}): LeadFacts {
  return {
    // An archived lead is out of the pool: nobody can claim it until it is restored.
    inPool: lead.inPool && !lead.archivedAt,
    primaryId: lead.assignees.find((a) => a.kind === 'primary')?.userId ?? null,
    collaboratorIds: lead.assignees.filter((a) => a.kind === 'collaborator').map((a) => a.userId),
  }
}

/**
 * May `viewer` hand the lead on to a teammate themselves? An Agent who is its primary assignee, while
 * the organization's setting "Agents may hand their own leads to a teammate" is on (Owners and Admins
 * reassign instead).
 */
export function canHandOff(viewer: Viewer, lead: LeadFacts): boolean {
  return isAgent(viewer) && lead.primaryId === viewer.userId && viewer.agentsMayHandOff === true
}

/** May `viewer` ask the Owners/Admins to reassign the lead? An Agent who is its primary assignee. */
export function canRequestReassignment(viewer: Viewer, lead: LeadFacts): boolean {
  return isAgent(viewer) && lead.primaryId === viewer.userId
}

/** The refusal of an ownership or pool change on an archived lead (docs/ARCHITECTURE.md "Archived leads"). */
export const ARCHIVED_LEAD = 'This lead is archived: restore it first.'

/**
 * Refuses an ownership or pool change (assign, hand off, pool in/out, claim, release, collaborators) of a lead
 * that is archived: it is read-only for them until restored. Its write also guards on `notArchived`
 * (db/guard.ts), so an archive landing in between refuses it too.
 * @throws Refusal 409 `ARCHIVED_LEAD` when `lead.archivedAt` is set (epoch ms)
 */
export function refuseArchived(lead: { archivedAt: number | null }): void {
  if (lead.archivedAt !== null) throw new Refusal(409, ARCHIVED_LEAD)
}
