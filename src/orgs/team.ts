/**
 * Managing members: role changes and deactivation, with the organization's rules:
 * - only Owners and Admins manage members; Admins manage Agents (and may make an Agent an Admin),
 *   but only Owners change or remove Owners and Admins, or make anyone an Owner (docs/ARCHITECTURE.md);
 * - nobody deactivates themselves;
 * - an organization always keeps at least one active Owner (checked inside the UPDATE itself, so
 *   two Owners demoting each other at the same time cannot both succeed).
 * A deactivated member keeps their account and their leads (flagged "needs reassignment" on the
 * team page) but cannot open the organization or be assigned. Invitations a member sent that they
 * could no longer send (after deactivation or a lower role) are revoked in the same batch.
 */
import { copyMembershipsToDirectory } from '../access/mirror'
import { and, eq, ne, sql } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { invitations, memberships, type MembershipStatus, type Role } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { isAdmin, isAgent, isManager, isOwner } from '../access/viewer'
import { findMember } from './members'

/** SQL: the organization keeps an active Owner other than `userId`. */
function anotherActiveOwner(orgId: string, userId: string) {
  return sql`EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = ${orgId} AND m.user_id != ${userId} AND m.role = 'owner' AND m.status = 'active')`
}

/** SQL: member `userId` of `orgId` now matches `condition` (on the memberships row). */
function memberIs(orgId: string, userId: string, condition: ReturnType<typeof sql>) {
  return sql`EXISTS (SELECT 1 FROM memberships WHERE org_id = ${orgId} AND user_id = ${userId} AND ${condition})`
}

const LAST_OWNER = 'An organization needs at least one active Owner: make someone else an Owner first.'

/**
 * Member `userId` of `unit.viewer`'s organization, if that viewer may manage members at all (routes call
 * it before reading the form: authorization before validation).
 * @throws Refusal 403 when the viewer is not an Owner or Admin, 404 when there is no such member
 */
export async function managedMember(unit: Pick<Unit, 'db' | 'viewer'>, userId: string) {
  const { db, viewer: actor } = unit
  if (!isManager(actor)) throw new Refusal(403, 'Only an Owner or Admin can manage the team.')
  const member = await findMember(db, actor.orgId, userId)
  if (!member) throw notFound()
  return member
}

/**
 * Gives member `userId` the role `role`, the unit's viewer acting; no-op when unchanged. The organization's database
 * first, then the directory's copy (access/mirror.ts).
 * @returns whether the role changed (false: they already had `role`)
 * @throws Refusal 403 (not allowed for the actor's role), 404 (no such member), 422 (last Owner)
 */
export async function changeRole(unit: Unit, userId: string, role: Role): Promise<boolean> {
  const { db, viewer: actor, now } = unit
  const member = await managedMember(unit, userId)
  if (member.role === role) return false
  if (!isOwner(actor) && (!isAgent(member) || isOwner(role))) {
    throw new Refusal(403, 'Only an Owner can change the role of an Owner or Admin, or make someone an Owner.')
  }
  const guard = isOwner(member) && member.status === 'active' ? anotherActiveOwner(actor.orgId, userId) : sql`1`
  // Invitations they may no longer send: Owner invitations once not an Owner, all once an Agent.
  const lost = isAgent(role) ? sql`1` : isAdmin(role) ? eq(invitations.role, 'owner') : sql`0`
  const [result] = await db.batch([
    db
      .update(memberships)
      .set({ role, updatedAt: now })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId), guard)),
    db
      .delete(invitations)
      .where(
        and(
          eq(invitations.orgId, actor.orgId),
          eq(invitations.invitedBy, userId),
          lost,
          memberIs(actor.orgId, userId, sql`role = ${role}`),
        ),
      ),
  ])
  if (result.meta.changes !== 1) throw new Refusal(422, LAST_OWNER)
  await copyMembershipsToDirectory(unit, [userId])
  return true
}

/**
 * Deactivates (`deactivated`) or reactivates (`active`) member `userId`, the unit's viewer acting; no-op when unchanged.
 * Deactivation takes effect at the member's next request (the organization middleware checks it). The organization's
 * database first, then the directory's copy (access/mirror.ts).
 * @throws Refusal 403 (not allowed), 404 (no such member), 422 (yourself, or the last Owner)
 */
export async function setMemberStatus(unit: Unit, userId: string, status: MembershipStatus): Promise<void> {
  const { db, viewer: actor, now } = unit
  const member = await managedMember(unit, userId)
  if (member.status === status) return
  if (userId === actor.userId) throw new Refusal(422, 'You cannot deactivate yourself.')
  if (!isAgent(member) && !isOwner(actor)) {
    throw new Refusal(403, 'Only an Owner can deactivate or reactivate an Owner or Admin.')
  }
  const guard = status === 'deactivated' && isOwner(member) ? anotherActiveOwner(actor.orgId, userId) : sql`1`
  const [result] = await db.batch([
    db
      .update(memberships)
      .set({ status, updatedAt: now })
      .where(
        and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId), ne(memberships.status, status), guard),
      ),
    db
      .delete(invitations)
      .where(
        and(
          eq(invitations.orgId, actor.orgId),
          eq(invitations.invitedBy, userId),
          memberIs(actor.orgId, userId, sql`status = 'deactivated'`),
        ),
      ),
  ])
  if (result.meta.changes !== 1 && status === 'deactivated' && isOwner(member)) throw new Refusal(422, LAST_OWNER)
  await copyMembershipsToDirectory(unit, [userId])
}
