/**
 * The daily digest (run by the cron every 5 minutes, src/index.ts): a member who chose a digest hour
 * gets one email, during that hour of their own time zone (users.time_zone), listing the
 * notifications they have not read that arrived since their last digest (a lead they can no longer see named
 * "a lead you can no longer see", as the feed does); nothing when there is nothing, nothing while their email is
 * paused, nothing to deactivated members.
 */
import { and, asc, eq, gt, isNotNull, isNull } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'
import { orgDatabases, unitFor, type SystemUnit, type UnitBindings } from '../access/unit'
import { runBatch } from '../db/client'
import { memberships, notificationSettings, notifications, organizations, unsubscribeTokens, users } from '../db/schema'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { renderEmail } from '../email/templates'
import { leadsEachMaySee } from '../leads/policy'
import { hourIn } from '../lib/time-zones'
import { hashToken, newToken } from '../lib/tokens'
import { baseUrl, unsubscribeUrl } from './email'
import { isEventType, sentenceText, type NotificationData } from './events'
import { DIGEST } from './unsubscribe'

/** At most this many items are listed in one digest (the rest are counted). */
export const DIGEST_MAX_ITEMS = 50

/** A digest is not sent again within this long (ms), so each day gets one. */
const DIGEST_GAP_MS = 23 * 60 * 60 * 1000

/**
 * Sends the digests due at `now` (epoch ms): for each member whose digest hour is the current hour in
 * their time zone and who got none in the last 23 hours, in every database.
 * @returns how many digests were queued
 */
export async function sendDigests(env: UnitBindings, now: number): Promise<number> {
  let queued = 0
  for (const { name, db } of orgDatabases(env)) queued += await sendDigestsIn(env, name, db, now)
  return queued
}

/** `sendDigests` for the organizations living in database `name` (`db`); returns how many digests were queued. */
async function sendDigestsIn(env: UnitBindings, name: string, db: Database, now: number): Promise<number> {
  const due = await db
    .select({
      orgId: notificationSettings.orgId,
      userId: notificationSettings.userId,
      digestHour: notificationSettings.digestHour,
      digestSentAt: notificationSettings.digestSentAt,
      email: users.email,
      timeZone: users.timeZone,
      orgName: organizations.name,
      orgSlug: organizations.slug,
      orgDatabase: organizations.database,
    })
    .from(notificationSettings)
    .innerJoin(users, eq(users.id, notificationSettings.userId))
    .innerJoin(organizations, eq(organizations.id, notificationSettings.orgId))
    .innerJoin(
      memberships,
      and(eq(memberships.orgId, notificationSettings.orgId), eq(memberships.userId, notificationSettings.userId)),
    )
    .where(
      and(
        eq(organizations.database, name),
        isNotNull(notificationSettings.digestHour),
        eq(notificationSettings.emailPaused, false),
        eq(memberships.status, 'active'),
      ),
    )
    .all()
  let queued = 0
  for (const member of due) {
    if (hourIn(member.timeZone, now) !== member.digestHour) continue
    if (member.digestSentAt !== null && now - member.digestSentAt < DIGEST_GAP_MS) continue
    const unit = unitFor(
      env,
      { id: member.orgId, name: member.orgName, slug: member.orgSlug, database: member.orgDatabase },
      { now, db },
    )
    if (await sendDigest(unit, member)) queued++
  }
  return queued
}

/** One member's digest row as `sendDigests` reads it. */
type DigestMember = { userId: string; email: string; digestSentAt: number | null }

/**
 * Writes and queues `member`'s digest in `unit` (its organization, clock and mailroom): the unread notifications
 * since their last digest.
 * @returns false when there was nothing to tell
 */
async function sendDigest(unit: SystemUnit, member: DigestMember): Promise<boolean> {
  const { db, org, now } = unit
  const appUrl = unit.mail.appUrl
  const items = await db
    .select({ type: notifications.type, data: notifications.data })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, member.userId),
        eq(notifications.orgId, org.id),
        isNull(notifications.readAt),
        gt(notifications.createdAt, member.digestSentAt ?? 0),
      ),
    )
    .orderBy(asc(notifications.id))
    .limit(DIGEST_MAX_ITEMS + 1)
    .all()
  // A lead the member can no longer see (reassigned, claimed by someone else since) is not named.
  const leadIds = [...new Set(items.flatMap((i) => (i.data as NotificationData).leads?.map((l) => l.id) ?? []))]
  const visible = new Set((await leadsEachMaySee(db, org.id, leadIds, [member.userId])).get(member.userId))
  const lines = items.flatMap((i) =>
    isEventType(i.type) ? [sentenceText(i.type, i.data as NotificationData, (id) => visible.has(id))] : [],
  )
  if (lines.length === 0) return false
  const token = newToken()
  const orgUrl = `${baseUrl(appUrl)}/o/${org.slug}`
  const more = items.length > DIGEST_MAX_ITEMS ? ['… and more in the app.'] : []
  const unsubscribe = unsubscribeUrl(appUrl, token)
  const email = renderEmail({
    subject: `Your daily digest: ${lines.length}${more.length ? '+' : ''} unread in ${org.name}`,
    orgName: org.name,
    heading: `${lines.length}${more.length ? '+' : ''} unread ${lines.length === 1 ? 'notification' : 'notifications'}`,
    paragraphs: [...lines.slice(0, DIGEST_MAX_ITEMS).map((l) => `• ${l}`), ...more],
    action: { label: 'Open your notifications', url: `${orgUrl}/notifications` },
    footer: [
      { label: 'Notification preferences', url: `${orgUrl}/preferences` },
      { label: 'Unsubscribe from the daily digest', url: unsubscribe },
    ],
    appUrl,
  })
  const mail = outboxInsert(
    db,
    {
      orgId: org.id,
      to: member.email,
      kind: DIGEST,
      ...email,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
    now,
  )
  const statements: BatchItem<'sqlite'>[] = [
    mail.statement,
    db.insert(unsubscribeTokens).values({
      tokenHash: await hashToken(token),
      orgId: org.id,
      userId: member.userId,
      type: DIGEST,
      createdAt: now,
    }),
    db
      .update(notificationSettings)
      .set({ digestSentAt: now })
      .where(and(eq(notificationSettings.orgId, org.id), eq(notificationSettings.userId, member.userId))),
  ]
  await runBatch(db, statements)
  await dispatchEmails(unit.mail.queue, [mail.message]).catch((error) =>
    console.error('digest not queued yet', mail.message, error),
  )
  return true
}
