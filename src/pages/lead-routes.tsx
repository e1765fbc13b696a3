/** `GET /o/{slug}/leads/{leadId}`: the lead page, and its "Assigned to" section alone (pages/lead-page.tsx). */
import { Hono } from 'hono'
import type { App } from '../env'
import { assignmentSection, leadPage } from './lead-page'

export const leadPageRoutes = new Hono<App>()

leadPageRoutes.get('/:leadId', (c) => leadPage(c, c.req.param('leadId')))

leadPageRoutes.get('/:leadId/assignment', (c) => assignmentSection(c, c.req.param('leadId')))
