/**
 * *Send me a test email* (preferences page): a member sends themselves an email through the outbox,
 * like every other email, and sees what became of it (queued, sent, failed with the provider's reason,
 * or captured where no provider is configured) and the address it went to, so "check your address,
 * check your spam folder" is something they can do alone.
 */
import { and, desc, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { emailOutbox } from '../db/schema'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { renderEmail } from '../email/templates'
import { Refusal } from '../lib/errors'

/** The outbox `kind` of a test email. */
export const TEST_EMAIL_KIND = 'test'

/** At most one test email per member and organization in this time (ms). */
export const TEST_EMAIL_INTERVAL_MS = 60_000

/** The latest test email of an address: where it went, its state, the provider's reason, its times. */
export type TestEmail = Pick<
  typeof emailOutbox.$inferSelect,
  'id' | 'to' | 'status' | 'lastError' | 'attempts' | 'createdAt' | 'sentAt' | 'updatedAt'
>

/** The newest test email sent to `address` from `unit.org`, or null. */
export async function latestTestEmail(unit: Pick<Unit, 'db' | 'org'>, address: string): Promise<TestEmail | null> {
  const row = await unit.db
    .select({
      id: emailOutbox.id,
      to: emailOutbox.to,
      status: emailOutbox.status,
      lastError: emailOutbox.lastError,
      attempts: emailOutbox.attempts,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      updatedAt: emailOutbox.updatedAt,
    })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.orgId, unit.org.id), eq(emailOutbox.to, address), eq(emailOutbox.kind, TEST_EMAIL_KIND)))
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .get()
  return row ?? null
}

/**
 * Writes a test email from `unit.org` to `member`'s own address into the outbox at `unit.now` and queues it on
 * `unit.mail`.
 * @returns the outbox id
 * @throws Refusal 429 when they sent one less than TEST_EMAIL_INTERVAL_MS ago
 */
export async function sendTestEmail(
  unit: Pick<Unit, 'db' | 'org' | 'now' | 'mail'>,
  member: { name: string; email: string },
): Promise<string> {
  const { db, org, now, mail: mailroom } = unit
  const request = { orgId: org.id, orgName: org.name, orgSlug: org.slug, appUrl: mailroom.appUrl, member }
  const previous = await latestTestEmail(unit, member.email)
  if (previous && now - previous.createdAt < TEST_EMAIL_INTERVAL_MS) {
    throw new Refusal(429, 'You sent a test email less than a minute ago: see what became of it below, then try again.')
  }
  const base = `${request.appUrl.replace(/\/+$/, '')}/o/${request.orgSlug}`
  const content = renderEmail({
    subject: `Test email from Leadpool (${request.orgName})`,
    orgName: request.orgName,
    heading: 'Your notification emails reach you',
    paragraphs: [
      `Hi ${request.member.name}, you asked Leadpool for this test email from your notification preferences in ${request.orgName}.`,
      'If it landed in your spam or junk folder, mark it as not spam so your notifications arrive in your inbox.',
    ],
    action: { label: 'Your notification preferences', url: `${base}/preferences` },
    appUrl: request.appUrl,
  })
  const mail = outboxInsert(
    db,
    { orgId: request.orgId, to: request.member.email, kind: TEST_EMAIL_KIND, ...content },
    now,
  )
  await runBatch(db, [mail.statement])
  // A queue failure leaves the row queued: the outbox sweep sends it later.
  await dispatchEmails(mailroom.queue, [mail.message]).catch((error) =>
    console.error('test email not queued yet', error),
  )
  return mail.id
}
