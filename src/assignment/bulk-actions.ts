/**
 * Bulk actions beyond assignment, from the list's bulk bar: change the status of the selected leads, put
 * them in the pool, unassign them. Each is one atomic D1 batch (a stale-state guard first, then the
 * changes and one activity per changed lead), planned again when a concurrent change trips the guard, as
 * bulk assignment is (bulk.ts). The selected ids travel as one JSON parameter (`json_each`), whatever
 * their number.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { retryInUnit, type Unit } from '../access/unit'
import { type Viewer } from '../access/viewer'
import { activityRow, type NewActivity } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import { unlessChanged } from '../db/guard'
import { activities, leads, type LeadStatus } from '../db/schema'
import { chunk, rowsPerInsert } from '../lib/chunk'
import { Refusal } from '../lib/errors'
import { archiveScope } from '../leads/archive-scope'
import { canAssign } from '../leads/policy'
import { firstTouchWaitWrite } from '../orgs/first-touch-wait'
import { fanOut, type FanOut } from '../notifications/fan-out'
import {
  bulkAssign,
  refuseAllMoved,
  selectLeads,
  unmovedLeads,
  type BulkAssignResult,
  type BulkOptions,
  type BulkSelection,
} from './bulk'
import { holdersAre } from '../db/guard'
import { inIdSet } from '../db/id-sets'

/** What a bulk action did: how many leads changed, of how many selected. */
export type BulkResult = { changed: number; selected: number }

/** What a bulk pool move did, and the ticked leads it left alone because they changed hands since shown. */
export type BulkPoolResult = BulkResult & { moved: { id: string; name: string }[] }

/** The activity rows of a bulk action, in multi-row inserts under D1's parameter limit. */
function activityInserts(db: Database, rows: (typeof activities.$inferInsert)[]): BatchItem<'sqlite'>[] {
  return chunk(rows, rowsPerInsert(activities)).map((part) => db.insert(activities).values(part))
}

function refuseAgents(viewer: Viewer, what: string) {
  if (!canAssign(viewer)) throw new Refusal(403, `Only an Owner or Admin can ${what}.`)
}

/**
 * Commits one bulk change of `unit`'s member whole, in one batch: `guard` (stops the batch when the leads changed
 * since they were read: db/guard.ts), the new values `set` of leads `ids`, one activity per lead at `unit.now`
 * (`activity(id)`: its type and data), `after` them, and the notifications `fan`; then sends the fan-out's emails.
 * @throws as `unlessChanged` (a stale write, retried by the caller) or a D1 error
 */
async function commitBulk(
  unit: Unit,
  change: {
    guard: SQL
    ids: string[]
    set: Partial<typeof leads.$inferInsert>
    activity: (id: string) => Pick<NewActivity, 'type' | 'data'>
    /** Statements that follow the activities (e.g. the first-touch waits: src/orgs/first-touch-wait.ts). */
    after?: BatchItem<'sqlite'>[]
    fan: FanOut
  },
): Promise<void> {
  const { db, now } = unit
  const { orgId, userId } = unit.viewer
  await runBatch(db, [
    unlessChanged(db, change.guard),
    db
      .update(leads)
      .set(change.set)
      .where(and(eq(leads.orgId, orgId), inIdSet(leads.id, change.ids))),
    ...activityInserts(
      db,
      change.ids.map((id) => activityRow({ orgId, leadId: id, actorId: userId, at: now, ...change.activity(id) })),
    ),
    ...(change.after ?? []),
    ...change.fan.statements,
  ])
  await change.fan.afterCommit()
}

/**
 * Sets the status of every selected lead to `status`; leads already so are left alone. Planned on the
 * statuses as read: a concurrent change of one of them makes it run again (so each activity's `from` is
 * the status before it). The people working the changed leads are told through the fan-out, one
 * notification each for the lot. `unit`'s member acts, at `unit.now`.
 * @throws Refusal 403 (not Owner/Admin), 422 (nothing selected, too many), 409 (concurrent changes kept winning)
 */
export async function bulkStatus(unit: Unit, selection: BulkSelection, status: LeadStatus): Promise<BulkResult> {
  const { db, viewer } = unit
  refuseAgents(viewer, 'change leads in bulk')
  const selected = await selectLeads(db, viewer, selection)
  return retryInUnit(unit, [], async (attempt) => {
    const { now } = attempt
    const rows = await db
      .select({
        id: leads.id,
        name: leads.name,
        status: leads.status,
        createdAt: leads.createdAt,
        firstTouchedAt: leads.firstTouchedAt,
      })
      .from(leads)
      .where(
        and(
          eq(leads.orgId, viewer.orgId),
          archiveScope(),
          inIdSet(
            leads.id,
            selected.map((l) => l.id),
          ),
        ),
      )
      .all()
    const changed = rows.filter((r) => r.status !== status)
    if (changed.length === 0) return { changed: 0, selected: selected.length }
    const ids = changed.map((r) => r.id)
    const planned = JSON.stringify(changed.map((r) => [r.id, r.status]))
    const before = new Set(changed.map((r) => r.status))
    const [fan, touch] = await Promise.all([
      fanOut(attempt, [
        {
          type: 'status_changed',
          leads: changed.map((r) => ({ id: r.id, name: r.name })),
          status: { from: before.size === 1 ? changed[0]!.status : '', to: status },
        },
      ]),
      // Leads the acting Owner or Admin holds and had not touched: this is their first touch.
      firstTouchWaitWrite(attempt, changed),
    ])
    const from = new Map(changed.map((r) => [r.id, r.status]))
    await commitBulk(attempt, {
      guard: sql`NOT EXISTS (SELECT 1 FROM json_each(${planned}) j JOIN leads l ON l.id = json_extract(j.value, '$[0]')
          WHERE l.status IS NOT json_extract(j.value, '$[1]') OR l.archived_at IS NOT NULL)`,
      ids,
      set: { status, updatedAt: now },
      activity: (id) => ({ type: 'status_changed', data: { from: from.get(id), to: status, bulk: true } }),
      after: touch,
      fan,
    })
    return { changed: changed.length, selected: selected.length }
  })
}

/**
 * Puts every selected lead in the pool (opened to the team for claiming), recording when it entered
 * (`pooled_at`); leads already there are left alone. As for one lead, only unassigned leads may go there;
 * archived leads are never selected. The caller refreshes the live pool after it (pool/pool-room.ts). The Owners and Admins who asked to hear of
 * new pool leads are told through the fan-out, once for the lot. `unit`'s member acts, at `unit.now`.
 * Ticked leads whose holders are no longer those their rows showed (`selection.shown`) are left alone (`moved`).
 * @throws Refusal 403 (not Owner/Admin), 422 (nothing selected, too many), 409 naming how many selected
 *   leads still have an assignee or collaborators (nothing changes), when every ticked lead changed hands since
 *   shown, or when concurrent changes kept winning
 */
export async function bulkPool(unit: Unit, selection: BulkSelection): Promise<BulkPoolResult> {
  const { db, viewer } = unit
  refuseAgents(viewer, 'move leads into the pool')
  const selected = await selectLeads(db, viewer, selection)
  return retryInUnit(unit, [], async (attempt) => {
    const { now } = attempt
    const { kept, moved, expected } = await unmovedLeads(db, viewer.orgId, selected, selection)
    refuseAllMoved(kept, moved)
    const ids = kept.map((l) => l.id)
    const rows = await db
      .select({
        id: leads.id,
        name: leads.name,
        inPool: leads.inPool,
        // The trigger-kept assignee count (never written here): no lookup of each lead's assignees.
        assigned: sql<number>`${leads.assigneeCount} > 0`,
        ownerId: leads.primaryAssigneeId,
      })
      .from(leads)
      .where(and(eq(leads.orgId, viewer.orgId), archiveScope(), inIdSet(leads.id, ids)))
      .all()
    const assigned = rows.filter((r) => Number(r.assigned) === 1).length
    // Unassigned leads still worked by collaborators: Unassign leaves those, so they are named apart.
    const worked = rows.filter((r) => Number(r.assigned) === 1 && r.ownerId === null).length
    if (assigned > 0) {
      const them = assigned === 1 ? 'it' : 'them'
      throw new Refusal(
        409,
        worked === 0
          ? `${assigned} of the selected leads ${assigned === 1 ? 'has an assignee' : 'have assignees'}: unassign ${them} first (Unassign), or untick ${them}. Nothing was moved.`
          : `${assigned} of the selected leads ${assigned === 1 ? 'has an assignee or collaborators' : 'have assignees or collaborators'}: unassign ${them} (Unassign) and remove ${assigned === 1 ? 'its' : 'their'} collaborators on the lead page first, or untick ${them}. Nothing was moved.`,
      )
    }
    const entering = rows.filter((r) => !r.inPool)
    const changed = entering.map((r) => r.id)
    if (changed.length === 0) return { changed: 0, selected: kept.length, moved }
    const fan = await fanOut(attempt, [
      { type: 'pool_new_lead', leads: entering.map((r) => ({ id: r.id, name: r.name })) },
    ])
    await commitBulk(attempt, {
      guard: sql`NOT EXISTS (SELECT 1 FROM leads l WHERE ${inIdSet(sql`l.id`, changed)}
          AND (l.assignee_count > 0 OR l.in_pool = 1 OR l.archived_at IS NOT NULL))
          AND ${expected.length > 0 ? holdersAre(expected) : sql`1`}`,
      ids: changed,
      // As a single pool move (assignment/pool.ts): the pool's age and aging count from now.
      set: { inPool: true, pooledAt: now, updatedAt: now },
      activity: () => ({ type: 'moved_to_pool', data: { bulk: true } }),
      fan,
    })
    return { changed: changed.length, selected: kept.length, moved }
  })
}

/**
 * Unassigns every selected lead (the primary assignee becomes a former assignee and keeps view access):
 * bulk assignment to nobody (bulk.ts), with the same rows and activities, and the note (when typed) sent
 * to the previous assignees.
 * @throws as `bulkAssign`
 */
export async function bulkUnassign(
  unit: Unit,
  selection: BulkSelection,
  options: BulkOptions = {},
): Promise<BulkAssignResult> {
  return bulkAssign(unit, selection, null, options)
}
