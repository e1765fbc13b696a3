/** `/o/{slug}/settings/speed` (Owners and Admins): business hours and the first-touch target (docs/ARCHITECTURE.md "Speed to lead"). */
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { requireManager } from '../access/context'
import type { Unit } from '../access/unit'
import { organizations } from '../db/schema'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { SpeedSettingsPage } from './speed-settings-page'
import { speedSettingsSchema, type SpeedSettings } from './speed-settings-schema'

export const speedSettingsRoutes = new Hono<App>()

/** Saves `settings` as the unit's organization's, stamped with its clock. The caller checked the viewer manages. */
export async function saveSpeedSettings(unit: Unit, settings: SpeedSettings): Promise<void> {
  await unit.db
    .update(organizations)
    .set({ ...settings, updatedAt: unit.now })
    .where(eq(organizations.id, unit.org.id))
}

speedSettingsRoutes.get('/', (c) => {
  requireManager(c, 'change settings')
  return c.render(<SpeedSettingsPage org={c.var.orgContext.org} saved={c.req.query('saved') === '1'} />, {
    title: 'Speed to lead settings',
  })
})

/** The form again, as sent (the weekdays as ticked), with the refusal's messages. */
const speedSettingsAgain: RefusalPage = async (c, refusal, values) => {
  requireManager(c, 'change settings')
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const days = [body.businessDays].flat().filter((v): v is string => typeof v === 'string')
  c.status(refusal.status)
  return c.render(
    <SpeedSettingsPage org={c.var.orgContext.org} values={values} days={days} errors={refusal.errors} />,
    {
      title: 'Speed to lead settings',
    },
  )
}

speedSettingsRoutes.post('/', refusalPage(speedSettingsAgain), async (c) => {
  requireManager(c, 'change settings')
  await saveSpeedSettings(c.var.unit, await parseForm(c, speedSettingsSchema))
  return c.redirect(`/o/${c.var.unit.org.slug}/settings/speed?saved=1`, 303)
})
