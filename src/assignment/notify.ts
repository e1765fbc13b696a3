/**
 * Telling the new assignee: the email to the person who was given leads, written to the outbox in
 * the same D1 batch as the assignment. Nobody is emailed about their own action.
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'
import { assignmentEmail } from '../notifications/assignment-email'
import { dispatchEmails, outboxInsert, type EmailMessage } from '../notifications/outbox'

/** Where emails link to, who acts, and the queue that sends them. */
export type NotifyContext = {
  appUrl: string
  orgName: string
  orgSlug: string
  actorName: string
  queue: Queue<EmailMessage>
}

/** Who is told what: the recipient, the leads, and how they came to them. */
export type Notice = {
  to: { id: string; email: string }
  leads: { id: string; name: string }[]
  as?: 'owner' | 'collaborator'
  /** Previous owner's name, for a transfer of one lead. */
  from?: string
  note?: string
}

/**
 * The outbox statement telling `notice.to` they were given leads, or null when they are the actor
 * (or there is nothing to tell). After the batch commits, pass the id to `sendQueued`.
 */
export function assignmentNotice(
  db: Database,
  ctx: NotifyContext,
  orgId: string,
  actorId: string,
  notice: Notice,
  now: number,
): { id: string; statement: BatchItem<'sqlite'> } | null {
  if (notice.to.id === actorId || notice.leads.length === 0) return null
  const base = `${ctx.appUrl.replace(/\/+$/, '')}/o/${ctx.orgSlug}`
  return outboxInsert(
    db,
    {
      orgId,
      to: notice.to.email,
      kind: notice.as === 'collaborator' ? 'collaboration' : 'assignment',
      ...assignmentEmail({
        orgName: ctx.orgName,
        actorName: ctx.actorName,
        leads: notice.leads.map((l) => ({ name: l.name, url: `${base}/leads/${l.id}` })),
        as: notice.as,
        from: notice.from,
        note: notice.note,
        appUrl: ctx.appUrl,
        listUrl: `${base}/leads?assignee=me`,
      }),
    },
    now,
  )
}

/** Queues committed outbox rows; a queue failure is logged (the outbox sweep sends them later). */
export async function sendQueued(ctx: NotifyContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await dispatchEmails(ctx.queue, ids).catch((error) => console.error('emails not queued yet', ids, error))
}
