/**
 * The Unmatched email list (`/o/{slug}/inbox`, Owners and Admins; docs/ARCHITECTURE.md "Inbound email"): emails the
 * handler could not log on one lead wait here until someone attaches one to a lead or creates the lead from it. Either
 * logs it as the handler would have, in one batch guarded against a second attach at the same moment.
 */
import { and, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import type { SystemUnit, Unit } from '../access/unit'
import { planCommunication } from '../collaboration/communications'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { inboundEmails, leads, type InboundEmail } from '../db/schema'
import { takeInLead, type IntakeInput } from '../intake/leads'
import { archiveScope } from '../leads/archive-scope'
import { findVisibleLead } from '../leads/lead-detail'
import type { LeadRouter } from '../leads/routed'
import { notFound, Refusal } from '../lib/errors'
import { communicationOf, planEmailOnLead } from './log'

/** At most this many unmatched emails are listed, oldest first (the count says how many wait). */
const INBOX_PAGE = 50

/** How many emails of the unit's organization wait unmatched. */
export async function unmatchedCount(unit: Pick<Unit, 'db' | 'org'>): Promise<number> {
  const row = await unit.db
    .select({ n: count() })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.orgId, unit.org.id), isNotNull(inboundEmails.unmatchedReason)))
    .get()
  return row?.n ?? 0
}

/** The oldest INBOX_PAGE unmatched emails of the unit's organization. */
export function unmatchedEmails(unit: Pick<Unit, 'db' | 'org'>): Promise<InboundEmail[]> {
  return unit.db
    .select()
    .from(inboundEmails)
    .where(and(eq(inboundEmails.orgId, unit.org.id), isNotNull(inboundEmails.unmatchedReason)))
    .orderBy(inboundEmails.receivedAt)
    .limit(INBOX_PAGE)
    .all()
}

/** A lead offered to attach an email to. */
export type LeadChoice = { id: string; name: string; email: string }

/**
 * The leads offered for attaching emails: those with an address of the emails' parties first, then the 100 most
 * recently active ones, not archived (each once).
 */
export async function leadChoices(unit: Pick<Unit, 'db' | 'org'>, parties: string[]): Promise<LeadChoice[]> {
  const columns = { id: leads.id, name: leads.name, email: leads.email }
  const orgId = unit.org.id
  const named = parties.length
    ? await unit.db
        .select(columns)
        .from(leads)
        .where(and(eq(leads.orgId, orgId), inArray(leads.emailNormalized, parties.slice(0, 90))))
        .all()
    : []
  const recent = await unit.db
    .select(columns)
    .from(leads)
    .where(and(eq(leads.orgId, orgId), archiveScope()))
    .orderBy(desc(leads.lastActivityAt))
    .limit(100)
    .all()
  const seen = new Set<string>()
  return [...named, ...recent].filter((l) => !seen.has(l.id) && seen.add(l.id))
}

/** The unmatched email `emailId` of the unit's organization. @throws Refusal 404 (none), 409 (already logged) */
async function findUnmatched(unit: Pick<Unit, 'db' | 'org'>, emailId: string): Promise<InboundEmail> {
  const email = await unit.db
    .select()
    .from(inboundEmails)
    .where(and(eq(inboundEmails.orgId, unit.org.id), eq(inboundEmails.id, emailId)))
    .get()
  if (!email) throw notFound()
  if (email.unmatchedReason === null) throw alreadyLogged()
  return email
}

function alreadyLogged(): Refusal {
  return new Refusal(409, 'This email is already logged on a lead: someone attached it a moment ago.')
}

/** The statement stopping a batch unless email `emailId` still waits unmatched. */
function stillUnmatched(unit: Pick<Unit, 'db'>, emailId: string) {
  return unlessChanged(
    unit.db,
    sql`EXISTS (SELECT 1 FROM inbound_emails WHERE id = ${emailId} AND unmatched_reason IS NOT NULL)`,
  )
}

/** Who an email is logged as written by: its member, unless their address may have been spoofed. */
function authorOf(email: InboundEmail): string | null {
  return email.unmatchedReason === 'unverified' ? null : email.memberId
}

/**
 * Attaches unmatched email `emailId` to lead `leadId` in `unit` (stamped `unit.now`): logged as the handler logs one,
 * the lead's assignees told.
 * @throws Refusal 404 (no such email, or the lead is not visible), 409 (already logged, or at the same moment)
 */
export async function attachEmail(unit: Unit, emailId: string, leadId: string): Promise<void> {
  const email = await findUnmatched(unit, emailId)
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const plan = await planEmailOnLead(unit, { id: lead.id, name: lead.name }, email, { authorId: authorOf(email) })
  try {
    await runBatch(unit.db, [
      stillUnmatched(unit, emailId),
      unit.db
        .update(inboundEmails)
        .set({ unmatchedReason: null, leadId: lead.id, communicationId: plan.communicationId })
        .where(eq(inboundEmails.id, emailId)),
      ...plan.statements,
    ])
  } catch (error) {
    if (staleWrite(error)) throw alreadyLogged()
    throw error
  }
  await plan.afterCommit()
}

/**
 * Creates the lead `input` from unmatched email `emailId` (Leadpool acts in `system`, routed by `route` like any new
 * lead; intake/leads.ts `takeInLead`) and logs the email on it in the same batch. A lead that already has the address
 * gets the email instead.
 * @returns the lead's id
 * @throws Refusal 404 (no such email), 409 (already logged, or at the same moment)
 */
export async function createLeadFromEmail(
  system: SystemUnit,
  route: LeadRouter,
  emailId: string,
  input: IntakeInput,
): Promise<string> {
  const email = await findUnmatched(system, emailId)
  try {
    const taken = await takeInLead(system, route, input, 'email', {
      also: () => [stillUnmatched(system, emailId)],
      after: (leadId) => {
        const plan = planCommunication(system, leadId, communicationOf(email), {
          authorId: authorOf(email),
          data: { via: 'email' },
        })
        return [
          system.db
            .update(inboundEmails)
            .set({ unmatchedReason: null, leadId, communicationId: plan.id })
            .where(eq(inboundEmails.id, emailId)),
          ...plan.statements,
        ]
      },
    })
    return taken.leadId
  } catch (error) {
    if (staleWrite(error)) throw alreadyLogged()
    throw error
  }
}
