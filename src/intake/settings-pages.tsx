/**
 * The intake settings pages: the web form (`GET /o/{slug}/settings/intake`: its address, copy-paste HTML snippet
 * and thank-you URL) and the API keys (`GET /o/{slug}/settings/api-keys`).
 */
import { API_SCOPES, type ApiScope } from '../db/schema'
import { Field, FieldError, ticked, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import type { ApiKeyListed } from './api-keys'
import { HONEYPOT_FIELD } from './web-form'

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

/**
 * The web form's settings: its address at `appUrl` (none yet when `formKey` is null), the snippet, the button that
 * creates or rotates it, and the thank-you URL form; `saved` says what the last post did.
 */
export function IntakeSettingsPage(props: {
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

/** What each scope lets a key do, as the API keys page says it. */
const SCOPE_LABELS: Record<ApiScope, string> = {
  read: 'Read leads and members',
  write: 'Create and change leads, add notes and communications',
  assign: 'Assign, unassign and put leads in the pool',
}

/**
 * The API keys: the form creating one (`created`: the key just made, shown this once; `values`: a refused form's
 * fields, shown again) and the keys in use with their scopes.
 */
export function ApiKeysPage(props: {
  keys: ApiKeyListed[]
  created?: { name: string; key: string }
  errors?: FieldErrors
  values?: Record<string, string>
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
          <Field
            label="Name (what uses the key)"
            name="name"
            value={props.values?.name}
            errors={props.errors}
            required
          />
          <fieldset>
            <legend>The key may</legend>
            {API_SCOPES.map((scope) => (
              <label class="checkbox">
                <input
                  type="checkbox"
                  name={`scope_${scope}`}
                  value="1"
                  checked={ticked(props.values, `scope_${scope}`, true)}
                />
                <span>{SCOPE_LABELS[scope]}</span>
              </label>
            ))}
            <FieldError errors={props.errors} name="scopes" />
          </fieldset>
          <button type="submit">Create a key</button>
        </form>
      </section>
      <section class="card narrow">
        <h2>Keys in use</h2>
        {props.keys.length === 0 ? (
          <p class="empty">No keys yet.</p>
        ) : (
          <table id="api-key-list" class="cards">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>May</th>
                <th>Created</th>
                <th>Last used</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((k) => (
                <tr data-api-key-id={k.id}>
                  <td data-label="Name">{k.name}</td>
                  <td data-label="Key">…{k.lastFour}</td>
                  <td data-label="May" data-api-key-scopes>
                    {k.scopes.join(', ')}
                  </td>
                  <td data-label="Created">
                    <Time at={k.createdAt} />
                  </td>
                  <td data-label="Last used">{k.lastUsedAt ? <Time at={k.lastUsedAt} /> : 'never'}</td>
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
