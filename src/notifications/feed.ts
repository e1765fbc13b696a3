/**
 * The in-app feed and its badge: a member's notifications in one organization, newest first,
 * keyset-paginated on the id (UUIDv7), the unread count, and marking read. A notification about a lead
 * the member can no longer see is still listed, naming it "a lead you can no longer see" (no name, no link;
 * `visibleIds`, the one policy).
 */
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { leadHandoffs, leads, notifications } from '../db/schema'
import type { Unit } from '../access/unit'
import type { Viewer } from '../access/viewer'
import { visibleLeads } from '../leads/policy'
import { isEventType, type EventType, type NotificationData } from './events'
import { inIdSet } from '../db/id-sets'

/** Notifications per feed page. */
export const FEED_PAGE_SIZE = 30

/** One notification as the feed shows it. */
export type FeedItem = { id: string; type: EventType; data: NotificationData; read: boolean; createdAt: number }

/**
 * A page of the feed: the items, the ids of their leads the viewer may open, the ids of their leads
 * whose handoff waits for the viewer's "Got it" (assignment/handoffs.ts), the cursor of the next page.
 */
export type FeedPage = { items: FeedItem[]; openable: Set<string>; waiting?: Set<string>; nextCursor: string | null }

/** The feed's filters (query `unread=1`, `type`, `lead`): only unread, one event type, one lead. */
export type FeedFilters = { unread?: boolean; type?: EventType; lead?: string }

/** SQL for `filters` (a lead matches the notification's lead, or one of the leads of a bulk one). */
function filtered(filters: FeedFilters) {
  return and(
    filters.unread ? isNull(notifications.readAt) : undefined,
    filters.type ? eq(notifications.type, filters.type) : undefined,
    filters.lead
      ? or(
          eq(notifications.leadId, filters.lead),
          sql`EXISTS (SELECT 1 FROM json_each(${notifications.data}, '$.leads') WHERE json_extract(value, '$.id') = ${filters.lead})`,
        )
      : undefined,
  )
}

/** SQL: the notifications of `viewer` (the member, in their organization). */
function mine(viewer: Viewer) {
  return and(eq(notifications.userId, viewer.userId), eq(notifications.orgId, viewer.orgId))
}

/**
 * The page of `unit.viewer`'s feed after `cursor` (the last id of the previous page; none: the newest),
 * with only the notifications `filters` select.
 * Rows of event types no longer registered are skipped.
 */
export async function feedPage(
  unit: Pick<Unit, 'db' | 'viewer'>,
  cursor?: string,
  filters: FeedFilters = {},
): Promise<FeedPage> {
  const { db, viewer } = unit
  const rows = await db
    .select()
    .from(notifications)
    .where(and(mine(viewer), filtered(filters), cursor ? lt(notifications.id, cursor) : undefined))
    .orderBy(desc(notifications.id))
    .limit(FEED_PAGE_SIZE + 1)
    .all()
  const page = rows.slice(0, FEED_PAGE_SIZE)
  const items = page.flatMap((r) =>
    isEventType(r.type)
      ? [{ id: r.id, type: r.type, data: r.data as NotificationData, read: r.readAt !== null, createdAt: r.createdAt }]
      : [],
  )
  const leadIds = [...new Set(items.flatMap((i) => (i.data.leads ?? []).map((l) => l.id)))]
  return {
    items,
    openable: await visibleIds(db, viewer, leadIds),
    waiting: await handoffsWaitingFor(db, viewer, leadIds),
    nextCursor: rows.length > FEED_PAGE_SIZE ? page[page.length - 1]!.id : null,
  }
}

/** The ids among `leadIds` that `viewer` may see now (one query, the ids bound as one JSON array). */
async function visibleIds(db: Database, viewer: Viewer, leadIds: string[]): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set()
  const rows = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(inIdSet(leads.id, leadIds), visibleLeads(db, viewer)))
    .all()
  return new Set(rows.map((r) => r.id))
}

/** The ids among `leadIds` whose handoff waits for `viewer` to acknowledge it (one query). */
async function handoffsWaitingFor(db: Database, viewer: Viewer, leadIds: string[]): Promise<Set<string>> {
  if (leadIds.length === 0) return new Set()
  const rows = await db
    .select({ id: leadHandoffs.leadId })
    .from(leadHandoffs)
    .where(
      and(
        eq(leadHandoffs.orgId, viewer.orgId),
        eq(leadHandoffs.toUserId, viewer.userId),
        isNull(leadHandoffs.acknowledgedAt),
        inIdSet(leadHandoffs.leadId, leadIds),
      ),
    )
    .all()
  return new Set(rows.map((r) => r.id))
}

/** How many notifications `unit.viewer` has not read (the badge); one indexed count. */
export async function unreadCount(unit: Pick<Unit, 'db' | 'viewer'>): Promise<number> {
  const row = await unit.db
    .select({ n: count() })
    .from(notifications)
    .where(and(mine(unit.viewer), isNull(notifications.readAt)))
    .get()
  return row?.n ?? 0
}

/** Marks notification `id` of `unit.viewer` read at `unit.now` (someone else's id changes nothing). */
export async function markRead(unit: Pick<Unit, 'db' | 'viewer' | 'now'>, id: string): Promise<void> {
  await unit.db
    .update(notifications)
    .set({ readAt: unit.now })
    .where(and(mine(unit.viewer), eq(notifications.id, id), isNull(notifications.readAt)))
}

/** Marks every notification of `unit.viewer` read at `unit.now`. */
export async function markAllRead(unit: Pick<Unit, 'db' | 'viewer' | 'now'>): Promise<void> {
  await unit.db
    .update(notifications)
    .set({ readAt: unit.now })
    .where(and(mine(unit.viewer), isNull(notifications.readAt)))
}
