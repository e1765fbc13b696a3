/**
 * Units of work (src/access/unit.ts) for Leadpool acting in several organizations at once: a queue
 * consumer's batch or a cron chore that found work by organization id.
 */
import { orgRefColumns } from '../access/databases'
import { sharedDatabase, unitFor, type SystemUnit, type UnitBindings } from '../access/unit'
import { inIdSet } from '../db/id-sets'
import { organizations } from '../db/schema'

/**
 * A unit in which Leadpool acts (`unitFor`) for each organization of `orgIds` that exists, by organization
 * id, in the database the directory says it lives in: one read of the directory's `organizations`. An organization deleted meanwhile has none.
 * @param now epoch ms every unit's clock reads
 */
export async function systemUnits(env: UnitBindings, orgIds: string[], now: number): Promise<Map<string, SystemUnit>> {
  const ids = [...new Set(orgIds)]
  if (ids.length === 0) return new Map()
  const orgs = await sharedDatabase(env)
    .select(orgRefColumns)
    .from(organizations)
    .where(inIdSet(organizations.id, ids))
    .all()
  return new Map(orgs.map((org) => [org.id, unitFor(env, org, { now })]))
}
