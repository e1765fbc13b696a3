/**
 * `/o/{slug}/preferences`: the member's notification preferences (event × channel, pause all email,
 * daily digest hour in their time zone). Every member edits only their own.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { viewerOf } from '../access/context'
import type { App } from '../env'
import { parseForm } from '../views/form-input'
import { FieldError, type FieldErrors } from '../views/forms'
import { onRefusal } from '../views/render-error'
import { Layout, useShell } from '../views/layout'
import { EVENT_TYPES, eventOf, type EventType } from './events'
import { offeredTypes, preferencesOf, savePreferences, type Preferences } from './preferences'

export const preferenceRoutes = new Hono<App>()

const HOURS = Array.from({ length: 24 }, (_, h) => h)

/** "07:00" */
function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`
}

type PageProps = { prefs: Preferences; types: EventType[]; saved: boolean; errors?: FieldErrors }

function PreferencesPage({ prefs, types, saved, errors }: PageProps) {
  const shell = useShell()
  return (
    <Layout title="Notification preferences">
      <section class="card narrow">
        <h1>Notification preferences</h1>
        {saved && (
          <p class="notice" role="status">
            Preferences saved.
          </p>
        )}
        <p>
          What you are told about in {shell.org.name}, and how. You are never told about your own actions, nor about
          leads you cannot see.
        </p>
        <form method="post" action={`/o/${shell.org.slug}/preferences`}>
          <table class="preferences">
            <caption class="visually-hidden">Channels per event</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">In the app</th>
                <th scope="col">By email</th>
              </tr>
            </thead>
            <tbody>
              {types.map((type) => (
                <tr data-event-type={type}>
                  <th scope="row">{eventOf(type).label}</th>
                  <td>
                    <input
                      type="checkbox"
                      name={`inApp_${type}`}
                      value="1"
                      checked={prefs.channels[type].inApp}
                      aria-label={`${eventOf(type).label}: in the app`}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      name={`email_${type}`}
                      value="1"
                      checked={prefs.channels[type].email}
                      aria-label={`${eventOf(type).label}: by email`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <label class="checkbox">
            <input type="checkbox" name="emailPaused" value="1" checked={prefs.emailPaused} />
            <span>
              <strong>Pause all email.</strong> Nothing is emailed (the digest neither); the app still tells you.
            </span>
          </label>
          <label for="digestHour">Daily digest of unread notifications</label>
          <select id="digestHour" name="digestHour">
            <option value="" selected={prefs.digestHour === null}>
              No digest
            </option>
            {HOURS.map((h) => (
              <option value={String(h)} selected={prefs.digestHour === h}>
                Every day at {hourLabel(h)}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="digestHour" />
          <p class="hint">
            In your time zone, {prefs.timeZone} (<a href="/account">change it</a>). Nothing is sent on a day with
            nothing unread.
          </p>
          <button type="submit">Save preferences</button>
        </form>
      </section>
    </Layout>
  )
}

/** A checkbox: ticked sends `1`, unticked sends nothing (false). */
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === '1')

const preferencesSchema = z.object({
  ...Object.fromEntries(
    EVENT_TYPES.flatMap((type) => [[`inApp_${type}`, checkbox] as const, [`email_${type}`, checkbox] as const]),
  ),
  emailPaused: checkbox,
  digestHour: z
    .enum(['', ...HOURS.map(String)], 'Choose an hour or no digest')
    .optional()
    .transform((v) => (v ? Number(v) : null)),
})

preferenceRoutes.get('/', async (c) => {
  const viewer = viewerOf(c)
  const prefs = await preferencesOf(c.var.db, viewer)
  return c.render(<PreferencesPage prefs={prefs} types={offeredTypes(viewer)} saved={c.req.query('saved') === '1'} />)
})

preferenceRoutes.post('/', async (c) => {
  onRefusal(c, async (refusal) => {
    const viewer = viewerOf(c)
    c.status(refusal.status)
    const prefs = await preferencesOf(c.var.db, viewer)
    return c.render(
      <PreferencesPage prefs={prefs} types={offeredTypes(viewer)} saved={false} errors={refusal.errors} />,
    )
  })
  const input = (await parseForm(c, preferencesSchema)) as Record<string, boolean> & {
    emailPaused: boolean
    digestHour: number | null
  }
  const channels = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      { inApp: input[`inApp_${type}`] === true, email: input[`email_${type}`] === true },
    ]),
  )
  await savePreferences(
    c.var.db,
    viewerOf(c),
    { channels, emailPaused: input.emailPaused, digestHour: input.digestHour },
    Date.now(),
  )
  return c.redirect(`/o/${c.var.orgContext.org.slug}/preferences?saved=1`, 303)
})
