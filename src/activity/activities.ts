/**
 * The append-only activity log behind each lead's timeline. Writers get a statement to put into the
 * same D1 batch as the change it records (docs/ARCHITECTURE.md).
 */
import { and, desc, eq, gte, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Database } from '../db/client'
import { activities, users } from '../db/schema'
import { newId } from '../lib/ids'
import { inIdSet } from '../db/id-sets'

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
  | 'archived'
  | 'restored'
  | 'updated'
  | 'lead_edited'
  | 'note_added'
  | 'communication_logged'
  | 'communication_edited'
  | 'communication_deleted'
  | 'task_created'
  | 'task_completed'
  | 'task_reopened'
  | 'released'
  | 'returned_to_pool'
  | 'submitted_again'

/** The timeline's filters and the activity types each shows (`changes`: every other type). */
export const TIMELINE_FILTERS = {
  notes: ['note_added'],
  communications: ['communication_logged', 'communication_edited', 'communication_deleted'],
  tasks: ['task_created', 'task_completed', 'task_reopened'],
  changes: [],
} as const satisfies Record<string, ActivityType[]>
export type TimelineFilter = keyof typeof TIMELINE_FILTERS

/**
 * What "working" a lead is, wherever Leadpool asks whether someone worked it: a note, a communication, a task or a
 * status change. The pool's return of untouched leads (src/pool/aging.ts) reads it, and so does the trigger that
 * stamps a lead's first touch (migrations/0024_speed_to_lead.sql, which spells the same list: test/speed-to-lead.test.ts
 * compares them).
 */
export const WORKED_ACTIVITIES = [
  ...TIMELINE_FILTERS.notes,
  ...TIMELINE_FILTERS.communications,
  ...TIMELINE_FILTERS.tasks,
  'status_changed',
] as const satisfies ActivityType[]

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

/**
 * Whom lead `leadId` was last transferred to away from `unit.viewer` (their name), or null when it never
 * was: its newest `transferred` activity from `userId`, found walking the lead's activities newest first
 * (`activities_lead_idx`) and stopping there, so a lead page never reads the whole timeline for it.
 */
export async function handedOverTo(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string) {
  const { orgId, userId } = unit.viewer
  const row = await unit.db
    .select({ to: sql<string | null>`${activities.data} ->> '$.to.name'` })
    .from(activities)
    .where(
      and(
        eq(activities.leadId, leadId),
        eq(activities.orgId, orgId),
        eq(activities.type, 'transferred'),
        sql`${activities.data} ->> '$.from.id' = ${userId}`,
      ),
    )
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .limit(1)
    .get()
  return row?.to ?? null
}

/** Activities per timeline page. */
export const TIMELINE_PAGE_SIZE = 30

const FILTERED_TYPES: string[] = Object.values(TIMELINE_FILTERS).flat()

/**
 * The timeline filters activity `item` belongs to, as `filterCondition` selects them in SQL: its type's, and Notes
 * too when it carries a message; Changes when its type is in no other filter.
 */
export function filtersOf(item: { type: string; data: Record<string, unknown> }): TimelineFilter[] {
  const named = (Object.keys(TIMELINE_FILTERS) as TimelineFilter[]).filter((f) =>
    (TIMELINE_FILTERS[f] as readonly string[]).includes(item.type),
  )
  if (named.length === 0) named.push('changes')
  if (typeof item.data.message === 'string' && !named.includes('notes')) named.push('notes')
  return named
}

/**
 * SQL: the activity belongs to `filter` (no filter: every activity). Notes also lists the submissions of the web
 * form and the API that carry a message (`data.message`, src/intake/leads.ts).
 */
function filterCondition(filter: TimelineFilter | undefined): SQL | undefined {
  if (!filter) return undefined
  if (filter === 'changes') return notInArray(activities.type, FILTERED_TYPES)
  const types = inArray(activities.type, [...TIMELINE_FILTERS[filter]])
  return filter === 'notes' ? or(types, sql`${activities.data} ->> '$.message' IS NOT NULL`) : types
}

/** One page of a lead's timeline, and the cursor of the next (older) page or null. */
export type TimelinePage = { items: TimelineItem[]; olderCursor: string | null }

/**
 * A page of the lead's activities, newest first: those of `filter` (none: all), older than the
 * activity `before` (an id from a previous page's `olderCursor`; none: from the newest). The caller
 * has already checked the lead is visible.
 */
export async function timelinePage(
  db: Database,
  orgId: string,
  leadId: string,
  options: { filter?: TimelineFilter; before?: string; limit?: number } = {},
): Promise<TimelinePage> {
  const limit = options.limit ?? TIMELINE_PAGE_SIZE
  const before = options.before
    ? sql`(${activities.createdAt}, ${activities.id}) < (SELECT created_at, id FROM activities WHERE id = ${options.before} AND lead_id = ${leadId})`
    : undefined
  const rows = await selectItems(db)
    .where(and(eq(activities.orgId, orgId), eq(activities.leadId, leadId), filterCondition(options.filter), before))
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .limit(limit + 1)
    .all()
  const items = rows.slice(0, limit)
  return { items, olderCursor: rows.length > limit ? items[items.length - 1]!.id : null }
}

/** The most activities one change sends live (a single change writes a handful). */
export const LIVE_ITEMS_LIMIT = 50

/**
 * The activities of lead `leadId` written at or after `since` (epoch ms): what a change just committed, to
 * broadcast to the lead's viewers; newest first, at most LIVE_ITEMS_LIMIT. An activity of someone else's change
 * in the same milliseconds may come along: the page shows each activity once (public/app.js).
 */
export async function timelineItemsSince(
  db: Database,
  orgId: string,
  leadId: string,
  since: number,
): Promise<TimelineItem[]> {
  return selectItems(db)
    .where(and(eq(activities.orgId, orgId), eq(activities.leadId, leadId), gte(activities.createdAt, since)))
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .limit(LIVE_ITEMS_LIMIT)
    .all()
}

function selectItems(db: Database) {
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
}

/** Names of the people `ids` (e.g. those a page of notes mentions), by user id; unknown ids are left out. */
export async function namesOf(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inIdSet(users.id, [...new Set(ids)]))
    .all()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/**
 * The message each of `leadIds` (of `orgId`) was sent with by the web form or the API (its `created` activity's
 * `data.message`, src/intake/leads.ts), by lead id; leads without one are left out.
 */
export async function messagesSentWith(db: Database, orgId: string, leadIds: string[]): Promise<Map<string, string>> {
  if (leadIds.length === 0) return new Map()
  const message = sql<string | null>`${activities.data} ->> '$.message'`
  const rows = await db
    .select({ leadId: activities.leadId, message })
    .from(activities)
    .where(and(eq(activities.orgId, orgId), inIdSet(activities.leadId, leadIds), eq(activities.type, 'created')))
    .all()
  return new Map(rows.flatMap((r) => (r.message ? [[r.leadId, r.message] as const] : [])))
}
