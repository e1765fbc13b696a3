/**
 * The Worker's `email` handler's work (src/index.ts; docs/ARCHITECTURE.md "Inbound email"): an email delivered to an
 * organization's inbound address is parsed, read (match.ts) and either logged on its lead, taken in as a new lead
 * (the setting "create a lead from an unknown sender"), or kept in the Unmatched list; a second delivery of the same
 * message is ignored. Only an address that is not (or no longer) an organization's, an email over the size limits or
 * one that cannot be read at all is rejected, with the reason the sender's server reports back.
 */
import { and, eq, inArray } from 'drizzle-orm'
import { databaseNamed, findAcross } from '../access/databases'
import { createDb } from '../db/client'
import { unitFor, type PersonRef, type SystemUnit } from '../access/unit'
import { runBatch } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { inboundEmails, leads, memberships, users, type UnmatchedReason } from '../db/schema'
import type { Env } from '../env'
import { intakeSchema, takeInLead } from '../intake/leads'
import { leadRouter } from '../leads/routing'
import { newId } from '../lib/ids'
import { orgByInboundAddress } from './address'
import { planCommunication } from '../collaboration/communications'
import { communicationOf, planEmailOnLead, publishEmailed, type EmailRecord } from './log'
import { readEmail, type Reading } from './match'
import { MAX_BODY, parseEmail, type ParsedEmail } from './parse'

/** The largest message taken (bytes, attachments included): 10 MiB. */
const MAX_RAW_BYTES = 10 * 1024 * 1024

/** What the envelope and the raw message give (a part of the platform's `ForwardableEmailMessage`). */
type IncomingEmail = Pick<ForwardableEmailMessage, 'from' | 'to' | 'raw' | 'rawSize' | 'setReject'>

/** What became of an email. */
export type Outcome =
  | { kind: 'logged'; emailId: string; leadId: string; created: boolean }
  | { kind: 'unmatched'; emailId: string; reason: UnmatchedReason }
  | { kind: 'duplicate'; emailId: string }
  | { kind: 'rejected'; reason: string }

/**
 * Receives `message` at `now` (epoch ms). Rejects it (`setReject`, with the reason) when it is over MAX_RAW_BYTES or
 * its text over MAX_BODY characters, when its address is no organization's, or when it cannot be parsed.
 * @returns what became of it
 * @throws when D1 fails: the delivery fails rather than being accepted and lost
 */
export async function receiveEmail(env: Env, message: IncomingEmail, now = Date.now()): Promise<Outcome> {
  const reject = (reason: string): Outcome => {
    message.setReject(reason)
    return { kind: 'rejected', reason }
  }
  if (message.rawSize > MAX_RAW_BYTES)
    return reject(
      `Leadpool takes emails up to 10 MB; this one is ${megabytes(message.rawSize)} MB. Send it without its attachments.`,
    )
  // The address's organization may live in any database (access/databases.ts): each is asked.
  const org = await findAcross(env, (binding) =>
    orgByInboundAddress(createDb(databaseNamed(env, binding)), message.to, env.INBOUND_EMAIL_DOMAIN),
  )
  if (!org)
    return reject(`${message.to} is not a Leadpool address (it may have been replaced): ask for the current one.`)
  const parsed = await parseEmail(await new Response(message.raw).arrayBuffer()).catch((error: unknown) => {
    console.error('inbound email not readable', org.id, error)
    return null
  })
  if (!parsed) return reject('This message could not be read as an email.')
  if (parsed.body.length > MAX_BODY)
    return reject(`Leadpool keeps email text up to ${MAX_BODY.toLocaleString('en')} characters; this one is longer.`)
  const unit = unitFor(env, { id: org.id, name: org.name, slug: org.slug, database: org.database }, { now })
  const seen = await emailIdOf(unit, parsed.messageKey)
  if (seen) return { kind: 'duplicate', emailId: seen }
  const members = await memberAddresses(unit)
  const reading = readEmail(parsed, { inbound: message.to, envelopeFrom: message.from, members })
  const record = recordOf(unit, parsed, reading, message.from)
  try {
    return await settle(env, { ...unit, actor: reading.member }, record, reading, org.createLeads)
  } catch (error) {
    // The same message delivered at the same moment was kept first.
    if (!uniqueViolation(error, 'inbound_emails')) throw error
    return { kind: 'duplicate', emailId: (await emailIdOf(unit, parsed.messageKey)) ?? record.id }
  }
}

/** Logs `record` on its lead, takes its sender in as a lead, or keeps it unmatched (see the module comment). */
async function settle(
  env: Env,
  unit: SystemUnit,
  record: EmailRecord,
  reading: Reading,
  createLeads: boolean,
): Promise<Outcome> {
  if (reading.unverified) return keepUnmatched(unit, record, 'unverified')
  const found = await leadsWith(unit, reading.parties)
  const one = found.length === 1 ? found[0] : undefined
  if (one && reading.member) return logOn(env, unit, one, record, reading.member)
  if (found.length > 1) return keepUnmatched(unit, record, 'several_leads')
  const party = reading.parties.length === 1 ? reading.parties[0] : undefined
  if (createLeads && party) {
    const created = await takeInSender(env, unit, record, party, reading.member)
    if (created) return created
  }
  return keepUnmatched(unit, record, reading.member ? 'no_lead' : 'not_member')
}

/** Logs `record` on `lead`, by `member`, in one batch with the email's row. */
async function logOn(env: Env, unit: SystemUnit, lead: PersonRef, record: EmailRecord, member: PersonRef) {
  const plan = await planEmailOnLead(unit, lead, record, { authorId: member.id })
  await runBatch(unit.db, [
    unit.db.insert(inboundEmails).values({ ...record, leadId: lead.id, communicationId: plan.communicationId }),
    ...plan.statements,
  ])
  await plan.afterCommit()
  await publishEmailed(env, unit, lead.id)
  return { kind: 'logged' as const, emailId: record.id, leadId: lead.id, created: false }
}

/**
 * Takes in `party` as a lead (intake/leads.ts `takeInLead`, routed like any new lead), logging `record` on it in the
 * same batch, by `member` (null: no member sent it).
 * @returns the outcome, or null when `party` cannot be a lead's address (it stays unmatched)
 */
async function takeInSender(
  env: Env,
  unit: SystemUnit,
  record: EmailRecord,
  party: string,
  member: PersonRef | null,
): Promise<Outcome | null> {
  const name = party === record.fromAddress && record.fromName ? record.fromName : party.slice(0, party.indexOf('@'))
  const input = intakeSchema.safeParse({ name, email: party, source: 'Email' })
  if (!input.success) return null
  let communicationId = ''
  const taken = await takeInLead({ ...unit, actor: null }, leadRouter(env), input.data, 'email', {
    after: (leadId) => {
      // A new lead has no assignee to tell yet: routing tells whoever it goes to.
      const plan = planCommunication(unit, leadId, communicationOf(record), {
        authorId: member?.id ?? null,
        data: { via: 'email' },
      })
      communicationId = plan.id
      return [unit.db.insert(inboundEmails).values({ ...record, leadId, communicationId }), ...plan.statements]
    },
  })
  await publishEmailed(env, unit, taken.leadId)
  return { kind: 'logged', emailId: record.id, leadId: taken.leadId, created: taken.created }
}

/** Keeps `record` in the Unmatched list for `reason`. */
async function keepUnmatched(unit: SystemUnit, record: EmailRecord, reason: UnmatchedReason): Promise<Outcome> {
  await unit.db.insert(inboundEmails).values({ ...record, unmatchedReason: reason })
  return { kind: 'unmatched', emailId: record.id, reason }
}

/** The leads (id, name) of the unit's organization with one of `addresses`, archived ones too. */
async function leadsWith(unit: SystemUnit, addresses: string[]): Promise<PersonRef[]> {
  if (addresses.length === 0) return []
  return unit.db
    .select({ id: leads.id, name: leads.name })
    .from(leads)
    .where(and(eq(leads.orgId, unit.org.id), inArray(leads.emailNormalized, addresses)))
    .limit(2)
    .all()
}

/** The active members of the unit's organization by lower-case email address. */
async function memberAddresses(unit: SystemUnit): Promise<Map<string, PersonRef>> {
  const rows = await unit.db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, unit.org.id), eq(memberships.status, 'active')))
    .all()
  return new Map(rows.map((r) => [r.email.toLowerCase(), { id: r.id, name: r.name }]))
}

/** The id of the email of the unit's organization with `messageKey`, if one was kept. */
async function emailIdOf(unit: SystemUnit, messageKey: string): Promise<string | null> {
  const row = await unit.db
    .select({ id: inboundEmails.id })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.orgId, unit.org.id), eq(inboundEmails.messageKey, messageKey)))
    .get()
  return row?.id ?? null
}

/**
 * The row kept of `email` as `reading` read it, received at `unit.now` (sent then too, when its Date is missing), from
 * its `From` (the envelope sender `envelopeFrom` when it has none).
 */
function recordOf(unit: SystemUnit, email: ParsedEmail, reading: Reading, envelopeFrom: string): EmailRecord {
  return {
    id: newId(),
    orgId: unit.org.id,
    messageKey: email.messageKey,
    direction: reading.direction,
    fromAddress: email.from?.address ?? envelopeFrom.toLowerCase(),
    fromName: email.from?.name ?? '',
    parties: reading.parties,
    memberId: reading.member?.id ?? null,
    subject: email.subject,
    body: email.body,
    sentAt: email.sentAt ?? unit.now,
    receivedAt: unit.now,
    auth: email.auth,
    attachments: email.attachments,
  }
}

/** `bytes` in MB with one decimal. */
function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
