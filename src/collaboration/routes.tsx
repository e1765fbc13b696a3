/**
 * Working a lead: status changes (notes, communications and tasks arrive here later). A refusal
 * answers with the lead page (pages/lead-page.tsx `leadPageOnRefusal`).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { viewerOf } from '../access/context'
import { LEAD_STATUSES } from '../db/schema'
import type { App } from '../env'
import { authorizeLead } from '../leads/authorize'
import { fanOutContext } from '../notifications/context'
import { parseForm } from '../views/form-input'
import { changeStatus } from './status'

export const collaborationRoutes = new Hono<App>()

const statusSchema = z.object({ status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses') })

collaborationRoutes.post('/:leadId/status', async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation: 403 for a viewer who may only read the lead, whatever the form holds.
  await authorizeLead(c, leadId, 'edit')
  const { status } = await parseForm(c, statusSchema)
  await changeStatus(c.var.db, viewerOf(c), leadId, status, fanOutContext(c))
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
})
