/**
 * Tasks on a lead: created by anyone who can see the lead for a member who can see it, completed and
 * reopened (who and when kept) by anyone who can see it. Each change writes its activity and its
 * notifications in the same batch, stamped with its unit's clock. Due dates: src/lib/due.ts.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { activityRow } from '../activity/activities'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { activities, leads, tasks, users, type Task } from '../db/schema'
import { dueOf, type Due } from '../lib/due'
import { notFound, Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import { firstTouchWaitWrite } from '../orgs/first-touch-wait'
import { findVisibleLead } from '../leads/lead-detail'
import { visibleLeads, whoCanSee } from '../leads/policy'
import { fanOut, type NotificationEvent } from '../notifications/fan-out'

/** A task as the form gives it. */
export type TaskInput = { title: string; due: Due; assigneeId: string }

/** A task with the names of its assignee and of whoever completed it. */
export type TaskView = Task & { assigneeName: string; completedByName: string | null }

const completer = sql<string | null>`(SELECT name FROM users u WHERE u.id = ${tasks.completedBy})`

/** The lead's tasks, open ones first, each group oldest first (the caller checked the lead is visible). */
export async function tasksOf(unit: Pick<Unit, 'db' | 'org'>, leadId: string): Promise<TaskView[]> {
  const { db } = unit
  const orgId = unit.org.id
  return db
    .select({ task: tasks, assigneeName: users.name, completedByName: completer })
    .from(tasks)
    .innerJoin(users, eq(users.id, tasks.assigneeId))
    .where(and(eq(tasks.orgId, orgId), eq(tasks.leadId, leadId)))
    .orderBy(sql`${tasks.completedAt} IS NOT NULL`, asc(tasks.createdAt))
    .all()
    .then((rows) => rows.map((r) => ({ ...r.task, assigneeName: r.assigneeName, completedByName: r.completedByName })))
}

/**
 * Creates a task on lead `leadId` for `input.assigneeId`, who must be able to see the lead; the
 * assignee is notified (`task_assigned`, unless they created it), and so are the lead's assignees and
 * collaborators (`task_created`, except the actor and the task's assignee).
 * @returns the activity's id
 * @throws Refusal 404 (lead not visible), 422 on `assigneeId` when the assignee cannot see the lead
 */
export async function createTask(unit: Unit, leadId: string, input: TaskInput) {
  const { db, viewer, now } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw notFound()
  const assignee = (await whoCanSee(unit, leadId)).find((m) => m.userId === input.assigneeId)
  if (!assignee) {
    throw new Refusal(422, 'Choose a member who can see this lead.', { field: 'assigneeId' })
  }
  const id = newId()
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId,
    actorId: viewer.userId,
    type: 'task_created',
    data: { taskId: id, title: input.title, due: input.due, assignee: { id: assignee.userId, name: assignee.name } },
    at: now,
  })
  const task = {
    leads: [{ id: lead.id, name: lead.name }],
    to: { id: assignee.userId, name: assignee.name },
    note: input.title,
  }
  const [fan, touch] = await Promise.all([
    fanOut(unit, [
      { type: 'task_assigned', ...task },
      { type: 'task_created', ...task },
    ]),
    firstTouchWaitWrite(unit, [lead]),
  ])
  await runBatch(db, [
    db.insert(tasks).values({
      id,
      orgId: viewer.orgId,
      leadId,
      title: input.title,
      dueDate: input.due.date ?? null,
      dueAt: input.due.at ?? null,
      assigneeId: assignee.userId,
      createdBy: viewer.userId,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(activities).values(activity),
    ...touch,
    ...fan.statements,
  ])
  await fan.afterCommit()
  return activity.id
}

/**
 * The task `taskId` of the unit's organization, if its viewer can see the task's lead, with the lead's name, arrival
 * and first touch (epoch ms, null: not yet).
 * @throws Refusal 404 otherwise
 */
export async function findTask(
  { db, viewer }: Unit,
  taskId: string,
): Promise<Task & { leadName: string; lead: { id: string; createdAt: number; firstTouchedAt: number | null } }> {
  const row = await db
    .select({
      task: tasks,
      leadName: leads.name,
      lead: { id: leads.id, createdAt: leads.createdAt, firstTouchedAt: leads.firstTouchedAt },
    })
    .from(tasks)
    .innerJoin(leads, eq(leads.id, tasks.leadId))
    .where(and(eq(tasks.id, taskId), eq(tasks.orgId, viewer.orgId), visibleLeads(db, viewer)))
    .get()
  if (!row) throw notFound()
  return { ...row.task, leadName: row.leadName, lead: row.lead }
}

/**
 * Completes (`done` true) or reopens task `taskId`, keeping who and when; nothing when it already is.
 * Completing notifies the task's creator and assignee (not the actor).
 * @returns `{ leadId, activityId }` (activityId null when nothing changed)
 * @throws Refusal 404 when the unit's viewer cannot see the task's lead
 */
export async function setTaskDone(unit: Unit, taskId: string, done: boolean) {
  const { db, viewer, now } = unit
  const task = await findTask(unit, taskId)
  if ((task.completedAt !== null) === done) return { leadId: task.leadId, activityId: null }
  const activity = activityRow({
    orgId: viewer.orgId,
    leadId: task.leadId,
    actorId: viewer.userId,
    type: done ? 'task_completed' : 'task_reopened',
    data: { taskId, title: task.title },
    at: now,
  })
  const events: NotificationEvent[] = done
    ? [
        {
          type: 'task_completed',
          leads: [{ id: task.leadId, name: task.leadName }],
          people: [task.createdBy, task.assigneeId].map((id) => ({ id, name: '' })),
          note: task.title,
        },
      ]
    : []
  const [fan, touch] = await Promise.all([fanOut(unit, events), firstTouchWaitWrite(unit, [task.lead])])
  const stillAsRead = done ? sql`completed_at IS NULL` : sql`completed_at IS NOT NULL`
  try {
    await runBatch(db, [
      unlessChanged(db, sql`EXISTS (SELECT 1 FROM tasks WHERE id = ${taskId} AND ${stillAsRead})`),
      db
        .update(tasks)
        .set(
          done
            ? { completedAt: now, completedBy: viewer.userId, updatedAt: now }
            : { completedAt: null, completedBy: null, updatedAt: now },
        )
        .where(eq(tasks.id, taskId)),
      db.insert(activities).values(activity),
      ...touch,
      ...fan.statements,
    ])
  } catch (error) {
    // Someone else completed (or reopened) it at the same moment: it is as asked.
    if (staleWrite(error)) return { leadId: task.leadId, activityId: null }
    throw error
  }
  await fan.afterCommit()
  return { leadId: task.leadId, activityId: activity.id }
}

/** An open task of "My tasks", with its lead. */
export type MyTask = Task & { leadName: string }

/** The open tasks of the unit's viewer on the leads they can see, due soonest first. */
export async function myOpenTasks({ db, viewer }: Unit): Promise<MyTask[]> {
  const rows = await db
    .select({ task: tasks, leadName: leads.name })
    .from(tasks)
    .innerJoin(leads, eq(leads.id, tasks.leadId))
    .where(
      and(
        eq(tasks.orgId, viewer.orgId),
        eq(tasks.assigneeId, viewer.userId),
        isNull(tasks.completedAt),
        visibleLeads(db, viewer),
      ),
    )
    .all()
  const sortKey = (t: Task) => {
    const due = dueOf(t)
    return due?.date ?? (due ? new Date(due.at).toISOString() : '9999')
  }
  return rows.map((r) => ({ ...r.task, leadName: r.leadName })).sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
}
