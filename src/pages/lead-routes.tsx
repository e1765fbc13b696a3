/** `GET /o/{slug}/leads/{leadId}`: the lead page (pages/lead-page.tsx). */
import { Hono } from 'hono'
import type { App } from '../env'
import { leadPage } from './lead-page'

export const leadPageRoutes = new Hono<App>()

leadPageRoutes.get('/:leadId', (c) => leadPage(c, c.req.param('leadId')))
