/** After a committed change on a lead: its new timeline entries go live to the lead's viewers (activity/live.tsx). */
import type { Context } from 'hono'
import { viewerOf } from '../access/context'
import { publishActivities } from '../activity/live'
import type { App } from '../env'
import { whoCanSee } from '../leads/policy'

/**
 * Broadcasts activities `ids` (nulls, changes that changed nothing, are skipped) of lead `leadId`
 * to its viewers, disconnecting anyone who can no longer see the lead. Never throws.
 */
export async function publish(c: Context<App>, leadId: string, ids: (string | null)[]): Promise<void> {
  const committed = ids.filter((id): id is string => id !== null)
  if (committed.length === 0) return
  const viewer = viewerOf(c)
  const allowed = (await whoCanSee(c.var.db, viewer, leadId)).map((m) => m.userId)
  await publishActivities(c.env, c.var.db, viewer.orgId, leadId, committed, allowed)
}
