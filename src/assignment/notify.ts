/**
 * Telling the new assignee: the email to the person who was given leads, written to the outbox in
 * the same D1 batch as the assignment. Nobody is emailed about their own action.
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'
import { assignmentEmail } from '../notifications/assignment-email'
import { dispatchEmails, outboxInsert, type EmailMessage } from '../notifications/outbox'

/** Where emails link to, who acts, and the queue that sends them. */
export type NotifyContext = { appUrl: string; orgName: string; orgSlug: string; actorName: string; queue: Queue<EmailMessage> }

/**
 * The outbox statement telling `to` they were given `leads`, or null when `to` is the actor.
 * After the batch commits, pass the id to `sendQueued`.
 */
export function assignmentNotice(
  db: Database,
  ctx: NotifyContext,
  orgId: string,
  actorId: string,
  to: { id: string; email: string },
  leads: { id: string; name: string }[],
  note: string | undefined,
  now: number,
): { id: string; statement: BatchItem<'sqlite'> } | null {
  if (to.id === actorId || leads.length === 0) return null
  const base = `${ctx.appUrl.replace(/\/+$/, '')}/o/${ctx.orgSlug}`
  return outboxInsert(
    db,
    {
      orgId,
      to: to.email,
      kind: 'assignment',
      ...assignmentEmail({
        orgName: ctx.orgName,
        actorName: ctx.actorName,
        leads: leads.map((l) => ({ name: l.name, url: `${base}/leads/${l.id}` })),
        note,
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
