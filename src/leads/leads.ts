/**
 * Lead creation, single-lead reads and the list query. Every read goes through the visibility
 * policy (src/leads/policy.ts) and so also through tenancy.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm'
import { activityRow, type ActivityType } from '../activity/activities'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch, type Database } from '../db/client'
import { unlessChanged } from '../db/guard'
import { sameOrg } from '../db/tenancy'
import {
  activities,
  assigneeLeadCounts,
  leadAssignees,
  leads,
  memberships,
  users,
  type Lead,
  type LeadStatus,
} from '../db/schema'
import { memberColumns, type Member } from '../orgs/members'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { emailKey, type LeadInput } from './fields'
import type { Unit } from '../access/unit'
import { isManager, type Viewer } from '../access/viewer'
import { attentionCondition, type Attention } from './attention'
import { inPool, visibleLeadParts, visibleLeads } from './policy'
import { assignedTotal, bucketTotal, keptTotal, plainFilters, readTotals } from './counts'
import { isBroad, matchesSearch, matchExpression, RANKED_MATCHES, searchOrder } from './search'
import { archiveScope } from './archive-scope'
import { afterCursor, sortOrder, sortsOnOwnIndex, sourceAndDates, statusOrder, type Sort } from './filters'

/** Leads per list page. */
export const PAGE_SIZE = 50

/** Row values for a new lead of `orgId` created by `actorId` at `now` (epoch ms). */
export function leadRow(orgId: string, actorId: string, input: LeadInput, now: number): typeof leads.$inferInsert {
  return {
    id: newId(),
    orgId,
    name: input.name,
    email: input.email,
    emailNormalized: emailKey(input.email),
    phone: input.phone,
    company: input.company,
    source: input.source,
    status: input.status,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
  }
}

/** The refusal of a lead whose email already belongs to lead `existingId` of the organization. */
export function duplicateLead(existingId: string): Refusal {
  return new Refusal(422, 'A lead with this email address already exists.', { field: 'email', details: { existingId } })
}

/** Id of the organization's lead using `email` (any capitalisation), or null. */
export async function leadIdByEmail(db: Database, orgId: string, email: string): Promise<string | null> {
  const key = emailKey(email)
  if (!key) return null
  const row = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), eq(leads.emailNormalized, key)))
    .get()
  return row?.id ?? null
}

/**
 * Creates one lead and its `created` activity in one atomic D1 batch. A lead an Agent creates is
 * theirs (assigned to them); one an Owner or Admin creates starts unassigned, for triage.
 * `also(leadId)` gives statements to run first in the same batch (e.g. recording the form token,
 * db/idempotency.ts).
 * @returns the new lead's id
 * @throws Refusal 422 on `email` (with `details.existingId`) when the email already belongs to a lead of
 *   the organization
 */
export async function createLead(
  db: Database,
  viewer: Viewer,
  input: LeadInput,
  now = Date.now(),
  also: (leadId: string) => BatchItem<'sqlite'>[] = () => [],
): Promise<string> {
  const existing = await leadIdByEmail(db, viewer.orgId, input.email)
  if (existing) throw duplicateLead(existing)
  const row = leadRow(viewer.orgId, viewer.userId, input, now)
  const leadId = row.id
  const ownedByCreator = !isManager(viewer)
  const batch = runBatch(db, [
    ...also(leadId),
    db.insert(leads).values(row),
    ...(ownedByCreator
      ? [
          db.insert(leadAssignees).values({
            orgId: viewer.orgId,
            leadId,
            userId: viewer.userId,
            kind: 'primary' as const,
            assignedBy: viewer.userId,
            assignedAt: now,
          }),
        ]
      : []),
    db.insert(activities).values(
      activityRow({
        orgId: viewer.orgId,
        leadId,
        actorId: viewer.userId,
        type: 'created',
        data: ownedByCreator ? { assignedToCreator: true } : {},
        at: now,
      }),
    ),
  ])
  try {
    await batch
  } catch (error) {
    // Someone saved the same email between our check and this batch.
    const raced = await leadIdByEmail(db, viewer.orgId, input.email)
    if (raced) throw duplicateLead(raced)
    throw error
  }
  return leadId
}

/** A lead with the names of its creator and current assignees. */
export type LeadDetail = Lead & {
  creatorName: string | null
  assignees: { userId: string; name: string; kind: 'primary' | 'collaborator' }[]
}

/**
 * The lead `leadId` if the unit's viewer may see it, else null (the route answers 404). Reads only the unit's
 * `db` and `viewer`.
 */
export async function findVisibleLead(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string): Promise<LeadDetail | null> {
  const { db, viewer } = unit
  const row = await db
    .select({ lead: leads, creatorName: users.name })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.createdBy))
    .where(and(eq(leads.id, leadId), visibleLeads(db, viewer)))
    .get()
  if (!row) return null
  const assignees = await db
    .select({ userId: leadAssignees.userId, name: users.name, kind: leadAssignees.kind })
    .from(leadAssignees)
    .innerJoin(users, eq(users.id, leadAssignees.userId))
    .where(and(sameOrg(leadAssignees.orgId, viewer.orgId), eq(leadAssignees.leadId, leadId)))
    .all()
  return { ...row.lead, creatorName: row.creatorName, assignees }
}

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
}

/** A row of the lead list. */
export type LeadRow = Pick<
  Lead,
  'id' | 'name' | 'email' | 'phone' | 'company' | 'status' | 'source' | 'createdAt' | 'inPool'
> & {
  ownerId: string | null
  ownerName: string | null
  /** How many collaborators work the lead beside its primary assignee. */
  collaborators: number
  /** When the lead's latest activity happened (epoch ms). */
  lastActivityAt: number
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
      ownerId: leads.primaryAssigneeId,
      ownerName: users.name,
      // From the trigger-kept columns (leads.assignee_count counts the primary assignee too): no per-row lookup.
      collaborators: sql<number>`max(0, ${leads.assigneeCount} - (${leads.primaryAssigneeId} IS NOT NULL))`,
      lastActivityAt: sql<number>`coalesce(${leads.lastActivityAt}, ${leads.createdAt})`,
    })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.primaryAssigneeId))
    .$dynamic()
}

/** The list row of lead `leadId` if `viewer` may see it, else null. */
export async function findLeadRow(db: Database, viewer: Viewer, leadId: string): Promise<LeadRow | null> {
  return (
    (await rowQuery(db)
      .where(and(eq(leads.id, leadId), visibleLeads(db, viewer)))
      .get()) ?? null
  )
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
function leadConditions(db: Database, viewer: Viewer, filters: LeadFilters, options: ConditionOptions = {}): SQL {
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
  if (search && filters.q) conditions.push(matchesSearch(filters.q, viewer.orgId))
  return and(...conditions)!
}

/** Whether the list is sorted by status (read a status at a time, `byStatus`). */
const isStatusSort = (filters: LeadFilters) => filters.sort === 'status' || filters.sort === '-status'

/** Counts stop at this many leads: a larger total is shown as "10,000+". */
export const COUNT_BOUND = 10_000

/** A list total: exact up to COUNT_BOUND; `more` when there are more than `count` (= COUNT_BOUND). */
export type LeadTotal = { count: number; more: boolean }

/**
 * How many leads `viewer` may see match `filters` (the cursor is ignored). Read from the trigger-kept counters
 * when one describes the view (src/leads/counts.ts: the whole list, one status, the pool, unassigned, one
 * member's); otherwise counted up to COUNT_BOUND over the disjoint, index-served parts of the visibility
 * (src/leads/policy.ts `visibleLeadParts`: an Agent's own leads and the pool), so that the time it takes does
 * not grow with the organization.
 */
export async function countLeads(db: Database, viewer: Viewer, filters: LeadFilters): Promise<LeadTotal> {
  const kept = keptTotal(viewer, filters)
  const plain = plainFilters(filters) && !filters.status && !filters.assignee
  const parts: CountPart[] = kept
    ? [{ n: 'bucket' in kept ? bucketTotal(viewer.orgId, kept.bucket) : assignedTotal(viewer.orgId, kept.assigned) }]
    : visibleLeadParts(viewer).flatMap(({ where, bucket, own }): CountPart[] => {
        if (bucket && plain) return [{ n: bucketTotal(viewer.orgId, bucket) }]
        if (!own || !plain) return [boundedCount(db, viewer, filters, where)]
        return [{ n: assignedTotal(viewer.orgId, own.assigned) }, boundedCount(db, viewer, filters, own.history)]
      })
  // Every part in one statement.
  const values = await readTotals(
    db,
    parts.map((p) => p.n),
  )
  return parts.reduce<LeadTotal>(
    (total, { bound }, i) => ({
      count: total.count + (bound === undefined ? values[i]! : Math.min(values[i]!, bound)),
      more: total.more || (bound !== undefined && values[i]! > bound),
    }),
    { count: 0, more: false },
  )
}

/** A part of a total: SQL counting it, and `bound` when it is counted only up to bound + 1 (else exact). */
type CountPart = { n: SQL<number>; bound?: number }

/**
 * Counts the leads matching `filters` among those `visibility` selects, up to COUNT_BOUND (RANKED_MATCHES for a
 * search): SQL over the bounded walk, aliased `matching`.
 */
function boundedCount(db: Database, viewer: Viewer, filters: LeadFilters, visibility: SQL): CountPart {
  const match = filters.q ? matchExpression(filters.q) : null
  const search = match ? searchOrder(match, viewer.orgId, false) : null
  // A search's total stops where its ranking does (search.ts RANKED_MATCHES): "1,000+".
  const bound = search ? RANKED_MATCHES : COUNT_BOUND
  const base = db
    .select({ one: sql`1` })
    .from(leads)
    .$dynamic()
  // A search is driven by the word index (the matching leads), not by the organization's leads.
  const matching = (search ? base.innerJoin(search.table, search.on) : base)
    .where(leadConditions(db, viewer, filters, { search: !search, visibility }))
    .limit(bound + 1)
  return { n: sql<number>`(SELECT count(*) FROM ${matching.as('matching')})`, bound }
}

/** "1,234", or "10,000+" for a bounded total. */
export function totalLabel(total: LeadTotal): string {
  return `${total.count.toLocaleString('en-US')}${total.more ? '+' : ''}`
}

/**
 * How many leads matching `filters` come before the page that starts after `filters.cursor` (0 on the
 * first page): the list's "51–100 of 1,234". Counted up to COUNT_BOUND, as totals are; null for a later
 * page of a search (ranked pages have no position to count from).
 */
export async function rowsBefore(db: Database, viewer: Viewer, filters: LeadFilters): Promise<number | null> {
  if (!filters.cursor) return 0
  if (filters.q) return null
  const upTo = isStatusSort(filters) ? statusUpTo(filters) : notAfter(filters)
  const before = db
    .select({ one: sql`1` })
    .from(leads)
    .where(and(leadConditions(db, viewer, filters, { walk: true }), upTo))
    .limit(COUNT_BOUND + 1)
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(before.as('before'))
    .get()
  return Math.min(Number(row?.n ?? 0), COUNT_BOUND)
}

/** SQL: the row is the cursor's lead or comes before it in the (non-status) sort order. */
function notAfter(filters: LeadFilters): SQL {
  return sql`NOT ${afterCursor(filters, filters.cursor!)}`
}

/** SQL: the row is the cursor's lead or comes before it in the status sort order. */
function statusUpTo(filters: LeadFilters): SQL {
  const order = statusOrder(filters.sort!)
  const cursorStatus = sql`(SELECT k.status FROM ${leads} k WHERE k.id = ${filters.cursor!})`
  const rank = (column: SQL) =>
    sql`(CASE ${column} ${sql.join(
      order.map((s, i) => sql`WHEN ${s} THEN ${i}`),
      sql` `,
    )} END)`
  const cmp = sql.raw(filters.sort === '-status' ? '>=' : '<=')
  return sql`(${rank(sql`${leads.status}`)} < ${rank(cursorStatus)} OR (${leads.status} = ${cursorStatus} AND ${leads.id} ${cmp} ${filters.cursor!}))`
}

/**
 * The "Assigned to" filter's choices: every member of `orgId` by name, deactivated ones too (their leads may need
 * reassigning), and the leads each is assigned to (primary or collaborator; count) by user id, read from the
 * counters the assignment triggers keep (assignee_lead_counts; archived leads left out), in one statement.
 */
export async function assigneeChoices(
  db: Database,
  orgId: string,
): Promise<{ members: Member[]; counts: Map<string, number> }> {
  const rows = await db
    .select({ ...memberColumns, leads: assigneeLeadCounts.leads })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(
      assigneeLeadCounts,
      and(eq(assigneeLeadCounts.orgId, memberships.orgId), eq(assigneeLeadCounts.userId, memberships.userId)),
    )
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.name))
    .all()
  return {
    members: rows.map(({ leads: _, ...member }) => member),
    counts: new Map(rows.filter((r) => r.leads !== null).map((r) => [r.userId, Number(r.leads)])),
  }
}

/**
 * One page of up to `pageSize` leads `viewer` may see, filtered in SQL: in `filters.sort` order (newest
 * first by default), or, with a search text, best match first (src/leads/search.ts; most recently added first,
 * `broad`, when it matches more than RANKED_MATCHES of the organization's leads). Pages are keyed on
 * the last lead of the previous page (`cursor`; its sort key, then its UUIDv7 id), each read as one walk of
 * an `(org_id, …, id)` index, so they stay stable while leads are added.
 */
export async function listLeads(
  db: Database,
  viewer: Viewer,
  filters: LeadFilters,
  pageSize = PAGE_SIZE,
): Promise<LeadPage> {
  const match = filters.q ? matchExpression(filters.q) : null
  if (!match && isStatusSort(filters)) return byStatus(db, viewer, filters, pageSize)
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
  const rows = await query.limit(pageSize + 1).all()
  const more = rows.length > pageSize
  const page = more ? rows.slice(0, pageSize) : rows
  return { leads: page, nextCursor: more ? page[page.length - 1]!.id : null, ...(broad && { broad }) }
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
