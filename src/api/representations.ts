/**
 * Leads as the API answers them (schemas.ts): a lead row, a lead with its assignees and newest activities, and its
 * ETag, the version an `If-Match` names (docs/ARCHITECTURE.md "Intake and routing").
 */
import { timelinePage } from '../activity/activities'
import type { Unit } from '../access/unit'
import type { Lead } from '../db/schema'
import { notFound } from '../lib/errors'
import { hashToken } from '../lib/tokens'
import { findVisibleLead, type LeadDetail } from '../leads/lead-detail'
import type { LeadRow } from '../leads/list-query'
import type { ApiLead } from './schemas'

/** How many of a lead's newest activities its detail carries. */
export const RECENT_ACTIVITY = 20

/** An instant (epoch ms) as the API writes it: ISO 8601, UTC. */
export const iso = (at: number) => new Date(at).toISOString()

/** The fields of `lead` every answer carries. */
export function apiLead(lead: Pick<Lead | LeadRow, keyof ApiLead | 'createdAt'>): ApiLead {
  const { id, name, email, phone, company, source, status, inPool, createdAt } = lead
  return { id, name, email, phone, company, source, status, inPool, createdAt: iso(createdAt) }
}

/** A row of the lead list as `GET /leads` answers it: the lead, its primary assignee and its latest activity. */
export function apiListedLead(row: LeadRow) {
  return {
    ...apiLead(row),
    assignee: row.ownerId ? { id: row.ownerId, name: row.ownerName ?? '' } : null,
    lastActivityAt: iso(row.lastActivityAt),
  }
}

/**
 * The lead's ETag: a strong validator of what `PATCH /leads/{id}` changes (its fields and status), quoted, so an
 * `If-Match` holding it fails (412) once anyone changed one of them.
 */
export async function etagOf(lead: Pick<Lead, 'name' | 'email' | 'phone' | 'company' | 'source' | 'status'>) {
  const version = [lead.name, lead.email, lead.phone, lead.company, lead.source, lead.status]
  return `"${(await hashToken(JSON.stringify(version))).slice(0, 32)}"`
}

/** Whether an `If-Match` header value names `etag` (a list of tags, or `*`). */
export function ifMatches(header: string, etag: string): boolean {
  const tags = header.split(',').map((t) => t.trim())
  return tags.includes('*') || tags.includes(etag)
}

/**
 * Lead `leadId` as `unit`'s viewer may see it (leads/lead-detail.ts `findVisibleLead`), or a 404 refusal.
 * @throws Refusal 404 when the organization has no such lead
 */
export async function visibleLead(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string): Promise<LeadDetail> {
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  return lead
}

/**
 * Lead `leadId` as `GET /leads/{id}` answers it, with its assignees and RECENT_ACTIVITY newest activities, and its
 * ETag. @throws Refusal 404 when the organization has no such lead
 */
export async function leadDetail(unit: Pick<Unit, 'db' | 'viewer'>, leadId: string) {
  const lead = await visibleLead(unit, leadId)
  const { items } = await timelinePage(unit.db, unit.viewer.orgId, leadId, { limit: RECENT_ACTIVITY })
  const body = {
    ...apiLead(lead),
    archived: lead.archivedAt !== null,
    assignees: lead.assignees.map((a) => ({ id: a.userId, name: a.name, kind: a.kind })),
    recentActivity: items.map((item) => ({
      id: item.id,
      type: item.type,
      actor: item.actorName,
      data: item.data,
      at: iso(item.createdAt),
    })),
  }
  return { body, etag: await etagOf(lead) }
}
