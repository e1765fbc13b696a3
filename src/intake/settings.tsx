/**
 * Intake settings (Owners and Admins): `/o/{slug}/settings/intake` (the web form's key, rotated here, its
 * copy-paste HTML snippet and the thank-you URL) and `/o/{slug}/settings/api-keys` (API keys created with a name
 * and shown once, listed by their last four characters, revoked).
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { requireManager, viewerOf } from '../access/context'
import type { App, RefusalPage } from '../env'
import { optionalSingleLine, singleLine } from '../lib/text'
import { parseForm } from '../views/form-input'
import { Field, FieldError, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { refusalPage } from '../views/refusal-page'
import { Time } from '../views/time'
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyListed } from './api-keys'
import { rotateFormKey, setThankYouUrl } from './form-keys'
import { HONEYPOT_FIELD } from './web-form'

export const intakeSettingsRoutes = new Hono<App>()
export const apiKeyRoutes = new Hono<App>()

/** The HTML a customer pastes into their website to post leads to `action`. */
export function formSnippet(action: string): string {
  return `<form method="post" action="${action}">
  <label>Name <input name="name" required></label>
  <label>Email <input name="email" type="email"></label>
  <label>Phone <input name="phone"></label>
  <label>Company <input name="company"></label>
  <label>Message <textarea name="message"></textarea></label>
  <div aria-hidden="true" style="position:absolute;left:-10000px">
    <label>Leave this empty <input name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></label>
  </div>
  <button type="submit">Send</button>
</form>`
}

function BackToSettings() {
  const shell = useShell()
  return (
    <p>
      <a href={`/o/${shell.org.slug}/settings`}>← Settings</a>
    </p>
  )
}

function IntakeSettingsPage(props: {
  appUrl: string
  formKey: string | null
  thankYouUrl: string
  saved?: string
  errors?: FieldErrors
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/settings/intake`
  const formKey = props.formKey
  const action = formKey ? `${props.appUrl.replace(/\/+$/, '')}/f/${formKey}` : null
  return (
    <>
      <section class="card narrow">
        <BackToSettings />
        <h1>Web form</h1>
        {props.saved && (
          <p class="notice" role="status">
            {props.saved}
          </p>
        )}
        {action ? (
          <>
            <p>
              Your website’s form posts leads to <code data-form-action>{action}</code>. Paste this HTML into a page of
              your website (style it as you like; keep the field names and the hidden field):
            </p>
            <label class="field">
              <span>HTML snippet</span>
              <textarea readonly rows={12} data-form-snippet>
                {formSnippet(action)}
              </textarea>
            </label>
          </>
        ) : (
          <p>Your organization has no web form yet: create its address below.</p>
        )}
        <form method="post" action={`${base}/rotate`}>
          <p>
            {action
              ? 'A new address stops the old one from taking leads: every website using it must get the new snippet.'
              : 'Create the address your website’s form posts to.'}
          </p>
          <button type="submit" class={action ? 'secondary' : undefined}>
            {action ? 'Rotate the form key' : 'Create the web form'}
          </button>
        </form>
      </section>
      <section class="card narrow">
        <h2>Thank-you page</h2>
        <form method="post" action={base}>
          <Field
            label="Send visitors here after they post the form (empty: Leadpool’s own thank-you page)"
            name="thankYouUrl"
            type="url"
            value={props.thankYouUrl}
            errors={props.errors}
          />
          <button type="submit">Save</button>
        </form>
      </section>
    </>
  )
}

const thankYouSchema = z.object({
  thankYouUrl: optionalSingleLine('thank-you URL', 2000).refine(
    (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
    'Enter a web address starting with https:// (or leave it empty)',
  ),
})

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
  await setThankYouUrl(c.var.db, c.var.orgContext.org.id, thankYouUrl)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/intake?saved=1`, 303)
})

intakeSettingsRoutes.post('/rotate', async (c) => {
  requireManager(c, 'change settings')
  await rotateFormKey(c.var.db, c.var.orgContext.org.id)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/intake?saved=rotated`, 303)
})

function ApiKeysPage(props: {
  keys: ApiKeyListed[]
  created?: { name: string; key: string }
  errors?: FieldErrors
  name?: string
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/settings/api-keys`
  return (
    <>
      <section class="card narrow">
        <BackToSettings />
        <h1>API keys</h1>
        <p>
          Other systems send leads to <code>/api/v1/leads</code> with a key:{' '}
          <code>Authorization: Bearer &lt;key&gt;</code>. The API is described at{' '}
          <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        </p>
        {props.created && (
          <div class="notice" role="status">
            <p>The key “{props.created.name}” was created. Copy it now: it is not shown again.</p>
            <p>
              <code data-api-key>{props.created.key}</code>
            </p>
          </div>
        )}
        <form method="post" action={base}>
          <Field label="Name (what uses the key)" name="name" value={props.name} errors={props.errors} required />
          <button type="submit">Create a key</button>
        </form>
      </section>
      <section class="card narrow">
        <h2>Keys in use</h2>
        {props.keys.length === 0 ? (
          <p class="empty">No keys yet.</p>
        ) : (
          <table id="api-key-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Created</th>
                <th>Last used</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((k) => (
                <tr data-api-key-id={k.id}>
                  <td>{k.name}</td>
                  <td>…{k.lastFour}</td>
                  <td>
                    <Time at={k.createdAt} />
                  </td>
                  <td>{k.lastUsedAt ? <Time at={k.lastUsedAt} /> : 'never'}</td>
                  <td>
                    <form method="post" action={`${base}/${k.id}/revoke`}>
                      <button type="submit" class="secondary" aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <FieldError errors={props.errors} name="form" />
      </section>
    </>
  )
}

const apiKeySchema = z.object({ name: singleLine('name', 100, 'Name the key (e.g. the system that uses it)') })

async function apiKeysPage(c: Context<App>, extra: Omit<Parameters<typeof ApiKeysPage>[0], 'keys'> = {}) {
  const keys = await listApiKeys(c.var.db, c.var.orgContext.org.id)
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
  return apiKeysPage(c, { errors: refusal.errors, name: values.name })
}

apiKeyRoutes.post('/', refusalPage(apiKeysAgain), async (c) => {
  requireManager(c, 'manage API keys')
  const { name } = await parseForm(c, apiKeySchema)
  const { key } = await createApiKey(c.var.db, c.var.orgContext.org.id, viewerOf(c).userId, name)
  // Shown once, in this answer only (never in a URL or a later page).
  c.status(201)
  return apiKeysPage(c, { created: { name, key } })
})

apiKeyRoutes.post('/:keyId/revoke', async (c) => {
  requireManager(c, 'manage API keys')
  await revokeApiKey(c.var.db, c.var.orgContext.org.id, c.req.param('keyId'))
  return c.redirect(`/o/${c.var.orgContext.org.slug}/settings/api-keys`, 303)
})
