/**
 * The lead list query: a page of the leads a viewer may see (src/leads/policy.ts, and so tenancy), filtered, searched
 * and sorted in SQL, and the conditions the list's totals (list-totals.ts), the export and bulk actions share.
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { isManager, type Viewer } from '../access/viewer'
import type { Database } from '../db/client'
import { firstTouchKey, leadAssignees, leads, users, type Lead, type LeadStatus } from '../db/schema'
import { inIdSet } from '../db/id-sets'
import { known, planned, readTogether, type Planned } from '../db/reads'
import { archiveScope } from './archive-scope'
import { attentionCondition, type Attention } from './attention'
import { afterCursor, sortOrder, sortsOnOwnIndex, sourceAndDates, statusOrder, type Sort } from './filters'
import { inPool, visibleLeads } from './policy'
import { isBroad, matchesSearch, matchExpression, searchOrder } from './search'
import { unassignedSinceOrNull } from './unassigned'

/** Leads per list page. */
export const PAGE_SIZE = 50

/** List filters as they appear in the URL query. */
export type LeadFilters = {
  /** Free text matched against name, email and company. */
  q?: string
  status?: LeadStatus
  /**
   * `me` (assigned to the viewer), `pool`, and for Owners/Admins also `unassigned` (no assignee,
   * not in the pool) or a member's user id.
   */
  assignee?: string
  /** The lead's source, exactly. */
  source?: string
  /** Created on or after / on or before these days (UTC, `YYYY-MM-DD`). */
  from?: string
  to?: string
  /** Sort order (src/leads/filters.ts `SORTS`); newest first when unset. */
  sort?: Sort
  /** Id of the last lead of the previous page (keyset pagination, in `sort` order). */
  cursor?: string
  /** Owners/Admins: handoffs waiting past the window, or reassignment requested (leads/attention.ts). */
  attention?: Attention
  /** The "Archived" filter: archived leads only (otherwise archived leads are left out). */
  archived?: boolean
  /** Leads whose latest activity happened at or after this instant (epoch ms): the API's `updated_since`. */
  updatedSince?: number
}

/** A row of the lead list. */
export type LeadRow = Pick<
  Lead,
  'id' | 'name' | 'email' | 'phone' | 'company' | 'status' | 'source' | 'createdAt' | 'inPool' | 'firstTouchedAt'
> & {
  ownerId: string | null
  ownerName: string | null
  /** How many collaborators work the lead beside its primary assignee. */
  collaborators: number
  /** Who holds it: its assignees' user ids, comma-separated in any order (leads/holders.ts), '' for none. */
  holders: string
  /** When the lead's latest activity happened (epoch ms). */
  lastActivityAt: number
  /** An unassigned lead: when it became so (epoch ms, leads/unassigned.ts); null for any other. */
  unassignedSince: number | null
  /** A touched lead's wait to its first touch (ms): the "First touch" sort's key (src/db/schema.ts `firstTouchKey`). */
  firstTouchWait: number | null
}

export type LeadPage = {
  leads: LeadRow[]
  /** Cursor for the next page, or null on the last page. */
  nextCursor: string | null
  /** A search too broad to rank (search.ts `isBroad`): its matches are listed most recently added first. */
  broad?: boolean
}

/** SQL: `userId` is an assignee (primary or collaborator) of the lead, read from their assignments' index. */
function assignedTo(db: Database, orgId: string, userId: string): SQL {
  return inArray(
    leads.id,
    db
      .select({ id: leadAssignees.leadId })
      .from(leadAssignees)
      .where(and(eq(leadAssignees.orgId, orgId), eq(leadAssignees.userId, userId))),
  )
}

/** SQL for the `assignee` filter; filters an Agent may not use are ignored (null). */
function assigneeCondition(db: Database, viewer: Viewer, assignee: string | undefined): SQL | null {
  if (!assignee) return null
  if (assignee === 'me') return assignedTo(db, viewer.orgId, viewer.userId)
  if (assignee === 'pool') return inPool()
  if (!isManager(viewer)) return null
  if (assignee === 'unassigned') return and(eq(leads.assigneeCount, 0), eq(leads.inPool, false))!
  return assignedTo(db, viewer.orgId, assignee)
}

/** The columns of a list row, with the primary assignee's id and name. */
function rowQuery(db: Database) {
  return db
    .select({
      id: leads.id,
      name: leads.name,
      email: leads.email,
      phone: leads.phone,
      company: leads.company,
      status: leads.status,
      source: leads.source,
      createdAt: leads.createdAt,
      inPool: leads.inPool,
      firstTouchedAt: leads.firstTouchedAt,
      ownerId: leads.primaryAssigneeId,
      // Aliased: a batch's rows are keyed by column name (src/db/reads.ts), and the lead's own is called name too.
      ownerName: sql<string | null>`${users.name}`.as('owner_name'),
      // From the trigger-kept columns (leads.assignee_count counts the primary assignee too): no per-row lookup.
      collaborators: sql<number>`max(0, ${leads.assigneeCount} - (${leads.primaryAssigneeId} IS NOT NULL))`,
      // Looked up only for the few leads with collaborators; the rest answer from the lead's own columns.
      holders: sql<string>`CASE WHEN ${leads.assigneeCount} > (${leads.primaryAssigneeId} IS NOT NULL)
        THEN (SELECT group_concat(user_id) FROM lead_assignees WHERE lead_id = ${leads.id})
        ELSE coalesce(${leads.primaryAssigneeId}, '') END`,
      lastActivityAt: sql<number>`coalesce(${leads.lastActivityAt}, ${leads.createdAt})`,
      unassignedSince: unassignedSinceOrNull,
      firstTouchWait: sql<number | null>`CASE WHEN ${leads.firstTouchedAt} IS NULL THEN NULL
        ELSE ${firstTouchKey(leads.firstTouchedAt, leads.firstTouchWaitMs, leads.createdAt)} END`,
    })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.primaryAssigneeId))
    .$dynamic()
}

/** The list row of lead `leadId` if `unit`'s viewer may see it, else null. */
export async function findLeadRow(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string): Promise<LeadRow | null> {
  const { db, viewer } = unit
  return (
    (await rowQuery(db)
      .where(and(eq(leads.id, leadId), visibleLeads(db, viewer)))
      .get()) ?? null
  )
}

/**
 * The list rows of the leads `ids` that `unit`'s viewer may see and that match `filters` (the cursor ignored), in no
 * particular order: what a live list refetches (live-rows.tsx).
 */
export async function listRowsById(
  unit: Pick<Unit, 'db' | 'viewer'>,
  filters: LeadFilters,
  ids: readonly string[],
): Promise<LeadRow[]> {
  const { db, viewer } = unit
  if (ids.length === 0) return []
  return rowQuery(db)
    .where(and(inIdSet(leads.id, ids), leadConditions(db, viewer, filters)))
    .all()
}

/** How `leadConditions` builds the conditions. */
type ConditionOptions = {
  /** Match `filters.q` with the word index (default true); false when the query joins the search itself. */
  search?: boolean
  /** The query walks the sort's own index (filters.ts `sourceAndDates`); default false. */
  walk?: boolean
  /** The visibility condition (default: all `viewer` may see, policy.ts `visibleLeads`). */
  visibility?: SQL
}

/**
 * The SQL conditions of `filters` for `viewer`, visibility included, without the cursor (list, count,
 * export, bulk). Each filter is served by an index (test/query-plans.test.ts).
 */
export function leadConditions(
  db: Database,
  viewer: Viewer,
  filters: LeadFilters,
  options: ConditionOptions = {},
): SQL {
  const { search = true, walk = false, visibility = visibleLeads(db, viewer) } = options
  const conditions = [visibility, archiveScope(filters.archived)]
  // Walking the name or last-activity index, the status is tested on each row (filters.ts `sourceAndDates`).
  const byName = walk && sortsOnOwnIndex(filters) && !isStatusSort(filters)
  if (filters.status)
    conditions.push(byName ? sql`+${leads.status} = ${filters.status}` : eq(leads.status, filters.status))
  conditions.push(...sourceAndDates(filters, walk))
  const byAssignee = assigneeCondition(db, viewer, filters.assignee)
  if (byAssignee) conditions.push(byAssignee)
  const byAttention = attentionCondition(viewer, filters.attention)
  if (byAttention) conditions.push(byAttention)
  if (filters.updatedSince !== undefined) conditions.push(gte(leads.lastActivityAt, filters.updatedSince))
  if (search && filters.q) conditions.push(matchesSearch(filters.q, viewer.orgId))
  return and(...conditions)!
}

/** Whether the list is sorted by status (read a status at a time, `byStatus`). */
export const isStatusSort = (filters: LeadFilters) => filters.sort === 'status' || filters.sort === '-status'

/**
 * One page of up to `pageSize` leads `unit`'s viewer may see, filtered in SQL: in `filters.sort` order (newest
 * first by default), or, with a search text, best match first (src/leads/search.ts; most recently added first,
 * `broad`, when it matches more than RANKED_MATCHES of the organization's leads). Pages are keyed on
 * the last lead of the previous page (`cursor`; its sort key, then its UUIDv7 id), each read as one walk of
 * an `(org_id, …, id)` index, so they stay stable while leads are added.
 */
export async function listLeads(
  unit: Pick<Unit, 'db' | 'viewer'>,
  filters: LeadFilters,
  pageSize = PAGE_SIZE,
): Promise<LeadPage> {
  const [page] = await readTogether(unit.db, [await planPage(unit, filters, pageSize)])
  return page
}

/**
 * The page `listLeads` reads, planned to go to D1 with the page's other reads (db/reads.ts `readTogether`): one
 * statement, planned once a search's breadth is known (`isBroad`, its own round trip); a status sort reads a status
 * at a time (`byStatus`), apart.
 */
export async function planPage(
  unit: Pick<Unit, 'db' | 'viewer'>,
  filters: LeadFilters,
  pageSize = PAGE_SIZE,
): Promise<Planned<LeadPage>> {
  const { db, viewer } = unit
  const match = filters.q ? matchExpression(filters.q) : null
  if (!match && isStatusSort(filters)) return known(byStatus(db, viewer, filters, pageSize))
  let query
  const broad = match ? await isBroad(db, match, viewer.orgId) : false
  if (match) {
    const search = searchOrder(match, viewer.orgId, broad, filters.cursor)
    query = rowQuery(db)
      .innerJoin(search.table, search.on)
      .where(and(leadConditions(db, viewer, filters, { search: false }), search.after))
      .orderBy(...search.order)
  } else {
    const after = filters.cursor ? afterCursor(filters, filters.cursor) : undefined
    query = rowQuery(db)
      .where(and(leadConditions(db, viewer, filters, { walk: true }), after))
      .orderBy(...sortOrder(filters))
  }
  return planned(query.limit(pageSize + 1), (rows) => {
    const more = rows.length > pageSize
    const page = more ? rows.slice(0, pageSize) : rows
    return { leads: page, nextCursor: more ? page[page.length - 1]!.id : null, ...(broad && { broad }) }
  })
}

/**
 * A page in status order (as the workflow goes, or the reverse for `-status`), newest first within a
 * status for `-status` and oldest first for `status`: one walk of `(org_id, status, id)` per status, from
 * the cursor's status on, so no query sorts the matching leads.
 */
async function byStatus(db: Database, viewer: Viewer, filters: LeadFilters, pageSize: number): Promise<LeadPage> {
  const down = filters.sort === '-status'
  let statuses = statusOrder(filters.sort!)
  if (filters.status) statuses = statuses.filter((s) => s === filters.status)
  const cursor = filters.cursor
    ? await db
        .select({ id: leads.id, status: leads.status })
        .from(leads)
        .where(and(eq(leads.orgId, viewer.orgId), eq(leads.id, filters.cursor)))
        .get()
    : undefined
  if (cursor) statuses = statuses.slice(Math.max(0, statuses.indexOf(cursor.status)))
  const rows: LeadRow[] = []
  for (const status of statuses) {
    const after = cursor?.status === status ? (down ? lt(leads.id, cursor.id) : gt(leads.id, cursor.id)) : undefined
    const part = await rowQuery(db)
      .where(and(leadConditions(db, viewer, { ...filters, status }, { walk: true }), after))
      .orderBy(down ? desc(leads.id) : asc(leads.id))
      .limit(pageSize + 1 - rows.length)
      .all()
    rows.push(...part)
    if (rows.length > pageSize) break
  }
  const more = rows.length > pageSize
  const page = more ? rows.slice(0, pageSize) : rows
  return { leads: page, nextCursor: more ? page[page.length - 1]!.id : null }
}
