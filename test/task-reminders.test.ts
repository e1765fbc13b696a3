/** The morning reminder of tasks due today (src/tasks/reminders.ts), as the cron runs it. */
import { describe, expect, it } from 'vitest'
import { remindTasksDueToday } from '../src/tasks/reminders'
import { zonedToUtc } from '../src/lib/zoned-time'
import { createLead, env, joinAs, signUp } from './helpers'

const LA = 'America/Los_Angeles'

async function dueReminders(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND type = 'task_due'")
    .bind(userId)
    .first<{ n: number }>()
  return row!.n
}

describe('tasks due today', () => {
  it('are announced once, from 08:00 in the assignee’s time zone, only on their day', async () => {
    const owner = await signUp('Remind Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    await env.DB.prepare('UPDATE users SET time_zone = ? WHERE id = ?').bind(LA, ava.userId).run()
    const leadId = await createLead(owner.client, owner.slug, { name: 'Reminded Lead' })
    const base = `/o/${owner.slug}/leads/${leadId}`
    await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })
    for (const [title, dueAt] of [
      ['Whole day', '2030-06-14'],
      ['Tomorrow', '2030-06-15'],
      ['Completed', '2030-06-14'],
    ]) {
      expect(
        (await owner.client.post(`${base}/tasks`, { title: title!, dueAt: dueAt!, assigneeId: ava.userId })).status,
      ).toBe(303)
    }
    const done = await env.DB.prepare("SELECT id FROM tasks WHERE title = 'Completed'").first<{ id: string }>()
    expect((await ava.client.post(`/o/${owner.slug}/tasks/${done!.id}/complete`)).status).toBe(303)

    // 07:00 in Los Angeles (already 14:00 UTC): not yet morning for Ava.
    expect(await remindTasksDueToday(env, zonedToUtc('2030-06-14T07:00', LA)!)).toBe(0)
    expect(await remindTasksDueToday(env, zonedToUtc('2030-06-14T08:05', LA)!)).toBe(1)
    expect(await dueReminders(ava.userId)).toBe(1)
    // The next runs of the same day announce nothing again.
    expect(await remindTasksDueToday(env, zonedToUtc('2030-06-14T08:10', LA)!)).toBe(0)
    expect(await remindTasksDueToday(env, zonedToUtc('2030-06-14T23:55', LA)!)).toBe(0)
    // The next morning: the task due that day.
    expect(await remindTasksDueToday(env, zonedToUtc('2030-06-15T08:00', LA)!)).toBe(1)
    expect(await dueReminders(ava.userId)).toBe(2)
  })
})

describe('the reminder cron', () => {
  it('reminds every organization in its own unit: each notification belongs to the organization of its task', async () => {
    const orgs = await Promise.all(
      ['North Remind Co', 'South Remind Co'].map(async (name) => {
        const owner = await signUp(name, `Owner of ${name}`)
        const leadId = await createLead(owner.client, owner.slug, { name: `Lead of ${name}` })
        const row = await env.DB.prepare(
          'SELECT o.id AS orgId, u.id AS userId FROM organizations o JOIN users u ON u.email = ? WHERE o.slug = ?',
        )
          .bind(owner.email, owner.slug)
          .first<{ orgId: string; userId: string }>()
        const base = `/o/${owner.slug}/leads/${leadId}`
        const task = { title: `Call for ${name}`, dueAt: '2031-03-03', assigneeId: row!.userId }
        expect((await owner.client.post(`${base}/tasks`, task)).status).toBe(303)
        return row!
      }),
    )
    // 09:00 UTC, the members' time zone (UTC by default): the morning of the day both tasks are due.
    expect(await remindTasksDueToday(env, Date.UTC(2031, 2, 3, 9, 0))).toBe(2)
    for (const { orgId, userId } of orgs) {
      const told = await env.DB.prepare(
        "SELECT org_id AS orgId FROM notifications WHERE user_id = ? AND type = 'task_due'",
      )
        .bind(userId)
        .all<{ orgId: string }>()
      expect(told.results).toEqual([{ orgId }])
    }
  })
})
