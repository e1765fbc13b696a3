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
