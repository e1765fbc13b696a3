/**
 * Logging an inbound email on a lead (docs/ARCHITECTURE.md "Inbound email"): a communication of kind email through
 * the path every communication takes (collaboration/communications.ts `planCommunication`), and the assignees told
 * "Email received from …" (`email_received`, notifications/events.ts), planned for one batch with the email's own
 * row; after the commit the lead's open pages and the lists see it (`publishEmailed`).
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit } from '../access/unit'
import { planCommunication, type CommunicationInput } from '../collaboration/communications'
import { publishLive } from '../collaboration/live'
import type { InboundEmail } from '../db/schema'
import type { Env } from '../env'
import { publishListChanges } from '../leads/live-lists'
import { fanOut, type LeadRef } from '../notifications/fan-out'

/** An inbound email as kept, whatever became of it. */
export type EmailRecord = Omit<InboundEmail, 'leadId' | 'communicationId' | 'unmatchedReason'>

/** The communication an email is logged as: its subject and text, sent at its Date (UTC). */
export function communicationOf(
  email: Pick<EmailRecord, 'direction' | 'subject' | 'body' | 'sentAt'>,
): CommunicationInput {
  const subject = email.subject || '(no subject)'
  const summary = email.body ? `${subject}\n\n${email.body}` : `${subject}\n\n(no text)`
  return { kind: 'email', direction: email.direction, summary, occurredAt: email.sentAt }
}

/**
 * Plans logging `email` on `lead` in `unit` (stamped `unit.now`), by `authorId` (the member who sent or forwarded it;
 * null: none): the communication, its activity (`via: 'email'`) and the notifications of the lead's assignees.
 * @returns the communication's id, the statements for the caller's batch, and what to do once it committed
 */
export async function planEmailOnLead(
  unit: AnyUnit,
  lead: LeadRef,
  email: EmailRecord,
  { authorId }: { authorId: string | null },
): Promise<{ communicationId: string; statements: BatchItem<'sqlite'>[]; afterCommit: () => Promise<void> }> {
  const planned = planCommunication(unit, lead.id, communicationOf(email), { authorId, data: { via: 'email' } })
  const fan = await fanOut(unit, [
    { type: 'email_received', leads: [lead], note: email.subject || '(no subject)', direction: email.direction },
  ])
  return {
    communicationId: planned.id,
    statements: [...planned.statements, ...fan.statements],
    afterCommit: () => fan.afterCommit(),
  }
}

/** After an email was logged on lead `leadId` in `unit`: its open pages get the entry, the open lists the change. */
export async function publishEmailed(env: Env, unit: AnyUnit, leadId: string): Promise<void> {
  await publishLive(env, unit, { leadId, since: unit.now })
  await publishListChanges(env, unit, unit.now)
}
