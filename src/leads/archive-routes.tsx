/**
 * `POST /o/{slug}/leads/{leadId}/archive` and `.../restore` (Owners and Admins). A refusal answers
 * with the lead page (views/refusal-page.ts `leadPageOnRefusal`).
 */
import { Hono } from 'hono'
import { requireManager } from '../access/context'
import type { App } from '../env'
import { leadPageOnRefusal } from '../views/refusal-page'
import { setArchived } from './archive'

export const archiveRoutes = new Hono<App>()

for (const action of ['archive', 'restore'] as const) {
  archiveRoutes.post(`/:leadId/${action}`, leadPageOnRefusal(), async (c) => {
    requireManager(c, `${action} leads`)
    const leadId = c.req.param('leadId')
    await setArchived(c.var.unit, leadId, action === 'archive')
    return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
  })
}
