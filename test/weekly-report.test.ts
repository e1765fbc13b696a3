/**
 * The weekly report (src/dashboard/weekly-report.ts): Owners and Admins get the dashboard's numbers of the past 7
 * days once a week, Monday from 08:00 in their own time zone, through the outbox, even when the cron runs twice at
 * once, counting the days of each reader's time zone; the one-click unsubscribe and the preference turn it off.
 */
import { describe, expect, it } from 'vitest'
import { sendWeeklyReports } from '../src/dashboard/weekly-report'
import { addLead, rows } from './concurrency'
import { dom } from './dom'
import { Client, env, joinAs, signUp } from './helpers'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** 00:00 UTC of the next Monday (today when today is one). */
function nextMonday(): number {
  let day = Math.floor(Date.now() / DAY) * DAY
  while (new Date(day).getUTCDay() !== 1) day += DAY
  return day
}

type Report = { to: string; subject: string; text: string; headers: string }

/** The weekly reports of organization `slug` in the outbox, oldest first. */
const reports = (slug: string) =>
  rows<Report>(
    `SELECT "to", subject, text, headers FROM email_outbox
     WHERE kind = 'weekly_report' AND org_id = (SELECT id FROM organizations WHERE slug = ?) ORDER BY created_at, id`,
    slug,
  )

async function team(name: string) {
  const owner = await signUp(name, 'Olive Owner')
  const admin = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
  const agent = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const setZone = (userId: string, zone: string) =>
    env.DB.prepare('UPDATE users SET time_zone = ? WHERE id = ?').bind(zone, userId).run()
  const [ownerRow] = await rows<{ id: string }>('SELECT id FROM users WHERE email = ?', owner.email)
  await setZone(ownerRow!.id, 'UTC')
  await setZone(admin.userId, 'America/New_York')
  await setZone(agent.userId, 'UTC')
  return { owner, admin, agent, slug: owner.slug }
}

describe('the weekly report', () => {
  it('goes to each Owner and Admin once a week, Monday from 08:00 in their time zone, however often the cron runs', async () => {
    const { owner, admin, slug } = await team('Weekly Co')
    const monday = nextMonday()
    for (const name of ['Ann', 'Bob']) {
      const id = await addLead(slug, name)
      await env.DB.prepare("UPDATE leads SET source = 'Website', created_at = ? WHERE id = ?")
        .bind(monday - DAY, id)
        .run()
    }
    // Tuesday 02:00 UTC is in the Owner's week (UTC), and Monday evening of the week before in New York (the Admin's).
    const late = await addLead(slug, 'Cy')
    await env.DB.prepare("UPDATE leads SET source = 'Website', created_at = ? WHERE id = ?")
      .bind(monday - 6 * DAY + 2 * HOUR, late)
      .run()
    await sendWeeklyReports(env, monday - HOUR) // Sunday 23:00 UTC
    await sendWeeklyReports(env, monday + 7 * HOUR + 55 * 60_000) // Monday 07:55 UTC
    expect(await reports(slug)).toEqual([])
    // 09:00 UTC: the Owner's morning (UTC), the Admin's night (04:00 in New York). The cron twice at once, then again.
    await Promise.all([sendWeeklyReports(env, monday + 9 * HOUR), sendWeeklyReports(env, monday + 9 * HOUR)])
    await sendWeeklyReports(env, monday + 9 * HOUR + 5 * 60_000)
    const first = await reports(slug)
    expect(first.map((r) => r.to)).toEqual([owner.email])
    expect(first[0]!.subject).toBe('Your week in Weekly Co: 3 leads in')
    expect(first[0]!.text).toContain('Leads in: 3 (Website 3).')
    expect(first[0]!.text).toContain('Waiting for someone: 3 unassigned, 0 in the pool.')
    expect(first[0]!.text).toContain('/dashboard?period=7')
    // 13:00 UTC is 08:00 in New York: the Admin's turn; the Agent never gets one.
    await sendWeeklyReports(env, monday + 13 * HOUR)
    await sendWeeklyReports(env, monday + 20 * HOUR)
    expect((await reports(slug)).map((r) => r.to)).toEqual([owner.email, admin.email])
    expect((await reports(slug))[1]!.subject).toBe('Your week in Weekly Co: 2 leads in')
    // The next Monday is a new week.
    await sendWeeklyReports(env, monday + 7 * DAY + 9 * HOUR)
    expect((await reports(slug)).map((r) => r.to)).toEqual([owner.email, admin.email, owner.email])
  })

  it('stops after its one-click unsubscribe, or when the preference is off, and starts again when it is on', async () => {
    const { owner, admin, agent, slug } = await team('Unsubscribe Weekly Co')
    const monday = nextMonday() + 14 * DAY
    await sendWeeklyReports(env, monday + 13 * HOUR)
    const sent = await reports(slug)
    expect(sent.map((r) => r.to).sort()).toEqual([owner.email, admin.email].sort())
    const mine = sent.find((r) => r.to === owner.email)!
    const link = /<([^>]+)>/.exec((JSON.parse(mine.headers) as Record<string, string>)['List-Unsubscribe']!)![1]!
    const res = await new Client().post(new URL(link).pathname, { 'List-Unsubscribe': 'One-Click' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Weekly report')
    const preferences = dom(await owner.client.html(`/o/${slug}/preferences`))
    expect(preferences.querySelector('input[name="weeklyReport"]')?.hasAttribute('checked')).toBe(false)
    // The Admin turns it off on the preferences page (the box unticked sends nothing).
    expect((await admin.client.post(`/o/${slug}/preferences`, {})).status).toBe(303)
    expect(
      dom(await agent.client.html(`/o/${slug}/preferences`)).querySelector('input[name="weeklyReport"]'),
    ).toBeNull()
    await sendWeeklyReports(env, monday + 7 * DAY + 13 * HOUR)
    expect(await reports(slug)).toHaveLength(2)
    expect((await owner.client.post(`/o/${slug}/preferences`, { weeklyReport: '1' })).status).toBe(303)
    await sendWeeklyReports(env, monday + 14 * DAY + 13 * HOUR)
    expect((await reports(slug)).map((r) => r.to)).toEqual([...sent.map((r) => r.to), owner.email])
  })
})
