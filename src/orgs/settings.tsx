/** `/o/{slug}/settings` (docs/ARCHITECTURE.md): organization settings, for Owners and Admins. */
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import { organizations } from '../db/schema'
import type { App } from '../env'
import { parseForm } from '../views/form-input'
import { Layout, useShell } from '../views/layout'
import { requireManager } from '../access/context'

export const settingsRoutes = new Hono<App>()

function SettingsPage({ saved }: { saved: boolean }) {
  const shell = useShell()
  return (
    <Layout title="Settings">
      <section class="card narrow">
        <h1>Settings</h1>
        {saved && (
          <p class="notice notice-success" role="status">
            Settings saved.
          </p>
        )}
        <form method="post" action={`/o/${shell.org.slug}/settings`} hx-boost="true" hx-disabled-elt="find button">
          <label class="checkbox">
            <input type="checkbox" name="poolEnabled" value="1" checked={shell.org.poolEnabled} />
            <span>
              <strong>Agents can see and claim the unassigned pool.</strong> Owners and Admins put leads into the pool;
              any Agent can claim one, and the first claim wins. When off, only Owners and Admins see pool leads.
            </span>
          </label>
          <label class="checkbox">
            <input type="checkbox" name="multipleAssignees" value="1" checked={shell.org.multipleAssignees} />
            <span>
              <strong>Multiple assignees.</strong> A lead keeps one primary owner and may have collaborators, who see
              it, count it as theirs and work it. Turning this off keeps existing collaborators, read-only.
            </span>
          </label>
          <label class="checkbox">
            <input type="checkbox" name="handoffNoteRequired" value="1" checked={shell.org.handoffNoteRequired} />
            <span>
              <strong>Require a handoff note</strong> when a lead is reassigned from one person to another.
            </span>
          </label>
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
    </Layout>
  )
}

settingsRoutes.get('/', (c) => {
  requireManager(c, 'change settings')
  return c.render(<SettingsPage saved={c.req.query('saved') === '1'} />)
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
})

settingsRoutes.post('/', async (c) => {
  requireManager(c, 'change settings')
  const settings = await parseForm(c, settingsSchema)
  const org = c.var.orgContext.org
  await c.var.db
    .update(organizations)
    .set({ ...settings, updatedAt: Date.now() })
    .where(eq(organizations.id, org.id))
  return c.redirect(`/o/${org.slug}/settings?saved=1`, 303)
})
