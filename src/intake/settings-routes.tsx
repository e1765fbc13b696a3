/**
 * Intake settings (Owners and Admins): `/o/{slug}/settings/intake` (the web form's key, rotated here, its
 * copy-paste HTML snippet and the thank-you URL) and `/o/{slug}/settings/api-keys` (API keys created with a name
 * and shown once, listed by their last four characters, revoked).
 */
import { Hono, type Context } from 'hono'
import { requireManager } from '../access/context'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys'
import { rotateFormKey, setThankYouUrl } from './form-keys'
import { ApiKeysPage, IntakeSettingsPage } from './settings-pages'
import { apiKeySchema, thankYouSchema } from './settings-schema'

export const intakeSettingsRoutes = new Hono<App>()
export const apiKeyRoutes = new Hono<App>()

intakeSettingsRoutes.get('/', (c) => {
  requireManager(c, 'change settings')
  const saved = c.req.query('saved')
  const message = saved === 'rotated' ? 'The web form has a new address.' : saved ? 'Settings saved.' : undefined
  return c.render(
    <IntakeSettingsPage
      appUrl={c.env.APP_URL}
      formKey={c.var.orgContext.org.formKey}
      thankYouUrl={c.var.orgContext.org.thankYouUrl}
      saved={message}
    />,
    { title: 'Web form settings' },
  )
})

/** The web form settings again, with the address typed and the refusal's messages (to Owners and Admins only). */
const intakeSettingsAgain: RefusalPage = (c, refusal, values) => {
  requireManager(c, 'change settings')
  c.status(refusal.status)
  return c.render(
    <IntakeSettingsPage
      appUrl={c.env.APP_URL}
      formKey={c.var.orgContext.org.formKey}
      thankYouUrl={values.thankYouUrl ?? ''}
      errors={refusal.errors}
    />,
    { title: 'Web form settings' },
  )
}

intakeSettingsRoutes.post('/', refusalPage(intakeSettingsAgain), async (c) => {
  requireManager(c, 'change settings')
  const { thankYouUrl } = await parseForm(c, thankYouSchema)
  await setThankYouUrl(c.var.unit, thankYouUrl)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/intake?saved=1`, 303)
})

intakeSettingsRoutes.post('/rotate', async (c) => {
  requireManager(c, 'change settings')
  await rotateFormKey(c.var.unit)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/intake?saved=rotated`, 303)
})

async function apiKeysPage(c: Context<App>, extra: Omit<Parameters<typeof ApiKeysPage>[0], 'keys'> = {}) {
  const keys = await listApiKeys(c.var.unit)
  return c.render(<ApiKeysPage keys={keys} {...extra} />, { title: 'API keys' })
}

apiKeyRoutes.get('/', (c) => {
  requireManager(c, 'manage API keys')
  return apiKeysPage(c)
})

/** The API keys page again, with the name typed and the refusal's messages (to Owners and Admins only). */
const apiKeysAgain: RefusalPage = (c, refusal, values) => {
  requireManager(c, 'manage API keys')
  c.status(refusal.status)
  return apiKeysPage(c, { errors: refusal.errors, values })
}

apiKeyRoutes.post('/', refusalPage(apiKeysAgain), async (c) => {
  requireManager(c, 'manage API keys')
  const { name, scopes } = await parseForm(c, apiKeySchema)
  const { key } = await createApiKey(c.var.unit, name, scopes)
  // Shown once, in this answer only (never in a URL or a later page).
  c.status(201)
  return apiKeysPage(c, { created: { name, key } })
})

apiKeyRoutes.post('/:keyId/revoke', async (c) => {
  requireManager(c, 'manage API keys')
  await revokeApiKey(c.var.unit, c.req.param('keyId'))
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/api-keys`, 303)
})
