/**
 * Archiving a lead: it leaves every list, count, pool and export (nothing is deleted) until it is
 * restored (the queries use `archiveScope`, src/leads/archive-scope.ts). Owners and Admins archive
 * and restore one lead (`setArchived`); the undo of an import archives the untouched leads it
 * created (src/imports/undo.ts).
 */
import { and, eq } from 'drizzle-orm'
import { leadIs, unlessChanged } from '../db/guard'
import { activityRow } from '../activity/activities'
import { retryInUnit, type Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { runBatch } from '../db/client'
import { activities, leads } from '../db/schema'
import { notFound, Refusal } from '../lib/errors'
import { archiveScope } from './archive-scope'
import { findVisibleLead } from './lead-detail'

/**
 * Archives (`archive` true) or restores `leadId` in `unit` with an `archived` / `restored` activity by its viewer,
 * stamped `unit.now`, in one batch; a no-op when the lead is already in that state. Owners and Admins only.
 * @throws Refusal 404 when the lead is not visible, 403 for an Agent
 */
export async function setArchived(unit: Unit, leadId: string, archive: boolean) {
  // A concurrent archive/restore in between fails the batch on its guard and this runs again (db/guard.ts).
  await retryInUnit(unit, [], (attempt) => setOnce(attempt, leadId, archive))
}

/** One try of `setArchived`: reads the lead, writes the change unless it was archived or restored meanwhile. */
async function setOnce(unit: Unit, leadId: string, archive: boolean) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  if (!isManager(viewer)) throw new Refusal(403, `Only an Owner or Admin can ${archive ? 'archive' : 'restore'} leads.`)
  if ((lead.archivedAt !== null) === archive) return
  await runBatch(db, [
    unlessChanged(db, leadIs(leadId, archiveScope(!archive))),
    db
      .update(leads)
      .set({ archivedAt: archive ? now : null, archivedBy: archive ? viewer.userId : null, updatedAt: now })
      .where(and(eq(leads.id, leadId), eq(leads.orgId, viewer.orgId))),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId,
        actorId: viewer.userId,
        type: archive ? 'archived' : 'restored',
        at: now,
      }),
    ),
  ])
}
