/** What the pool and routing settings page reads and saves: the organization's pool settings and rotation. */
import { asc, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { organizations, routingMembers } from '../db/schema'
import { assignableMembers } from '../orgs/members'
import type { PoolSettingsValues } from './settings-schema'

/** The ids of the members in the unit's organization's round-robin, in rotation order. */
export async function rotationIds(unit: Unit): Promise<string[]> {
  const rows = await unit.db
    .select({ userId: routingMembers.userId })
    .from(routingMembers)
    .where(eq(routingMembers.orgId, unit.org.id))
    .orderBy(asc(routingMembers.position))
    .all()
  return rows.map((r) => r.userId)
}

/**
 * Saves the pool and routing settings of the unit's organization (stamped with its clock) and its rotation: only
 * its members join it, in the order the page lists them (deactivated ones are skipped while deactivated). The
 * caller checked the viewer is an Owner or Admin.
 */
export async function savePoolSettings(unit: Unit, input: PoolSettingsValues): Promise<void> {
  const { db, org, now } = unit
  const members = await assignableMembers(unit, { includeDeactivated: true })
  const ticked = new Set(input.routingMemberIds)
  const rotation = members.filter((m) => ticked.has(m.userId))
  await runBatch(db, [
    db
      .update(organizations)
      .set({
        poolClaimCap: input.poolClaimCap,
        poolShowOldest: input.poolShowOldest,
        poolStaleHours: input.poolStaleHours,
        poolReturnDays: input.poolReturnDays,
        ...(input.unassignedWarnHours !== undefined && { unassignedWarnHours: input.unassignedWarnHours }),
        routing: input.routing,
        updatedAt: now,
      })
      .where(eq(organizations.id, org.id)),
    db.delete(routingMembers).where(eq(routingMembers.orgId, org.id)),
    ...rotation.map((m, position) => db.insert(routingMembers).values({ orgId: org.id, userId: m.userId, position })),
  ])
}
