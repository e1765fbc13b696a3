/** Changing columns of one lead with its activity, in one batch (docs/ARCHITECTURE.md "Every change writes an activity"). */
import { and, eq, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Unit } from '../access/unit'
import { activityRow, type ActivityType } from '../activity/activities'
import { runBatch } from '../db/client'
import { unlessChanged } from '../db/guard'
import { activities, leads, type Lead } from '../db/schema'

/** What `updateLead` writes: the columns, the activity, and what guards and goes with the change. */
export type LeadUpdate = {
  set: Partial<Pick<Lead, 'status' | 'inPool' | 'pooledAt'>>
  activity: { type: ActivityType; data?: Record<string, unknown> }
  /** SQL on the state the change was planned on: the batch stops with a stale-write error when it no longer holds. */
  expected?: SQL
  /** Further statements of the same change (e.g. the notification fan-out's), run after the activity. */
  also?: BatchItem<'sqlite'>[]
}

/**
 * Changes columns of one lead and records the change as an activity by the unit's viewer, both stamped `unit.now`,
 * in one atomic D1 batch (docs/ARCHITECTURE.md). The caller has checked the viewer may do it. When
 * `update.expected` no longer holds the batch fails with a stale-write error (db/guard.ts); the caller retries.
 * Reads only the unit's `db`, `viewer` and `now`.
 * @returns the activity's id
 */
export async function updateLead(
  unit: Pick<Unit, 'db' | 'viewer' | 'now'>,
  leadId: string,
  update: LeadUpdate,
): Promise<string> {
  const { db, viewer, now } = unit
  const { set, activity, expected, also = [] } = update
  const row = activityRow({ orgId: viewer.orgId, leadId, actorId: viewer.userId, ...activity, at: now })
  await runBatch(db, [
    ...(expected ? [unlessChanged(db, expected)] : []),
    db
      .update(leads)
      .set({ ...set, updatedAt: now })
      .where(and(eq(leads.id, leadId), eq(leads.orgId, viewer.orgId))),
    db.insert(activities).values(row),
    ...also,
  ])
  return row.id
}
