/**
 * The append-only activity log behind each lead's timeline. Writers get a statement to put into the
 * same D1 batch as the change it records (docs/ARCHITECTURE.md).
 */
import { desc, eq, and } from 'drizzle-orm'
import type { Database } from '../db/client'
import { activities, users } from '../db/schema'
import { newId } from '../lib/ids'

/** Activity types written so far; later capabilities add theirs here. */
export type ActivityType =
  | 'created'
  | 'assigned'
  | 'unassigned'
  | 'transferred'
  | 'claimed'
  | 'moved_to_pool'
  | 'removed_from_pool'
  | 'status_changed'
  | 'collaborator_added'
  | 'collaborator_removed'
  | 'handoff_acknowledged'
  | 'reassignment_requested'

export type NewActivity = {
  orgId: string
  leadId: string
  actorId: string | null
  type: ActivityType
  /** Before/after values or context, e.g. `{ via: 'import', importId }`. */
  data?: Record<string, unknown>
  /** Epoch ms. */
  at: number
}

/** Row values for one activity (for single or multi-row inserts). */
export function activityRow(a: NewActivity): typeof activities.$inferInsert {
  return {
    id: newId(),
    orgId: a.orgId,
    leadId: a.leadId,
    actorId: a.actorId,
    type: a.type,
    data: a.data ?? {},
    createdAt: a.at,
  }
}

/** An activity on the timeline, with the actor's name. */
export type TimelineItem = {
  id: string
  type: string
  data: Record<string, unknown>
  createdAt: number
  actorName: string | null
}

/** The lead's activities, newest first. The caller has already checked the lead is visible. */
export async function timeline(db: Database, orgId: string, leadId: string): Promise<TimelineItem[]> {
  return db
    .select({
      id: activities.id,
      type: activities.type,
      data: activities.data,
      createdAt: activities.createdAt,
      actorName: users.name,
    })
    .from(activities)
    .leftJoin(users, eq(users.id, activities.actorId))
    .where(and(eq(activities.orgId, orgId), eq(activities.leadId, leadId)))
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .all()
}

/**
 * Whom the lead was last transferred to away from `userId`, from its timeline (newest first), or
 * null when it never was.
 */
export function handedOverTo(items: TimelineItem[], userId: string): string | null {
  const handover = items.find((i) => i.type === 'transferred' && (i.data.from as { id?: string } | null)?.id === userId)
  return (handover?.data.to as { name?: string } | undefined)?.name ?? null
}
