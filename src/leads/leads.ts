/**
 * Lead creation, single-lead reads and the list query. Every read goes through the visibility
 * policy (visibility.ts) and so also through tenancy.
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm'
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import { activityRow } from '../activity/activities'
import type { Database } from '../db/client'
import { activities, leadAssignees, leads, users, type Lead, type LeadStatus } from '../db/schema'
import { newId } from '../lib/ids'
import { emailKey, type LeadInput } from './fields'
import { visibleLeads, type Viewer } from './visibility'

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

/**
 * Creates one lead and its `created` activity in one atomic D1 batch.
 * @returns the new lead's id
 */
export async function createLead(db: Database, viewer: Viewer, input: LeadInput, now = Date.now()): Promise<string> {
  const row = leadRow(viewer.orgId, viewer.userId, input, now)
  await db.batch([
    db.insert(leads).values(row),
    db.insert(activities).values(
      activityRow({ orgId: viewer.orgId, leadId: row.id!, actorId: viewer.userId, type: 'created', at: now }),
    ),
  ])
  return row.id!
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
  /** Id of the last lead of the previous page (keyset pagination). */
  cursor?: string
}

export type LeadPage = {
  leads: Pick<Lead, 'id' | 'name' | 'email' | 'phone' | 'company' | 'status' | 'source' | 'createdAt'>[]
  /** Cursor for the next page, or null on the last page. */
  nextCursor: string | null
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

/**
 * One page of the leads `viewer` may see, newest first, filtered in SQL. Pages are keyed on the
 * lead id (UUIDv7: time-ordered), so pages stay stable while leads are added.
 */
export async function listLeads(db: Database, viewer: Viewer, filters: LeadFilters): Promise<LeadPage> {
  const conditions = [visibleLeads(db, viewer)]
  if (filters.status) conditions.push(eq(leads.status, filters.status))
  if (filters.cursor) conditions.push(lt(leads.id, filters.cursor))
  const q = filters.q?.trim()
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    const match = (column: AnySQLiteColumn) => sql`${column} LIKE ${pattern} ESCAPE '\\'`
    conditions.push(or(match(leads.name), match(leads.email), match(leads.company))!)
  }
  const rows = await db
    .select({
      id: leads.id,
      name: leads.name,
      email: leads.email,
      phone: leads.phone,
      company: leads.company,
      status: leads.status,
      source: leads.source,
      createdAt: leads.createdAt,
    })
    .from(leads)
    .where(and(...conditions))
    .orderBy(desc(leads.id))
    .limit(PAGE_SIZE + 1)
    .all()
  const more = rows.length > PAGE_SIZE
  const page = more ? rows.slice(0, PAGE_SIZE) : rows
  return { leads: page, nextCursor: more ? page[page.length - 1]!.id : null }
}
