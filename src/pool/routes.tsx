/** `/o/{slug}/pool`: the unassigned pool, leads opened to the team for claiming. */
import { Hono } from 'hono'
import type { App } from '../env'
import { isId } from '../lib/ids'
import { poolPage } from './page'

export const poolRoutes = new Hono<App>()

poolRoutes.get('/', async (c) => {
  // A malformed cursor (not an id) is dropped, as the list's filters are: the first page opens.
  const cursor = c.req.query('cursor')
  if (cursor !== undefined && !isId(cursor)) return c.redirect(`/o/${c.var.orgContext.org.slug}/pool`, 303)
  return poolPage(c, { cursor })
})
