/**
 * Intake settings (Owners and Admins): `/o/{slug}/settings/intake` (the web form's key, rotated here, its
 * copy-paste HTML snippet and the thank-you URL) and `/o/{slug}/settings/api-keys` (API keys created with a name
 * and shown once, listed by their last four characters, revoked).
 */
import { Hono, type Context } from 'hono'
import { requireManager } from '../access/context'
import type { App } from '../env'
import { parseForm } from '../views/form-input'
import { onRefusal } from '../views/render-error'
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

intakeSettingsRoutes.post('/', async (c) => {
  requireManager(c, 'change settings')
  onRefusal(c, (refusal, values) => {
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
  })
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

apiKeyRoutes.post('/', async (c) => {
  requireManager(c, 'manage API keys')
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    return apiKeysPage(c, { errors: refusal.errors, name: values.name })
  })
  const { name } = await parseForm(c, apiKeySchema)
  const { key } = await createApiKey(c.var.unit, name)
  // Shown once, in this answer only (never in a URL or a later page).
  c.status(201)
  return apiKeysPage(c, { created: { name, key } })
})

apiKeyRoutes.post('/:keyId/revoke', async (c) => {
  requireManager(c, 'manage API keys')
  await revokeApiKey(c.var.unit, c.req.param('keyId'))
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/api-keys`, 303)
})
