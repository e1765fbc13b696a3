/**
 * The feed (`/o/{slug}/notifications`), marking read (`POST …/notifications/read` with `id` or
 * `all=1`), and the badge fragment the header polls (`GET …/notifications/count`).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { parseForm } from '../views/form-input'
import { NotificationBadge } from '../views/notification-badge'
import { feedPage, markAllRead, markRead } from './feed'
import { FeedPageView } from './views'
import { feedFiltersSchema } from './feed-filters'
import { offeredTypes } from './preferences'

export const notificationRoutes = new Hono<App>()

/** A feed cursor: a notification id (UUID text). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

notificationRoutes.get('/', async (c) => {
  const cursor = c.req.query('cursor')
  if (cursor !== undefined && !UUID.test(cursor)) throw new Refusal(422, 'This page link is broken: open the newest.')
  const unit = c.var.unit
  const filters = feedFiltersSchema.parse(c.req.query())
  const page = await feedPage(unit, cursor, filters)
  return c.render(
    <FeedPageView page={page} first={cursor === undefined} filters={filters} types={offeredTypes(unit.viewer)} />,
    { title: 'Notifications', liveList: 'feed' },
  )
})

notificationRoutes.get('/count', (c) => {
  const { org, unread } = c.var.orgContext
  return c.html(<NotificationBadge slug={org.slug} unread={unread} />)
})

const readSchema = z.union([
  z.object({ all: z.literal('1') }),
  z.object({ id: z.string().regex(UUID, 'Choose a notification') }),
])

// A reload of the address of a post lands on the feed.
notificationRoutes.get('/read', (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/notifications`, 303))

notificationRoutes.post('/read', async (c) => {
  const input = await parseForm(c, readSchema)
  if ('all' in input) await markAllRead(c.var.unit)
  else await markRead(c.var.unit, input.id)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/notifications`, 303)
})
