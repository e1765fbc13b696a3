/** `/o/{slug}/pool`: the unassigned pool, leads opened to the team for claiming. */
import { Hono } from 'hono'
import type { App } from '../env'
import { notFound } from '../lib/errors'
import { listLeads } from '../leads/leads'
import { isManager } from '../access/viewer'
import { viewerOf } from '../access/context'
import { PoolPage } from './views'

export const poolRoutes = new Hono<App>()

poolRoutes.get('/', async (c) => {
  const viewer = viewerOf(c)
  // Agents know the pool only when the organization opens it to them.
  if (!isManager(viewer) && !viewer.poolEnabled) throw notFound()
  const cursor = c.req.query('cursor')?.slice(0, 64)
  const page = await listLeads(c.var.db, viewer, { assignee: 'pool', cursor })
  return c.render(<PoolPage page={page} cursor={cursor} />)
})
