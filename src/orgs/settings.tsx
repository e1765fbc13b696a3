/** `/o/{slug}/settings` (docs/ARCHITECTURE.md): organization settings, for Owners and Admins. */
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { organizations } from '../db/schema'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { Field, ticked } from '../views/forms'
import { useShell } from '../views/layout'
import { requireManager } from '../access/context'
import { refusalPage } from '../views/refusal-page'

export const settingsRoutes = new Hono<App>()

function SettingsPage({
  saved,
  values,
  errors,
  alert,
}: {
  saved: boolean
  /** The fields of a refused save, shown as sent (boxes ticked or not, the hours). */
  values?: Record<string, string>
  errors?: Record<string, string>
  /** A refusal of the whole form (e.g. a body that is not UTF-8), shown above it. */
  alert?: string
}) {
  const shell = useShell()
  return (
    <>
      <section class="card narrow">
        <h1>Settings</h1>
        {saved && (
          <p class="notice notice-success" role="status">
            Settings saved.
          </p>
        )}
        {alert && (
          <p class="notice notice-error" role="alert" data-error-for="form">
            {alert}
          </p>
        )}
        <form
          id="settings-form"
          method="post"
          action={`/o/${shell.org.slug}/settings`}
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <label class="checkbox">
            <input
              type="checkbox"
              name="poolEnabled"
              value="1"
              checked={ticked(values, 'poolEnabled', shell.org.poolEnabled)}
            />
            <span>
              <strong>Agents can see and claim the unassigned pool.</strong> Owners and Admins put leads into the pool;
              any Agent can claim one, and the first claim wins. When off, only Owners and Admins see pool leads.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="multipleAssignees"
              value="1"
              checked={ticked(values, 'multipleAssignees', shell.org.multipleAssignees)}
            />
            <span>
              <strong>Multiple assignees.</strong> A lead keeps one primary owner and may have collaborators, who see
              it, count it as theirs and work it. Turning this off keeps existing collaborators, read-only.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="handoffNoteRequired"
              value="1"
              checked={ticked(values, 'handoffNoteRequired', shell.org.handoffNoteRequired)}
            />
            <span>
              <strong>Require a handoff note</strong> when a lead changes hands: reassigned from one person to another,
              or unassigned and assigned to someone else within an hour.
            </span>
          </label>
          <label class="checkbox">
            <input
              type="checkbox"
              name="agentsMayHandOff"
              value="1"
              checked={ticked(values, 'agentsMayHandOff', shell.org.agentsMayHandOff)}
            />
            <span>
              <strong>Agents may hand their own leads to a teammate.</strong> When off, an Agent asks the Owners and
              Admins to reassign the lead instead.
            </span>
          </label>
          <Field
            label="Hours a new owner has to acknowledge a handoff (“Got it”) before they are reminded once and it is listed under Handoffs waiting"
            name="handoffAckHours"
            type="number"
            value={values?.handoffAckHours ?? String(shell.org.handoffAckHours)}
            errors={errors}
            required
          />
          <button type="submit">Save settings</button>
        </form>
      </section>
      <section class="card narrow">
        <h2>More settings</h2>
        <ul>
          <li>
            <a href={`/o/${shell.org.slug}/settings/pool`}>Pool and routing</a>: claim cap, oldest leads shown, aging,
            where new leads go
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/intake`}>Web form</a>: the form key, its HTML snippet, the thank-you
            page
          </li>
          <li>
            <a href={`/o/${shell.org.slug}/settings/api-keys`}>API keys</a> for the JSON API
          </li>
        </ul>
      </section>
    </>
  )
}

settingsRoutes.get('/', (c) => {
  requireManager(c, 'change settings')
  return c.render(<SettingsPage saved={c.req.query('saved') === '1'} />, { title: 'Settings' })
})

/** A checkbox: ticked sends `1`, unticked sends nothing (false). */
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === '1')

const settingsSchema = z.object({
  poolEnabled: checkbox,
  multipleAssignees: checkbox,
  handoffNoteRequired: checkbox,
  agentsMayHandOff: checkbox,
  /** Left out: unchanged. */
  handoffAckHours: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(
      z.coerce
        .number<string | undefined>({ error: 'Enter a number of hours' })
        .int('Enter a whole number of hours')
        .min(1, 'At least 1 hour')
        .max(720, 'At most 720 hours (30 days)')
        .optional(),
    ),
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
  const settings = await parseForm(c, settingsSchema)
  const org = c.var.orgContext.org
  await c.var.db
    .update(organizations)
    .set({ ...settings, handoffAckHours: settings.handoffAckHours ?? org.handoffAckHours, updatedAt: Date.now() })
    .where(eq(organizations.id, org.id))
  return c.redirect(`/o/${org.slug}/settings?saved=1`, 303)
})
