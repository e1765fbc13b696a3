/**
 * The weekly report (docs/ARCHITECTURE.md "Dashboard"): every Monday from 08:00 in their own time zone, each active
 * Owner and Admin gets the dashboard's headline numbers of the past 7 days by email, through the outbox, unless they
 * turned it off (Notification preferences, or the email's one-click unsubscribe) or paused all email. One per person
 * per week however often the cron runs: the batch that queues it is guarded on that week not being sent yet.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { orgDatabases, unitFor, type UnitBindings } from '../access/unit'
import type { Viewer } from '../access/viewer'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { memberships, notificationSettings, organizations, unsubscribeTokens, users } from '../db/schema'
import { dispatchEmails, outboxInsert } from '../email/outbox'
import { renderEmail } from '../email/templates'
import { hourIn } from '../lib/time-zones'
import { hashToken, newToken } from '../lib/tokens'
import { waited } from '../lib/waited'
import { localDate } from '../lib/zoned-time'
import { baseUrl, unsubscribeUrl } from '../notifications/email'
import { settingsUpsert } from '../notifications/preferences'
import { WEEKLY_REPORT } from '../notifications/unsubscribe'
import { sourceName } from './filters'
import { dashboardNumbers, type DashboardNumbers } from './numbers'

/** The hour (0–23, the member's time zone) from which Monday's report goes out. */
export const WEEKLY_REPORT_HOUR = 8

/** Monday, as `Intl` names it in English. */
const isMonday = (timeZone: string, at: number) =>
  new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(at) === 'Mon'

/** "3 leads", "1 lead". */
const leadsText = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'lead' : 'leads'}`

/**
 * The report's lines from `numbers` (the whole team's, 7 days): leads in by source, first touches and the target,
 * leads nobody holds, open leads and overdue tasks. `targetMinutes` 0: no target.
 */
export function reportLines(numbers: DashboardNumbers, targetMinutes: number): string[] {
  const bySource = new Map<string, number>()
  for (const a of numbers.arrivals) bySource.set(a.source, (bySource.get(a.source) ?? 0) + a.leads)
  const arrived = [...bySource.values()].reduce((a, b) => a + b, 0)
  const sources = [...bySource]
    .sort((a, b) => b[1] - a[1])
    .map(([source, n]) => `${sourceName(source)} ${n}`)
    .join(', ')
  const touched = numbers.touches.reduce((s, t) => s + t.touched, 0)
  const waitMs = numbers.touches.reduce((s, t) => s + t.waitMs, 0)
  const missed = numbers.touches.reduce((s, t) => s + t.missed, 0)
  const waiting = (scope: 'pool' | 'unassigned') =>
    numbers.waiting.filter((w) => w.scope === scope).reduce((s, w) => s + w.leads, 0)
  const open = numbers.workload.reduce((s, w) => s + w.openLeads, 0)
  const overdue = numbers.workload.reduce((s, w) => s + w.overdueTasks, 0)
  return [
    `Leads in: ${arrived}${arrived ? ` (${sources})` : ''}.`,
    `First touched: ${leadsText(touched)}${touched ? `, on average ${waited(waitMs / touched)} after arriving` : ''}${
      targetMinutes ? `; ${missed} missed the target of ${waited(targetMinutes * 60_000)}` : ''
    }.`,
    `Waiting for someone: ${waiting('unassigned')} unassigned, ${waiting('pool')} in the pool.`,
    `Open leads held: ${open}; overdue tasks: ${overdue}.`,
  ]
}

/**
 * Queues the weekly reports due at `now` (epoch ms), database by database: for each active Owner and Admin of every
 * organization for whom it
 * is Monday, 08:00 or later, in their time zone, whose report of that week was not sent, who has it on and email not
 * paused.
 * @returns how many reports were queued
 */
export async function sendWeeklyReports(env: UnitBindings, now: number): Promise<number> {
  let queued = 0
  for (const { name, db } of orgDatabases(env)) queued += await sendWeeklyReportsIn(env, name, db, now)
  return queued
}

/** `sendWeeklyReports` for the organizations living in database `name` (`db`); returns how many were queued. */
async function sendWeeklyReportsIn(env: UnitBindings, name: string, db: Database, now: number): Promise<number> {
  const due = await db
    .select({
      userId: memberships.userId,
      role: memberships.role,
      email: users.email,
      timeZone: users.timeZone,
      orgId: organizations.id,
      orgName: organizations.name,
      orgSlug: organizations.slug,
      orgDatabase: organizations.database,
      poolEnabled: organizations.poolEnabled,
      multipleAssignees: organizations.multipleAssignees,
      targetMinutes: organizations.firstTouchTargetMinutes,
      sentOn: notificationSettings.weeklySentOn,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .leftJoin(
      notificationSettings,
      and(eq(notificationSettings.orgId, memberships.orgId), eq(notificationSettings.userId, memberships.userId)),
    )
    .where(
      and(
        eq(organizations.database, name),
        eq(memberships.status, 'active'),
        inArray(memberships.role, ['owner', 'admin']),
        sql`coalesce(${notificationSettings.emailPaused}, 0) = 0`,
        sql`coalesce(${notificationSettings.weeklyReport}, 1) = 1`,
      ),
    )
    .all()
  let queued = 0
  for (const member of due) {
    const timeZone = member.timeZone || 'UTC'
    if (!isMonday(timeZone, now) || hourIn(timeZone, now) < WEEKLY_REPORT_HOUR) continue
    const week = localDate(now, timeZone)
    if (member.sentOn === week) continue
    // One organization's failure (its D1, its queue) leaves the others' reports to go; it is tried next tick.
    try {
      if (await sendWeeklyReport(env, now, { ...member, timeZone, week })) queued++
    } catch (error) {
      console.error('weekly report failed', { orgId: member.orgId, userId: member.userId }, error)
    }
  }
  return queued
}

type ReportMember = {
  userId: string
  role: Viewer['role']
  email: string
  orgId: string
  orgName: string
  orgSlug: string
  orgDatabase: string
  poolEnabled: boolean
  multipleAssignees: boolean
  targetMinutes: number
  /** Their time zone (an IANA name): the report's days are theirs. */
  timeZone: string
  /** The Monday (`YYYY-MM-DD`, their time zone) of the week being reported. */
  week: string
}

/**
 * Writes and queues `member`'s report of `member.week` in one batch, guarded on that week not being sent yet.
 * @returns false when another run sent it first (nothing written)
 */
async function sendWeeklyReport(env: UnitBindings, now: number, member: ReportMember): Promise<boolean> {
  const org = { id: member.orgId, name: member.orgName, slug: member.orgSlug, database: member.orgDatabase }
  const viewer: Viewer = {
    orgId: org.id,
    userId: member.userId,
    role: member.role,
    poolEnabled: member.poolEnabled,
    multipleAssignees: member.multipleAssignees,
  }
  const unit = unitFor(env, org, { now, viewer })
  const { db } = unit
  const numbers = await dashboardNumbers(unit, { days: 7, source: null, member: null }, { timeZone: member.timeZone })
  const token = newToken()
  const appUrl = unit.mail.appUrl
  const orgUrl = `${baseUrl(appUrl)}/o/${org.slug}`
  const unsubscribe = unsubscribeUrl(appUrl, token)
  const arrived = numbers.arrivals.reduce((s, a) => s + a.leads, 0)
  const email = renderEmail({
    subject: `Your week in ${org.name}: ${leadsText(arrived)} in`,
    orgName: org.name,
    heading: 'The past 7 days',
    paragraphs: reportLines(numbers, member.targetMinutes),
    action: { label: 'Open the dashboard', url: `${orgUrl}/dashboard?period=7` },
    footer: [
      { label: 'Notification preferences', url: `${orgUrl}/preferences` },
      { label: 'Unsubscribe from the weekly report', url: unsubscribe },
    ],
    appUrl,
  })
  const mail = outboxInsert(
    db,
    {
      orgId: org.id,
      to: member.email,
      kind: WEEKLY_REPORT,
      ...email,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
    now,
  )
  const notSentYet = sql`NOT EXISTS (SELECT 1 FROM ${notificationSettings} WHERE ${notificationSettings.orgId} = ${org.id}
    AND ${notificationSettings.userId} = ${member.userId} AND ${notificationSettings.weeklySentOn} = ${member.week})`
  try {
    await runBatch(db, [
      unlessChanged(db, notSentYet),
      mail.statement,
      db.insert(unsubscribeTokens).values({
        tokenHash: await hashToken(token),
        orgId: org.id,
        userId: member.userId,
        type: WEEKLY_REPORT,
        createdAt: now,
      }),
      settingsUpsert(db, org.id, member.userId, { weeklySentOn: member.week }, now),
    ])
  } catch (error) {
    if (staleWrite(error)) return false
    throw error
  }
  await dispatchEmails(unit.mail.queue, [mail.message]).catch((error) =>
    console.error('weekly report not queued yet', mail.message, error),
  )
  return true
}
