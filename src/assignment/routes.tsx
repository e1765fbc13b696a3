/** Assignment actions on one lead (CONTRACT.md): assign / unassign / transfer, claim, pool. */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { leadAction } from '../leads/action'
import { viewerOf } from '../orgs/context'
import { formFields } from '../lib/validation'
import { assignLead } from './assign'
import { claimLead } from './claim'
import { setInPool } from './pool'

export const assignmentRoutes = new Hono<App>()

const assignSchema = z.object({
  assigneeId: z.string().trim().max(64).default(''),
  note: z.string().max(2000, 'Keep the handoff note under 2,000 characters').default(''),
})

assignmentRoutes.post('/:leadId/assign', async (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, async () => {
    const parsed = assignSchema.safeParse(await formFields(c))
    if (!parsed.success) throw new Refusal(422, parsed.error.issues[0]!.message)
    await assignLead(c.var.db, viewerOf(c), leadId, parsed.data.assigneeId || null, parsed.data.note)
  })
})

assignmentRoutes.post('/:leadId/claim', (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, () => claimLead(c.var.db, viewerOf(c), leadId))
})

assignmentRoutes.post('/:leadId/pool', async (c) => {
  const leadId = c.req.param('leadId')
  const { inPool } = await formFields(c)
  return leadAction(c, leadId, () => setInPool(c.var.db, viewerOf(c), leadId, inPool === '1'))
})
