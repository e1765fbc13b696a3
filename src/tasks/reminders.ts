/**
 * The morning reminder of tasks due today (the cron, every 5 minutes: src/index.ts): once the
 * assignee's day has reached REMINDER_HOUR in their own time zone, each open task due that day
 * (a calendar day, or a time on it) is announced once (`task_due` through the fan-out, which applies
 * their preferences). `tasks.reminded_on` remembers the day, in the same batch as the notification.
 * Each organization is reminded in its own unit of work (access/unit.ts `unitFor`), Leadpool acting.
 */
import { orgRefColumns } from '../access/databases'
import { and, asc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm'
import { timeZonesOf } from '../access/time-zone'
import { orgDatabases, unitFor, type SystemUnit, type UnitBindings } from '../access/unit'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { leads, organizations, tasks, users } from '../db/schema'
import { dueOf } from '../lib/due'
import { localDate, localDateTime } from '../lib/zoned-time'
import { fanOut } from '../notifications/fan-out'

/** The local hour (0–23) from which a member's tasks due today are announced. */
export const REMINDER_HOUR = 8

/** At most this many reminders per run (the next run, 5 minutes later, continues). */
const MAX_PER_RUN = 200

const DAY = 86_400_000

/**
 * Sends the reminders due at `now` (epoch ms), organization by organization of every database, at most MAX_PER_RUN
 * in all.
 * @returns how many tasks were announced
 */
export async function remindTasksDueToday(env: UnitBindings, now: number): Promise<number> {
  let sent = 0
  for (const { name, db } of orgDatabases(env)) {
    const orgs = await db
      .select(orgRefColumns)
      .from(organizations)
      .where(eq(organizations.database, name))
      .orderBy(asc(organizations.id))
      .all()
    for (const org of orgs) {
      if (sent >= MAX_PER_RUN) return sent
      sent += await remindOrganization(unitFor(env, org, { now, db }), MAX_PER_RUN - sent)
    }
  }
  return sent
}

/** Announces at most `budget` of the unit's organization's tasks due today (at `unit.now`); returns how many. */
async function remindOrganization(unit: SystemUnit, budget: number): Promise<number> {
  const { db, now } = unit
  // Every time zone's "today" lies within a day and a half of UTC's.
  const [from, to] = [
    new Date(now - 1.5 * DAY).toISOString().slice(0, 10),
    new Date(now + 1.5 * DAY).toISOString().slice(0, 10),
  ]
  const candidates = await db
    .select({ task: tasks, leadName: leads.name, assigneeName: users.name })
    .from(tasks)
    .innerJoin(leads, eq(leads.id, tasks.leadId))
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .where(
      and(
        eq(tasks.orgId, unit.org.id),
        isNull(tasks.completedAt),
        or(
          and(gte(tasks.dueDate, from), lte(tasks.dueDate, to)),
          and(gte(tasks.dueAt, now - 1.5 * DAY), lte(tasks.dueAt, now + 1.5 * DAY)),
        ),
      ),
    )
    .limit(budget * 3)
    .all()
  const zones = await timeZonesOf(
    db,
    candidates.map((c) => c.task.assigneeId),
  )
  let sent = 0
  for (const { task, leadName, assigneeName } of candidates) {
    if (sent >= budget) break
    const timeZone = zones.get(task.assigneeId)!
    const today = localDate(now, timeZone)
    const due = dueOf(task)
    const dueDay = due?.date ?? (due ? localDate(due.at, timeZone) : null)
    const morning = Number(localDateTime(now, timeZone).slice(11, 13)) >= REMINDER_HOUR
    if (dueDay !== today || !morning || task.remindedOn === today) continue
    const fan = await fanOut(unit, [
      {
        type: 'task_due',
        leads: [{ id: task.leadId, name: leadName }],
        to: { id: task.assigneeId, name: assigneeName },
        note: task.title,
      },
    ])
    try {
      await runBatch(db, [
        // Another run announced it in between: nothing is written twice.
        unlessChanged(db, sql`EXISTS (SELECT 1 FROM tasks WHERE id = ${task.id} AND reminded_on IS NOT ${today})`),
        db.update(tasks).set({ remindedOn: today }).where(eq(tasks.id, task.id)),
        ...fan.statements,
      ])
    } catch (error) {
      if (staleWrite(error)) continue
      throw error
    }
    await fan.afterCommit()
    sent++
  }
  return sent
}
