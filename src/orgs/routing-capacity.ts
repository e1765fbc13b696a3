/**
 * Each member's share of routing (docs/ARCHITECTURE.md "Intake and routing"): a weight (1-5: weight 2 is given twice
 * the leads of weight 1) and a cap on the open leads routing gives them (0 = none). Owners and Admins set them on
 * the team page; leads/routing.ts reads them in each routing turn.
 */
import { copyMembershipsToDirectory } from '../access/mirror'
import { and, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { memberships } from '../db/schema'
import { managedMember } from './team'

/** Highest routing weight. */
export const MAX_WEIGHT = 5

/** Highest routing cap a form accepts (open leads). */
export const MAX_ROUTING_CAP = 10_000

/**
 * Sets member `userId`'s routing `weight` (1-5) and `cap` (open leads from routing, 0 = none), the unit's viewer
 * acting.
 * @throws Refusal 403 when the viewer is not an Owner or Admin, 404 when there is no such member
 */
export async function setRoutingCapacity(
  unit: Unit,
  userId: string,
  options: { weight: number; cap: number },
): Promise<void> {
  await managedMember(unit, userId)
  await unit.db
    .update(memberships)
    .set({ routingWeight: options.weight, routingCap: options.cap, updatedAt: unit.now })
    .where(and(eq(memberships.orgId, unit.org.id), eq(memberships.userId, userId)))
  await copyMembershipsToDirectory(unit, [userId])
}
