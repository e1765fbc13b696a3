/**
 * After a committed change on a lead, it goes live to the lead's viewers (collaboration/live.tsx), and anyone
 * who can no longer see the lead is disconnected first (collaboration/lead-room.ts `recheck`). Every post on a lead (`/o/{slug}/leads/{leadId}/…`: assignment,
 * claim, release, status, edit, notes, communications, tasks, archive) goes through `publishLeadChanges`; a task
 * completed or reopened from My tasks (`/o/{slug}/tasks/{taskId}/…`) through `publishTaskChanges`; a bulk action
 * (`/o/{slug}/leads/bulk-…`) through `publishBulkChanges`, to the rooms of at most `MAX_BULK_ROOMS` changed leads that
 * have viewers, after the answer is sent. Changes that end access without an activity on the lead (a member's role
 * or deactivation, a session ended) reach open lead pages through the rooms' own re-check every
 * lib/websocket-room.ts `RECHECK_MS`.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AnyUnit } from '../access/unit'
import type { App, Env } from '../env'
import { changedLeads } from '../leads/live-lists'
import { isId } from '../lib/ids'
import { findTask } from '../tasks/tasks'
import { leadRoom, publishLive } from './live'

/** At most this many changed leads' rooms are asked after one bulk action (leads/live-lists.ts `MAX_NAMED_LEADS`). */
export const MAX_BULK_ROOMS = 200

/** Rooms asked at once after a bulk action (each answer is one Durable Object call). */
const ROOMS_AT_ONCE = 10

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

/**
 * Sends the timeline entries written since `since` (epoch ms: the bulk action's clock) to the open pages of the
 * leads of `unit`'s organization changed since then, at most MAX_BULK_ROOMS of them (leads/live-lists.ts
 * `changedLeads`): each lead's room is first asked whether anyone views it (`viewers`, no D1 read), and only a viewed
 * lead's entries are read and sent (`publishLive`), ROOMS_AT_ONCE rooms at a time. A page of a lead beyond the cap
 * shows its entries on its next load or reconnect. Never throws (errors are logged).
 * @returns how many rooms were sent entries
 */
export async function publishToViewedLeads(env: Env, unit: AnyUnit, since: number): Promise<number> {
  try {
    const { ids } = await changedLeads(unit.db, unit.org.id, since)
    const queue = ids.slice(0, MAX_BULK_ROOMS)
    let sent = 0
    const worker = async () => {
      for (let leadId = queue.shift(); leadId; leadId = queue.shift()) {
        if ((await leadRoom(env, leadId).viewers()).length === 0) continue
        await publishLive(env, unit, { leadId, since })
        sent++
      }
    }
    await Promise.all(Array.from({ length: ROOMS_AT_ONCE }, worker))
    return sent
  } catch (error) {
    console.error('bulk live broadcast failed', unit.org.id, error)
    return 0
  }
}

/**
 * Middleware for the bulk actions (`/o/{slug}/leads/bulk-…`): after a post that succeeded (below 400),
 * `publishToViewedLeads` since the request unit's clock, after the answer is sent (`waitUntil`): the list page does
 * not wait for the lead pages.
 */
export function publishBulkChanges(): MiddlewareHandler<App> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next()
    await next()
    if (c.res.status < 400) c.executionCtx.waitUntil(publishToViewedLeads(c.env, c.var.unit, c.var.unit.now))
  }
}
