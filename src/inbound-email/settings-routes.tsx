/** `/o/{slug}/settings/email` (Owners and Admins): the inbound address, its rotation, "create a lead from an unknown sender". */
import { Hono } from 'hono'
import { z } from 'zod'
import { requireManager } from '../access/context'
import type { App } from '../env'
import { parseForm } from '../views/form-input'
import { inboundSettings, rotateInboundAddress, setCreateLeads } from './address'
import { InboundSettingsPage } from './settings-page'
import { unmatchedCount } from './unmatched'

export const inboundSettingsRoutes = new Hono<App>()

const SAVED: Record<string, string> = { rotated: 'The organization has a new inbound address.', '1': 'Settings saved.' }

inboundSettingsRoutes.get('/', async (c) => {
  requireManager(c, 'change settings')
  const unit = c.var.unit
  const [settings, unmatched] = await Promise.all([inboundSettings(unit), unmatchedCount(unit)])
  return c.render(
    <InboundSettingsPage
      settings={settings}
      domain={c.env.INBOUND_EMAIL_DOMAIN}
      unmatched={unmatched}
      saved={SAVED[c.req.query('saved') ?? '']}
    />,
    { title: 'Inbound email' },
  )
})

const createLeadsSchema = z.object({ createLeads: z.literal('1').optional() })

inboundSettingsRoutes.post('/', async (c) => {
  requireManager(c, 'change settings')
  const { createLeads } = await parseForm(c, createLeadsSchema)
  await setCreateLeads(c.var.unit, createLeads === '1')
  return c.redirect(`/o/${c.var.unit.org.slug}/settings/email?saved=1`, 303)
})

inboundSettingsRoutes.post('/rotate', async (c) => {
  requireManager(c, 'change settings')
  await rotateInboundAddress(c.var.unit)
  return c.redirect(`/o/${c.var.unit.org.slug}/settings/email?saved=rotated`, 303)
})
