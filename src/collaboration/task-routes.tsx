/** `/o/{slug}/tasks`: "My tasks", and completing / reopening a task (`POST /tasks/{taskId}/complete|reopen`). */
import { Hono } from 'hono'
import { viewerOf, viewerTimeZone } from '../access/context'
import type { App } from '../env'
import { dueBucket, dueOf, type DueBucket } from '../lib/due'
import { fanOutContext } from '../notifications/context'
import { MyTasksPage } from './pages'
import { publish } from './publish'
import { myOpenTasks, setTaskDone, type MyTask } from './tasks'

export const taskRoutes = new Hono<App>()

const BUCKETS: DueBucket[] = ['overdue', 'today', 'upcoming']

taskRoutes.get('/', async (c) => {
  const viewer = viewerOf(c)
  const tasks = await myOpenTasks(c.var.db, viewer)
  const timeZone = viewerTimeZone(c)
  const now = Date.now()
  const byBucket = new Map<DueBucket, MyTask[]>(BUCKETS.map((b) => [b, []]))
  for (const task of tasks) {
    const due = dueOf(task)
    byBucket.get(due ? dueBucket(due, now, timeZone) : 'upcoming')!.push(task)
  }
  return c.render(
    <MyTasksPage groups={BUCKETS.map((bucket) => ({ bucket, tasks: byBucket.get(bucket)! }))} timeZone={timeZone} />,
    { title: 'My tasks' },
  )
})

taskRoutes.post('/:taskId/:action{complete|reopen}', async (c) => {
  const done = c.req.param('action') === 'complete'
  const since = Date.now()
  const { leadId } = await setTaskDone(c.var.db, viewerOf(c), c.req.param('taskId'), done, fanOutContext(c))
  // Not a post on a lead's path, so not published by the middleware (collaboration/publish.ts).
  await publish(c, leadId, since)
  const slug = c.var.orgContext.org.slug
  return c.redirect(c.req.query('from') === 'tasks' ? `/o/${slug}/tasks` : `/o/${slug}/leads/${leadId}#tasks`, 303)
})
