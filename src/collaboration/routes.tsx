/** Working a lead: status changes (notes, communications and tasks arrive here later). */
import { Hono } from 'hono'
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { formFields } from '../lib/validation'
import { authorizeLead, leadAction } from '../leads/action'
import { viewerOf } from '../orgs/context'
import { changeStatus } from './status'

export const collaborationRoutes = new Hono<App>()

const statusSchema = z.object({ status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses') })

collaborationRoutes.post('/:leadId/status', async (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, async () => {
    await authorizeLead(c, leadId, 'edit')
    const parsed = statusSchema.safeParse(await formFields(c))
    if (!parsed.success) throw new Refusal(422, parsed.error.issues[0]!.message)
    await changeStatus(c.var.db, viewerOf(c), leadId, parsed.data.status)
  })
})
