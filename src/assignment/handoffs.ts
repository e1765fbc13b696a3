/**
 * Handoffs that complete (docs/ARCHITECTURE.md "Handoffs"): every change of hands of a lead (a
 * transfer, an Agent's hand-off, or an unassignment followed within CHANGE_OF_HANDS_WINDOW_MS by an
 * assignment to someone else) records a `lead_handoffs` row; the new owner acknowledges it ("Got
 * it"); one that waits past the organization's window gets one reminder from the cron
 * (handoff-reminders.ts). An Agent who may not hand off asks the Owners/Admins for reassignment instead
 * (reassignment-requests.ts). Any change of a lead's primary assignee replaces its handoff and clears its
 * reassignment request, in the batch of that change (`handoffChange`).
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { retryInUnit, type AnyUnit, type SystemUnit, type Unit } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import {
  activities,
  leadHandoffs,
  leads,
  organizations,
  reassignmentRequests,
  users,
  type LeadHandoff,
} from '../db/schema'
import { chunk } from '../lib/chunk'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead } from '../leads/lead-detail'
import { fanOut } from '../notifications/fan-out'
import { inIdSet } from '../db/id-sets'
import { selectInto } from '../db/insert-select'

/**
 * An unassignment followed by an assignment to someone else within this time (1 hour, in ms) is a
 * change of hands: it needs the handoff note the setting requires, and the new owner acknowledges it.
 */
export const CHANGE_OF_HANDS_WINDOW_MS = 60 * 60 * 1000

/** One hour in ms: the unit of the organization's acknowledgement window (`handoff_ack_hours`). */
export const HOUR_MS = 60 * 60 * 1000

type Person = { id: string; name: string }

/** Lead ids per bound JSON array read with `json_each` (one parameter, far under D1's 2 MB per value). */
const JSON_IDS = 1_000

/** The activities that change who owns a lead; the newest of them says whether it was just unassigned. */
const OWNER_CHANGES = ['assigned', 'unassigned', 'transferred', 'claimed', 'released', 'returned_to_pool'] as const

/**
 * The owners of `leadIds` (leads of `unit`'s organization without an assignee now) who were unassigned within
 * CHANGE_OF_HANDS_WINDOW_MS before `unit.now` (epoch ms), by lead id: a lead's newest change of owner in the
 * window is that `unassigned` activity (one released or given to someone since has no such owner).
 * One read per JSON_IDS leads.
 */
export async function recentOwners(unit: AnyUnit, leadIds: string[]): Promise<Map<string, Person>> {
  const { db, now } = unit
  const orgId = unit.org.id
  const out = new Map<string, Person>()
  for (const part of chunk(leadIds, JSON_IDS)) {
    const rows = await db
      .select({ leadId: activities.leadId, type: activities.type, data: activities.data })
      .from(activities)
      .where(
        and(
          inIdSet(activities.leadId, part),
          sql`${activities.createdAt} >= ${now - CHANGE_OF_HANDS_WINDOW_MS}`,
          eq(activities.orgId, orgId),
          inArray(activities.type, [...OWNER_CHANGES]),
        ),
      )
      .orderBy(desc(activities.createdAt), desc(activities.id))
      .all()
    const seen = new Set<string>()
    for (const row of rows) {
      if (seen.has(row.leadId)) continue
      seen.add(row.leadId)
      const from = row.data.from as Person | null | undefined
      if (row.type === 'unassigned' && from?.id) out.set(row.leadId, { id: from.id, name: from.name })
    }
  }
  return out
}

/**
 * Statements for a change of primary assignee made by `unit`'s member (at `unit.now`), to run in the same batch
 * as the change, set-based (a bound JSON array per statement, whatever the number of leads): the handoffs and
 * reassignment requests of `handedOver` (leads that had a primary assignee) end, and each change of hands in
 * `handoffs` (lead id and previous owner) starts a handoff from that owner to `change.to` with `change.note`,
 * replacing any handoff the lead still had. A lead without a primary assignee has neither: release
 * and the pool's return clear them too (pool/release.ts, pool/aging.ts).
 */
export function handoffChange(
  unit: Unit,
  handedOver: string[],
  handoffs: { leadId: string; from: Person }[],
  change: { to: Person | null; note: string },
): BatchItem<'sqlite'>[] {
  const { db, now } = unit
  const orgId = unit.org.id
  const byUserId = unit.viewer.userId
  const statements: BatchItem<'sqlite'>[] = []
  if (handedOver.length > 0) {
    statements.push(
      db.delete(leadHandoffs).where(and(eq(leadHandoffs.orgId, orgId), inIdSet(leadHandoffs.leadId, handedOver))),
      db
        .delete(reassignmentRequests)
        .where(and(eq(reassignmentRequests.orgId, orgId), inIdSet(reassignmentRequests.leadId, handedOver))),
    )
  }
  const { to, note } = change
  if (to && handoffs.length > 0) {
    const rows = JSON.stringify(handoffs.map((h) => [h.leadId, h.from.id]))
    statements.push(
      db
        .insert(leadHandoffs)
        .select(
          selectInto(
            leadHandoffs,
            {
              leadId: sql`value ->> 0`,
              orgId,
              fromUserId: sql`value ->> 1`,
              toUserId: to.id,
              byUserId,
              note,
              createdAt: now,
              acknowledgedAt: null,
              remindedAt: null,
            },
            sql`FROM json_each(${rows}) WHERE true`,
          ),
        )
        .onConflictDoUpdate({
          target: leadHandoffs.leadId,
          set: {
            fromUserId: sql`excluded.from_user_id`,
            toUserId: sql`excluded.to_user_id`,
            byUserId: sql`excluded.by_user_id`,
            note: sql`excluded.note`,
            createdAt: sql`excluded.created_at`,
            acknowledgedAt: sql`NULL`,
            remindedAt: sql`NULL`,
          },
        }),
    )
  }
  return statements
}

/** A lead's handoff with the names of the people in it, for the lead page. */
export type HandoffView = LeadHandoff & { fromName: string; byName: string; toName: string }

/** The handoff of lead `leadId` of `unit.org` (acknowledged or not), or null when it has none. */
export async function findHandoff(unit: Pick<Unit, 'db' | 'org'>, leadId: string): Promise<HandoffView | null> {
  const { db } = unit
  const orgId = unit.org.id
  const row = await db
    .select({
      handoff: leadHandoffs,
      fromName: sql<string>`(SELECT name FROM users WHERE id = ${leadHandoffs.fromUserId})`,
      byName: sql<string>`(SELECT name FROM users WHERE id = ${leadHandoffs.byUserId})`,
      toName: sql<string>`(SELECT name FROM users WHERE id = ${leadHandoffs.toUserId})`,
    })
    .from(leadHandoffs)
    .where(and(eq(leadHandoffs.orgId, orgId), eq(leadHandoffs.leadId, leadId)))
    .get()
  return row ? { ...row.handoff, fromName: row.fromName, byName: row.byName, toName: row.toName } : null
}

/** SQL: the handoff of `leadId` to `userId` made at `createdAt` is still waiting for acknowledgement. */
function stillWaiting(leadId: string, userId: string, createdAt: number) {
  return sql`EXISTS (SELECT 1 FROM lead_handoffs WHERE lead_id = ${leadId} AND to_user_id = ${userId}
    AND created_at = ${createdAt} AND acknowledged_at IS NULL)`
}

/** What acknowledging did: `changed` false when it was already acknowledged; the previous owner to tell. */
export type Acknowledged = { changed: boolean; leadId: string; leadName: string; from: Person }

/**
 * The new owner (`unit`'s member) confirms they took the lead over ("Got it"): the handoff is marked acknowledged
 * (at `unit.now`) and a `handoff_acknowledged` activity (`data.from`: the previous owner) is written in one batch
 * with the previous owner's notification (fan-out `handoff_acknowledged`). Acknowledging twice changes
 * nothing the second time.
 * @throws Refusal 404 when the lead is not visible; 409 when no handoff to the member is on the lead
 */
export async function acknowledgeHandoff(unit: Unit, leadId: string): Promise<Acknowledged> {
  const { db, viewer } = unit
  return retryInUnit(unit, [], async (attempt) => {
    const { now } = attempt
    const lead = await findVisibleLead(unit, leadId)
    if (!lead) throw notFound()
    const handoff = await findHandoff(unit, lead.id)
    if (!handoff || handoff.toUserId !== viewer.userId) {
      throw new Refusal(409, 'There is no handoff waiting for you on this lead.')
    }
    const from = { id: handoff.fromUserId, name: handoff.fromName }
    const result = { changed: handoff.acknowledgedAt === null, leadId: lead.id, leadName: lead.name, from }
    if (!result.changed) return result
    const fan = await fanOut(attempt, [
      { type: 'handoff_acknowledged', leads: [{ id: lead.id, name: lead.name }], from },
    ])
    await runBatch(db, [
      unlessChanged(db, stillWaiting(lead.id, viewer.userId, handoff.createdAt)),
      db
        .update(leadHandoffs)
        .set({ acknowledgedAt: now })
        .where(and(eq(leadHandoffs.leadId, lead.id), isNull(leadHandoffs.acknowledgedAt))),
      db.insert(activities).values(
        activityRow({
          orgId: viewer.orgId,
          leadId: lead.id,
          actorId: viewer.userId,
          type: 'handoff_acknowledged',
          data: { from, handoffAt: handoff.createdAt },
          at: now,
        }),
      ),
      ...fan.statements,
    ])
    await fan.afterCommit()
    return result
  })
}

/** A handoff waiting past its organization's window, to remind its new owner of. */
export type WaitingHandoff = {
  orgId: string
  orgName: string
  orgSlug: string
  /** The binding name of the organization's database (src/access/databases.ts). */
  orgDatabase: string
  leadId: string
  leadName: string
  toUserId: string
  toName: string
  fromUserId: string
  fromName: string
  createdAt: number
}

/**
 * Handoffs not acknowledged `handoff_ack_hours` after they were made and not yet reminded, at most
 * `limit` (oldest first). `now` in epoch ms.
 */
export async function handoffsToRemind(db: Database, now: number, limit = 500): Promise<WaitingHandoff[]> {
  return db
    .select({
      orgId: leadHandoffs.orgId,
      orgName: organizations.name,
      orgSlug: organizations.slug,
      orgDatabase: organizations.database,
      leadId: leadHandoffs.leadId,
      leadName: leads.name,
      toUserId: leadHandoffs.toUserId,
      toName: sql<string>`(SELECT name FROM users WHERE id = ${leadHandoffs.toUserId})`,
      fromUserId: leadHandoffs.fromUserId,
      fromName: users.name,
      createdAt: leadHandoffs.createdAt,
    })
    .from(leadHandoffs)
    .innerJoin(organizations, eq(organizations.id, leadHandoffs.orgId))
    .innerJoin(leads, eq(leads.id, leadHandoffs.leadId))
    .innerJoin(users, eq(users.id, leadHandoffs.fromUserId))
    .where(
      and(
        isNull(leadHandoffs.acknowledgedAt),
        isNull(leadHandoffs.remindedAt),
        sql`${leadHandoffs.createdAt} + ${organizations.handoffAckHours} * ${HOUR_MS} <= ${now}`,
      ),
    )
    .orderBy(leadHandoffs.createdAt)
    .limit(limit)
    .all()
}

/**
 * Marks `handoff` (of `unit`'s organization) reminded at `unit.now` (once: only while it is still waiting and
 * unreminded), with `also` (the reminder notification) in the same batch. @returns false when someone else
 * reminded it or it was acknowledged or replaced meanwhile (nothing written)
 */
export async function markReminded(
  unit: SystemUnit,
  handoff: WaitingHandoff,
  also: BatchItem<'sqlite'>[] = [],
): Promise<boolean> {
  const { db, now } = unit
  const unreminded = sql`EXISTS (SELECT 1 FROM lead_handoffs WHERE lead_id = ${handoff.leadId}
    AND created_at = ${handoff.createdAt} AND acknowledged_at IS NULL AND reminded_at IS NULL)`
  try {
    await runBatch(db, [
      unlessChanged(db, unreminded),
      db.update(leadHandoffs).set({ remindedAt: now }).where(eq(leadHandoffs.leadId, handoff.leadId)),
      ...also,
    ])
    return true
  } catch (error) {
    if (staleWrite(error)) return false
    throw error
  }
}
