/**
 * Lead creation, single-lead reads and the list query. Every read goes through the visibility
 * policy (src/leads/policy.ts) and so also through tenancy.
 */
import { and, eq, exists, not, sql, type SQL } from 'drizzle-orm'
import { activityRow, type ActivityType } from '../activity/activities'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch, type Database } from '../db/client'
import { unlessChanged } from '../db/guard'
import { activities, leadAssignees, leads, users, type Lead, type LeadStatus } from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { emailKey, type LeadInput } from './fields'
import { isManager, type Viewer } from '../access/viewer'
import { hasAssignee, inPool, visibleLeads } from './policy'
import { afterCursor, extraConditions, sortOrder, type Sort } from './filters'

/** Leads per list page. */
export const PAGE_SIZE = 50

/** What the list search matches for a lead: its name, email and company, lower-cased. */
export function searchText(lead: Pick<LeadInput, 'name' | 'email' | 'company'>): string {
  return `${lead.name} ${lead.email} ${lead.company}`.toLowerCase()
}

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
    searchText: searchText(input),
    status: input.status,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
  }
}

/** The refusal of a lead whose email already belongs to lead `existingId` of the organization. */
function duplicateLead(existingId: string): Refusal {
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

/** The lead `leadId` if `viewer` may see it, else null (the route answers 404). */
export async function findVisibleLead(db: Database, viewer: Viewer, leadId: string): Promise<LeadDetail | null> {
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
    .where(and(eq(leadAssignees.orgId, viewer.orgId), eq(leadAssignees.leadId, leadId)))
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
}

function assignedTo(db: Database, userId: string) {
  return exists(
    db
      .select({ one: leadAssignees.leadId })
      .from(leadAssignees)
      .where(and(eq(leadAssignees.leadId, leads.id), eq(leadAssignees.userId, userId))),
  )
}

/** SQL for the `assignee` filter; filters an Agent may not use are ignored (null). */
function assigneeCondition(db: Database, viewer: Viewer, assignee: string | undefined): SQL | null {
  if (!assignee) return null
  if (assignee === 'me') return assignedTo(db, viewer.userId)
  if (assignee === 'pool') return inPool(db)
  if (!isManager(viewer)) return null
  if (assignee === 'unassigned') return and(eq(leads.inPool, false), not(hasAssignee(db)))!
  return assignedTo(db, assignee)
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
      ownerId: leadAssignees.userId,
      ownerName: users.name,
      collaborators: sql<number>`(SELECT count(*) FROM lead_assignees c WHERE c.lead_id = ${leads.id} AND c.kind = 'collaborator')`,
      lastActivityAt: sql<number>`coalesce((SELECT max(a.created_at) FROM activities a WHERE a.lead_id = ${leads.id}), ${leads.createdAt})`,
    })
    .from(leads)
    .leftJoin(leadAssignees, and(eq(leadAssignees.leadId, leads.id), eq(leadAssignees.kind, 'primary')))
    .leftJoin(users, eq(users.id, leadAssignees.userId))
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

/** The SQL conditions of `filters` for `viewer`, visibility included (list, count, export, bulk). */
function leadConditions(db: Database, viewer: Viewer, filters: LeadFilters): SQL {
  const conditions = [visibleLeads(db, viewer)]
  if (filters.status) conditions.push(eq(leads.status, filters.status))
  const extra = extraConditions(filters)
  if (extra) conditions.push(extra)
  const byAssignee = assigneeCondition(db, viewer, filters.assignee)
  if (byAssignee) conditions.push(byAssignee)
  const q = filters.q?.trim().toLowerCase()
  // instr(), not LIKE: no wildcard characters to escape, and no pattern-length limit (D1: 50 bytes).
  if (q) conditions.push(sql`instr(${leads.searchText}, ${q}) > 0`)
  return and(...conditions)!
}

/** How many leads `viewer` may see match `filters` (the cursor is ignored). */
export async function countLeads(db: Database, viewer: Viewer, filters: LeadFilters): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(leads)
    .where(leadConditions(db, viewer, { ...filters, cursor: undefined }))
    .get()
  return Number(row?.n ?? 0)
}

/**
 * How many leads matching `filters` come before the page that starts after `filters.cursor` (0 on the
 * first page): the list's "51–100 of 1,234".
 */
export async function rowsBefore(db: Database, viewer: Viewer, filters: LeadFilters): Promise<number> {
  if (!filters.cursor) return 0
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(leads)
    .where(
      and(
        leadConditions(db, viewer, { ...filters, cursor: undefined }),
        not(afterCursor(filters.sort, filters.cursor)),
      ),
    )
    .get()
  return Number(row?.n ?? 0)
}

/** Leads each member is assigned to (primary or collaborator), by user id: the filter's counts. */
export async function assigneeCounts(db: Database, orgId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ userId: leadAssignees.userId, n: sql<number>`count(*)` })
    .from(leadAssignees)
    .where(eq(leadAssignees.orgId, orgId))
    .groupBy(leadAssignees.userId)
    .all()
  return new Map(rows.map((r) => [r.userId, Number(r.n)]))
}

/**
 * One page of up to `pageSize` leads `viewer` may see, in `filters.sort` order (newest first by
 * default), filtered in SQL. Pages are keyed on the last lead of the previous page (its sort key, then
 * its UUIDv7 id), so pages stay stable while leads are added.
 */
export async function listLeads(
  db: Database,
  viewer: Viewer,
  filters: LeadFilters,
  pageSize = PAGE_SIZE,
): Promise<LeadPage> {
  const rows = await rowQuery(db)
    .where(leadConditions(db, viewer, filters))
    .orderBy(...sortOrder(filters.sort))
    .limit(pageSize + 1)
    .all()
  const more = rows.length > pageSize
  const page = more ? rows.slice(0, pageSize) : rows
  return { leads: page, nextCursor: more ? page[page.length - 1]!.id : null }
}

/**
 * Changes columns of one lead and records the change as an activity, in one atomic D1 batch
 * (docs/ARCHITECTURE.md). The caller has checked the viewer may do it.
 * `expected` (SQL on the state the change was planned on) stops the batch with a stale-write
 * error when it no longer holds (db/guard.ts); the caller retries. `also`: further statements of the
 * same change (e.g. the notification fan-out's), run in the same batch after the activity.
 */
export async function updateLead(
  db: Database,
  viewer: Viewer,
  leadId: string,
  set: Partial<Pick<Lead, 'status' | 'inPool'>>,
  activity: { type: ActivityType; data?: Record<string, unknown> },
  now = Date.now(),
  expected?: SQL,
  also: BatchItem<'sqlite'>[] = [],
): Promise<void> {
  await runBatch(db, [
    ...(expected ? [unlessChanged(db, expected)] : []),
    db
      .update(leads)
      .set({ ...set, updatedAt: now })
      .where(and(eq(leads.id, leadId), eq(leads.orgId, viewer.orgId))),
    db
      .insert(activities)
      .values(activityRow({ orgId: viewer.orgId, leadId, actorId: viewer.userId, ...activity, at: now })),
    ...also,
  ])
}
