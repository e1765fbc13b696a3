/** `/o/{slug}/settings` (docs/ARCHITECTURE.md): organization settings, for Owners and Admins. */
import { Hono } from 'hono'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { requireManager } from '../access/context'
import { refusalPage } from '../views/refusal-page'
import { SettingsPage } from './settings-page'
import { settingsSchema } from './settings-schema'
import { saveOrgSettings } from './settings-writes'

export const settingsRoutes = new Hono<App>()

settingsRoutes.get('/', (c) => {
  requireManager(c, 'change settings')
  return c.render(<SettingsPage saved={c.req.query('saved') === '1'} />, { title: 'Settings' })
})

/** The settings form again, as sent, with the refusal's messages (to Owners and Admins: an Agent gets the error page). */
const settingsAgain: RefusalPage = (c, refusal, values) => {
  requireManager(c, 'change settings')
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  // A body that could not be read (no fields) shows the settings as saved.
  const sent = Object.keys(values).length > 0 ? values : undefined
  return c.render(<SettingsPage saved={false} values={sent} errors={refusal.errors} alert={alert} />, {
    title: 'Settings',
  })
}

settingsRoutes.post('/', refusalPage(settingsAgain), async (c) => {
  requireManager(c, 'change settings')
  await saveOrgSettings(c.var.unit, await parseForm(c, settingsSchema))
  // The pool closed to Agents ends their pool pages' sockets at once (pool/pool-room.ts `recheck`); their lead pages'
  // within the rooms' re-check. A failure is logged: the settings are saved, and the re-check comes anyway.
  await c.env.POOL_ROOM.get(c.env.POOL_ROOM.idFromName(c.var.unit.org.id))
    .recheck()
    .catch((error: unknown) => console.error('pool sockets not re-checked', error))
  return c.redirect(`/o/${c.var.unit.org.slug}/settings?saved=1`, 303)
})
