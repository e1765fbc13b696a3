/**
 * After a committed change on a lead, it goes live to the lead's viewers (collaboration/live.tsx), and anyone
 * who can no longer see the lead is disconnected first (collaboration/lead-room.ts `recheck`). Every post on a lead (`/o/{slug}/leads/{leadId}/…`: assignment,
 * claim, release, status, edit, notes, communications, tasks, archive) goes through `publishLeadChanges`; a task
 * completed or reopened from My tasks (`/o/{slug}/tasks/{taskId}/…`) through `publishTaskChanges`. Changes to many
 * leads at once (bulk actions, a member's role or deactivation, a session ended) reach open lead pages through the
 * rooms' own re-check every lib/websocket-room.ts `RECHECK_MS`, and their timeline entries on the next load.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../env'
import { isId } from '../lib/ids'
import { findTask } from '../tasks/tasks'
import { publishLive } from './live'

/**
 * Broadcasts the activities of lead `leadId` written since `since` (epoch ms: the request unit's clock, which
 * stamps its change) to its viewers, disconnecting anyone who can no longer see the lead. Never throws (the change
 * is saved).
 */
function publish(c: Context<App>, leadId: string, since: number): Promise<void> {
  return publishLive(c.env, c.var.unit, { leadId, since })
}

/**
 * Middleware for `/o/{slug}/leads/{leadId}/*`: after a post that succeeded (below 400), `publish` the lead's
 * change. Posts that are not about one lead (`/leads/import/…`) pass through.
 */
export function publishLeadChanges(): MiddlewareHandler<App> {
  return async (c, next) => {
    const leadId = c.req.param('leadId')
    if (c.req.method !== 'POST' || !leadId || !isId(leadId)) return next()
    await next()
    if (c.res.status < 400) await publish(c, leadId, c.var.unit.now)
  }
}

/**
 * Middleware for `/o/{slug}/tasks/{taskId}/*` (completing or reopening a task from My tasks): after a post that
 * succeeded, `publish` the change of the task's lead.
 */
export function publishTaskChanges(): MiddlewareHandler<App> {
  return async (c, next) => {
    const taskId = c.req.param('taskId')
    if (c.req.method !== 'POST' || !taskId || !isId(taskId)) return next()
    await next()
    if (c.res.status >= 400) return
    const leadId = await findTask(c.var.unit, taskId).then(
      (task) => task.leadId,
      (error: unknown) => void console.error('live change not published', taskId, error),
    )
    if (leadId) await publish(c, leadId, c.var.unit.now)
  }
}
