/** Saving the organization settings. */
import { eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { organizations } from '../db/schema'
import type { OrgSettings } from './settings-schema'

/**
 * Saves `settings` as the unit's organization's settings, stamped with the unit's clock; `handoffAckHours` left
 * out (undefined) keeps the current hours. The caller checked the viewer is an Owner or Admin.
 */
export async function saveOrgSettings(unit: Unit, settings: OrgSettings): Promise<void> {
  await unit.db
    .update(organizations)
    .set({ ...settings, updatedAt: unit.now })
    .where(eq(organizations.id, unit.org.id))
}
