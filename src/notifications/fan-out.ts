/**
 * The notification fan-out: the one function that turns a change into in-app notifications and
 * emails (docs/ARCHITECTURE.md "Notifications"). No producer writes a `notifications` row or a
 * notification email by hand.
 *
 * Usage, in a domain function that changes a lead (see src/assignment/assign.ts):
 *
 * ```ts
 * import { fanOut } from '../notifications/fan-out'
 *
 * const fan = await fanOut(unit, [{ type: 'assigned', leads: [{ id, name }], to: { id, name } }])
 * await runBatch(unit.db, [...changeStatements, activityStatement, ...fan.statements]) // one atomic batch
 * await fan.afterCommit() // queues the emails; never throws
 * ```
 *
 * - `unit` is the change's unit of work (src/access/unit.ts): its organization, its actor (never told; null when
 *   Leadpool acts), its clock (the notifications' `created_at`), its mailroom (APP_URL for links, the email queue).
 * - `events` are `NotificationEvent`s (events.ts): a type of the registry `EVENTS`, the leads (all of
 *   a bulk action in one event: one notification and one email per recipient for the lot), and what
 *   that type's sentence needs (`to`, `from`, `people`, `note`, `status`).
 * - It reads, before the change is written: who each entry's `recipients` are, their memberships,
 *   whether they can see the leads (the one policy, src/leads/policy.ts), and their preferences.
 * - It drops the actor, members who are not active, members who cannot see any of the leads (an
 *   entry marked `makesAssignee` counts its recipients as assignees), de-duplicates (one notification
 *   per recipient and event type; an event about leads a higher-priority event already covers for the
 *   same person is dropped: an assignment plus a status change in one request is one notification),
 *   then applies each person's channels: in-app row, email (outbox row + its unsubscribe token), both,
 *   or nothing ("pause all email" turns every email off).
 * - `statements` are only built, never run here. Call it again on a retry (a new attempt plans anew).
 */
import { and, eq, inArray } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit } from '../access/unit'
import type { Database } from '../db/client'
import {
  leadAssignees,
  leads,
  memberships,
  notificationPreferences,
  notificationSettings,
  notifications,
  unsubscribeTokens,
  users,
  type Role,
} from '../db/schema'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import type { EmailMessage } from '../lib/queue-messages'
import { isManager, type Viewer } from '../access/viewer'
import { chunk, rowsPerInsert } from '../lib/chunk'
import { newId } from '../lib/ids'
import { hashToken, newToken } from '../lib/tokens'
import { orgPoolEnabled, visibleLeads } from '../leads/policy'
import { notificationEmail } from './email'
import {
  EVENT_TYPES,
  eventOf,
  MAX_LEADS_KEPT,
  type EventType,
  type LeadRef,
  type NotificationData,
  type NotificationEvent,
  type PersonRef,
  type RecipientSources,
} from './events'
import { inIdSet } from '../db/id-sets'

export type { EventType, LeadRef, NotificationEvent, PersonRef } from './events'

/** One notification the fan-out planned (for tests and for callers that want to say who was told). */
export type Planned = { userId: string; type: EventType; inApp: boolean; email: boolean }

/** What `fanOut` returns: statements for the caller's batch, and the step to run after it commits. */
export type FanOut = {
  statements: BatchItem<'sqlite'>[]
  planned: Planned[]
  /** Queues the committed emails (a failure is logged: the outbox sweep sends them later). Never throws. */
  afterCommit(): Promise<void>
}

/** A recipient as the fan-out reads them. */
type Recipient = { id: string; email: string; role: Role; active: boolean }

/** Channels of one person for one event type. */
type Channels = { inApp: boolean; email: boolean }

/**
 * Plans the notifications of `events` (see the module comment) in `unit`: its organization, its actor (never
 * told), its clock (the notifications' `created_at`), its mailroom (where emails go after commit).
 * @returns `{ statements, planned, afterCommit }`; statements is empty when nobody is to be told
 */
export async function fanOut(unit: AnyUnit, events: NotificationEvent[]): Promise<FanOut> {
  const { db, now } = unit
  const ctx = place(unit)
  const wanted = events.filter((e) => e.leads.length > 0)
  const sources = recipientSources(db, ctx.orgId)
  const byPerson = new Map<string, NotificationEvent[]>()
  for (const event of wanted) {
    for (const userId of new Set(await eventOf(event.type).recipients(event, sources))) {
      if (userId === ctx.actor?.id) continue
      byPerson.set(userId, [...(byPerson.get(userId) ?? []), event])
    }
  }
  if (byPerson.size === 0) return nothing()
  const people = await recipientsOf(db, ctx.orgId, [...byPerson.keys()])
  const poolEnabled = await orgPoolEnabled(db, ctx.orgId)

  const plan: { person: Recipient; type: EventType; data: NotificationData }[] = []
  for (const [userId, personEvents] of byPerson) {
    const person = people.get(userId)
    if (!person?.active) continue
    const visible = await visibleTo(db, ctx.orgId, person, poolEnabled, personEvents)
    for (const merged of mergeForPerson(personEvents, visible))
      plan.push({ person, ...merged, data: data(ctx, merged) })
  }
  if (plan.length === 0) return nothing()
  const channels = await channelsOf(
    db,
    ctx.orgId,
    plan.map((p) => p.person.id),
  )

  const rows: (typeof notifications.$inferInsert)[] = []
  const statements: BatchItem<'sqlite'>[] = []
  const emails: EmailMessage[] = []
  const planned: Planned[] = []
  for (const { person, type, data } of plan) {
    const chosen = channels(person.id, type)
    planned.push({ userId: person.id, type, ...chosen })
    if (chosen.inApp) {
      const leadId = data.count === 1 ? (data.leads[0]?.id ?? null) : null
      rows.push({
        id: newId(),
        orgId: ctx.orgId,
        userId: person.id,
        type,
        actorId: ctx.actor?.id ?? null,
        leadId,
        data,
        createdAt: now,
      })
    }
    if (chosen.email) {
      const token = newToken()
      const mail = outboxInsert(
        db,
        { orgId: ctx.orgId, to: person.email, kind: type, ...notificationEmail(ctx, type, data, token) },
        now,
      )
      statements.push(
        mail.statement,
        db
          .insert(unsubscribeTokens)
          .values({ tokenHash: await hashToken(token), orgId: ctx.orgId, userId: person.id, type, createdAt: now }),
      )
      emails.push(mail.message)
    }
  }
  for (const part of chunk(rows, rowsPerInsert(notifications)))
    statements.unshift(db.insert(notifications).values(part))
  return {
    statements,
    planned,
    async afterCommit() {
      if (emails.length === 0) return
      await dispatchEmails(ctx.queue, emails).catch((error) => console.error('emails not queued yet', emails, error))
    },
  }
}

function nothing(): FanOut {
  return { statements: [], planned: [], afterCommit: () => Promise.resolve() }
}

/** The recipient sources of the registry, for organization `orgId`. */
function recipientSources(db: Database, orgId: string): RecipientSources {
  return {
    async team(leadIds) {
      if (leadIds.length === 0) return []
      const rows = await db
        .selectDistinct({ userId: leadAssignees.userId })
        .from(leadAssignees)
        .where(and(eq(leadAssignees.orgId, orgId), inIdSet(leadAssignees.leadId, leadIds)))
        .all()
      return rows.map((r) => r.userId)
    },
    async managers() {
      const rows = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          and(
            eq(memberships.orgId, orgId),
            eq(memberships.status, 'active'),
            inArray(memberships.role, ['owner', 'admin']),
          ),
        )
        .all()
      return rows.map((r) => r.userId)
    },
  }
}

/** The memberships of `userIds` in `orgId`, with their addresses. */
async function recipientsOf(db: Database, orgId: string, userIds: string[]): Promise<Map<string, Recipient>> {
  const rows = await db
    .select({ id: users.id, email: users.email, role: memberships.role, status: memberships.status })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), inIdSet(memberships.userId, userIds)))
    .all()
  return new Map(rows.map((r) => [r.id, { id: r.id, email: r.email, role: r.role, active: r.status === 'active' }]))
}

/**
 * The ids of the leads of `events` that `person` may see, by the one policy (`visibleLeads`), plus
 * the leads of events whose entry makes them an assignee (visible to them once the change is written).
 */
async function visibleTo(
  db: Database,
  orgId: string,
  person: Recipient,
  poolEnabled: boolean,
  events: NotificationEvent[],
): Promise<Set<string>> {
  const granted = events.filter((e) => eventOf(e.type).makesAssignee).flatMap((e) => e.leads.map((l) => l.id))
  const asked = [...new Set(events.flatMap((e) => e.leads.map((l) => l.id)))]
  const viewer: Viewer = { orgId, userId: person.id, role: person.role, poolEnabled, multipleAssignees: false }
  if (isManager(viewer)) return new Set(asked)
  const rows = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(inIdSet(leads.id, asked), visibleLeads(db, viewer)))
    .all()
  return new Set([...granted, ...rows.map((r) => r.id)])
}

/**
 * One person's events, merged: only the leads they may see; one per event type (leads joined); and
 * an event whose leads a higher-priority event already names for them is dropped.
 */
function mergeForPerson(events: NotificationEvent[], visible: Set<string>): NotificationEvent[] {
  const byType = new Map<EventType, NotificationEvent>()
  for (const event of events) {
    const seen = byType.get(event.type)
    const mine = event.leads.filter((l) => visible.has(l.id))
    byType.set(event.type, seen ? { ...seen, leads: uniqueLeads([...seen.leads, ...mine]) } : { ...event, leads: mine })
  }
  const covered = new Set<string>()
  const out: NotificationEvent[] = []
  for (const type of EVENT_TYPES) {
    const event = byType.get(type)
    if (!event || event.leads.length === 0) continue
    if (event.leads.every((l) => covered.has(l.id))) continue
    for (const l of event.leads) covered.add(l.id)
    out.push(event)
  }
  return out
}

function uniqueLeads(list: LeadRef[]): LeadRef[] {
  return [...new Map(list.map((l) => [l.id, l])).values()]
}

/** What the notification row keeps of `event`. */
/** What the fan-out reads of `unit`: the organization, the actor, where links point and the email queue. */
function place({ org, actor, mail }: AnyUnit) {
  return { orgId: org.id, orgName: org.name, orgSlug: org.slug, appUrl: mail.appUrl, actor, queue: mail.queue }
}

function data(ctx: { actor: PersonRef | null }, event: NotificationEvent): NotificationData {
  const named: Partial<NotificationEvent> = { ...event }
  delete named.type
  delete named.leads
  return { ...named, actor: ctx.actor, leads: event.leads.slice(0, MAX_LEADS_KEPT), count: event.leads.length }
}

/**
 * The channels of each of `userIds` for each event type: their saved choice, else the registry's
 * default; no email at all while they paused email.
 */
async function channelsOf(
  db: Database,
  orgId: string,
  userIds: string[],
): Promise<(userId: string, type: EventType) => Channels> {
  const unique = [...new Set(userIds)]
  const [choices, settings] = await Promise.all([
    db
      .select()
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.orgId, orgId), inIdSet(notificationPreferences.userId, unique)))
      .all(),
    db
      .select({ userId: notificationSettings.userId, emailPaused: notificationSettings.emailPaused })
      .from(notificationSettings)
      .where(and(eq(notificationSettings.orgId, orgId), inIdSet(notificationSettings.userId, unique)))
      .all(),
  ])
  const chosen = new Map(choices.map((c) => [`${c.userId} ${c.type}`, { inApp: c.inApp, email: c.email }]))
  const paused = new Set(settings.filter((s) => s.emailPaused).map((s) => s.userId))
  return (userId, type) => {
    const c = chosen.get(`${userId} ${type}`) ?? eventOf(type).defaults
    return { inApp: c.inApp, email: c.email && !paused.has(userId) }
  }
}
