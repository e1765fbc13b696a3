/**
 * `/o/{slug}/tasks`: "My tasks", and completing / reopening a task (`POST /tasks/{taskId}/complete|reopen`; the
 * change goes live on the lead's page through collaboration/publish.ts `publishTaskChanges`, mounted in src/app.ts).
 */
import { Hono } from 'hono'
import { viewerTimeZone } from '../access/context'
import type { App } from '../env'
import { dueBucket, dueOf, type DueBucket } from '../lib/due'
import { myOpenTasks, setTaskDone, type MyTask } from './tasks'
import { MyTasksPage } from './views'

export const taskRoutes = new Hono<App>()

const BUCKETS: DueBucket[] = ['overdue', 'today', 'upcoming']

taskRoutes.get('/', async (c) => {
  const unit = c.var.unit
  const tasks = await myOpenTasks(unit)
  const timeZone = viewerTimeZone(c)
  const byBucket = new Map<DueBucket, MyTask[]>(BUCKETS.map((b) => [b, []]))
  for (const task of tasks) {
    const due = dueOf(task)
    byBucket.get(due ? dueBucket(due, unit.now, timeZone) : 'upcoming')!.push(task)
  }
  return c.render(
    <MyTasksPage groups={BUCKETS.map((bucket) => ({ bucket, tasks: byBucket.get(bucket)! }))} timeZone={timeZone} />,
    { title: 'My tasks', liveList: 'tasks' },
  )
})

taskRoutes.post('/:taskId/:action{complete|reopen}', async (c) => {
  const done = c.req.param('action') === 'complete'
  const { leadId } = await setTaskDone(c.var.unit, c.req.param('taskId'), done)
  const slug = c.var.unit.org.slug
  return c.redirect(c.req.query('from') === 'tasks' ? `/o/${slug}/tasks` : `/o/${slug}/leads/${leadId}#tasks`, 303)
})
