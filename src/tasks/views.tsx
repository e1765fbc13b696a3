/**
 * The views of tasks: a task's line (in the lead page's Tasks section, collaboration/views.tsx, and in My tasks),
 * and the My tasks page.
 */
import { dueOf, formatDue, type DueBucket } from '../lib/due'
import { formatInstant } from '../lib/zoned-time'
import { useShell } from '../views/layout'
import type { MyTask, TaskView } from './tasks'

const BUCKET_LABELS: Record<DueBucket, string> = { overdue: 'Overdue', today: 'Today', upcoming: 'Upcoming' }

/** A task's line: title, due date in the viewer's terms, assignee, and its complete / reopen button. */
export function TaskLine({
  task,
  orgBase,
  timeZone,
  lead,
  bucket,
}: {
  task: TaskView
  orgBase: string
  timeZone: string
  /** The task's lead, shown with a link (My tasks). */
  lead?: { id: string; name: string }
  /** Where it stands for its assignee (My tasks). */
  bucket?: DueBucket
}) {
  const due = dueOf(task)
  const done = task.completedAt !== null
  return (
    <li data-task-id={task.id} data-done={done ? 'true' : 'false'} data-due={bucket}>
      {bucket && <span class={`due due-${bucket}`}>{BUCKET_LABELS[bucket]}</span>}{' '}
      <span class={done ? 'done' : undefined}>{task.title}</span>
      {lead && (
        <>
          {' '}
          on <a href={`${orgBase}/leads/${lead.id}`}>{lead.name}</a>
        </>
      )}
      {due && <span class="muted"> · due {formatDue(due, timeZone)}</span>}
      <span class="muted"> · {task.assigneeName}</span>
      {done && task.completedAt !== null && (
        <span class="muted">
          {' '}
          · done by {task.completedByName ?? 'someone'} on {formatInstant(task.completedAt, timeZone)}
        </span>
      )}{' '}
      <form
        method="post"
        action={`${orgBase}/tasks/${task.id}/${done ? 'reopen' : 'complete'}${lead ? '?from=tasks' : ''}`}
        class="inline"
        hx-boost="true"
      >
        <button type="submit" class="secondary">
          {done ? 'Reopen' : 'Complete'}
        </button>
      </form>
    </li>
  )
}

/** `GET /o/{slug}/tasks`: the viewer's open tasks, overdue first, then today, then upcoming. */
export function MyTasksPage({
  groups,
  timeZone,
}: {
  groups: { bucket: DueBucket; tasks: MyTask[] }[]
  timeZone: string
}) {
  const orgBase = `/o/${useShell().org.slug}`
  const empty = groups.every((g) => g.tasks.length === 0)
  return (
    <section class="card" id="my-tasks">
      <h1>My tasks</h1>
      <p class="muted">Your open tasks on the leads you can see. Times in {timeZone}.</p>
      {empty && <p class="empty">No open tasks.</p>}
      <ol id="task-list" class="tasks">
        {groups.map((g) =>
          g.tasks.map((t) => (
            <TaskLine
              task={{ ...t, assigneeName: 'you', completedByName: null }}
              bucket={g.bucket}
              orgBase={orgBase}
              timeZone={timeZone}
              lead={{ id: t.leadId, name: t.leadName }}
            />
          )),
        )}
      </ol>
    </section>
  )
}
