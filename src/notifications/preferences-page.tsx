/**
 * `/o/{slug}/preferences`: the member's notification preferences (event × channel, pause all email,
 * daily digest hour in their time zone). Every member edits only their own.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { FieldError, ticked, type FieldErrors } from '../views/forms'
import { refusalPage } from '../views/refusal-page'
import { useShell } from '../views/layout'
import { EVENT_TYPES, eventOf, type EventType } from './events'
import { offeredTypes, preferencesOf, savePreferences, type Preferences } from './preferences'
import { latestTestEmail, sendTestEmail } from './test-email'
import { TestEmailSection } from './test-email-views'
import { awayFormSchema, awayUntil, markAway, markBack } from '../orgs/away'
import { AwayControls } from '../orgs/away-views'
import { setWorkingHours, workingHoursColumns, workingHoursSchema } from '../orgs/working-hours'
import { WorkingHoursForm } from '../orgs/working-hours-views'
import { viewerTimeZone } from '../access/context'
import { isManager } from '../access/viewer'

export const preferenceRoutes = new Hono<App>()

const HOURS = Array.from({ length: 24 }, (_, h) => h)

/** "07:00" */
function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`
}

type PageProps = {
  prefs: Preferences
  types: EventType[]
  saved: boolean
  errors?: FieldErrors
  /** The fields of a refused save, shown as sent. */
  values?: Record<string, string>
  testEmail: Parameters<typeof TestEmailSection>[0]
  /** The member's away controls (orgs/away-views.tsx), without where they post. */
  away: Omit<Parameters<typeof AwayControls>[0], 'action' | 'who'>
  /** The member's working-hours form (orgs/working-hours-views.tsx), without where it posts. */
  hours: Omit<Parameters<typeof WorkingHoursForm>[0], 'action' | 'who'>
}

function PreferencesPage({ prefs, types, saved, errors, values, testEmail, away, hours }: PageProps) {
  const shell = useShell()
  const digestHour = values ? (values.digestHour ?? '') : prefs.digestHour === null ? '' : String(prefs.digestHour)
  return (
    <section class="card narrow">
      <h1>Notification preferences</h1>
      {saved && (
        <p class="notice" role="status">
          Preferences saved.
        </p>
      )}
      <p>
        What you are told about in {shell.org.name}, and how. You are never told about your own actions, nor about leads
        you cannot see.
      </p>
      <form id="preferences-form" method="post" action={`/o/${shell.org.slug}/preferences`}>
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
                    checked={ticked(values, `inApp_${type}`, prefs.channels[type].inApp)}
                    aria-label={`${eventOf(type).label}: in the app`}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    name={`email_${type}`}
                    value="1"
                    checked={ticked(values, `email_${type}`, prefs.channels[type].email)}
                    aria-label={`${eventOf(type).label}: by email`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label class="checkbox">
          <input
            type="checkbox"
            name="emailPaused"
            value="1"
            checked={ticked(values, 'emailPaused', prefs.emailPaused)}
          />
          <span>
            <strong>Pause all email.</strong> Nothing is emailed (the digest neither); the app still tells you.
          </span>
        </label>
        <label for="digestHour">Daily digest of unread notifications</label>
        <select id="digestHour" name="digestHour">
          <option value="" selected={digestHour === ''}>
            No digest
          </option>
          {HOURS.map((h) => (
            <option value={String(h)} selected={digestHour === String(h)}>
              Every day at {hourLabel(h)}
            </option>
          ))}
        </select>
        <FieldError errors={errors} name="digestHour" />
        <p class="hint">
          In your time zone, {prefs.timeZone} (<a href="/account">change it</a>). Nothing is sent on a day with nothing
          unread.
        </p>
        {isManager(shell) && (
          <label class="checkbox">
            <input
              type="checkbox"
              name="weeklyReport"
              value="1"
              checked={ticked(values, 'weeklyReport', prefs.weeklyReport)}
            />
            <span>
              <strong>Weekly report.</strong> The dashboard's numbers of the past 7 days, every Monday morning in your
              time zone.
            </span>
          </label>
        )}
        <button type="submit">Save preferences</button>
      </form>
      <TestEmailSection {...testEmail} />
      <section id="away" aria-labelledby="away-heading">
        <h2 id="away-heading">Away</h2>
        <p>
          While you are away, routing gives your share of new leads to the others, you cannot claim from the pool, and
          the pool does not take back the leads you claimed.
        </p>
        <AwayControls action={`/o/${shell.org.slug}/preferences`} who="you" {...away} />
        <h3 id="working-hours">Working hours</h3>
        <p>
          Outside your working hours routing gives your share of new leads to the others; you may still claim from the
          pool.
        </p>
        <WorkingHoursForm action={`/o/${shell.org.slug}/preferences/hours`} who="you" {...hours} />
      </section>
    </section>
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
  weeklyReport: checkbox,
  digestHour: z
    .enum(['', ...HOURS.map(String)], 'Choose an hour or no digest')
    .optional()
    .transform((v) => (v ? Number(v) : null)),
})

/**
 * The preferences page for the signed-in member as saved, with `saved` (the notice), `errors` and `values` (a
 * refused save, shown as sent) or
 * `refused` (a refused test email).
 */
async function renderPreferences(
  c: Context<App>,
  shown: {
    saved?: boolean
    errors?: FieldErrors
    values?: Record<string, string>
    refused?: string
    away?: { values: Record<string, string>; errors: FieldErrors }
    hours?: { values: Record<string, string>; days: string[]; errors: FieldErrors }
  } = {},
) {
  const unit = c.var.unit
  const [prefs, testEmail, away, hours] = await Promise.all([
    preferencesOf(unit),
    testEmailProps(c),
    awayUntil(unit.db, unit.org.id, unit.viewer.userId, unit.now),
    workingHoursColumns(unit, unit.viewer.userId),
  ])
  return c.render(
    <PreferencesPage
      prefs={prefs}
      types={offeredTypes(unit.viewer)}
      saved={shown.saved ?? false}
      errors={shown.errors}
      values={shown.values}
      testEmail={{ ...testEmail, refused: shown.refused }}
      away={{ away, timeZone: viewerTimeZone(c), ...shown.away }}
      hours={{ saved: hours, timeZone: prefs.timeZone, ...shown.hours }}
    />,
    { title: 'Notification preferences' },
  )
}

preferenceRoutes.get('/', (c) => renderPreferences(c, { saved: c.req.query('saved') === '1' }))

/** The test email section's props for the signed-in member: their address and their latest test email. */
async function testEmailProps(c: Context<App>) {
  const address = c.var.user!.email
  const latest = await latestTestEmail(c.var.unit, address)
  return { slug: c.var.orgContext.org.slug, address, latest }
}

// The test email's state alone (htmx polls it while it is queued); a plain GET lands on the page.
preferenceRoutes.get('/test-email', async (c) => {
  if (c.req.header('HX-Request') !== 'true') return c.redirect(`/o/${c.var.orgContext.org.slug}/preferences`, 303)
  return c.html(<TestEmailSection {...await testEmailProps(c)} />)
})

/** A refused test email (too soon after the previous one, 429): the page again, the reason beside the button. */
const testEmailRefused: RefusalPage = (c, refusal) => {
  c.status(refusal.status)
  return renderPreferences(c, { refused: refusal.message })
}

preferenceRoutes.post('/test-email', refusalPage(testEmailRefused), async (c) => {
  const org = c.var.orgContext.org
  const user = c.var.user!
  await sendTestEmail(c.var.unit, { name: user.name, email: user.email })
  return c.redirect(`/o/${org.slug}/preferences#test-email`, 303)
})

/** The preferences form again, as sent, with the refusal's messages. */
const preferencesAgain: RefusalPage = (c, refusal, values) => {
  c.status(refusal.status)
  // A body that could not be read (no fields) shows the preferences as saved.
  return renderPreferences(c, { errors: refusal.errors, values: Object.keys(values).length ? values : undefined })
}

preferenceRoutes.post('/', refusalPage(preferencesAgain), async (c) => {
  const input = (await parseForm(c, preferencesSchema)) as Record<string, boolean> & {
    emailPaused: boolean
    weeklyReport: boolean
    digestHour: number | null
  }
  const channels = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      { inApp: input[`inApp_${type}`] === true, email: input[`email_${type}`] === true },
    ]),
  )
  await savePreferences(c.var.unit, {
    channels,
    emailPaused: input.emailPaused,
    digestHour: input.digestHour,
    // Only Owners and Admins are offered the weekly report; an Agent's form leaves it as it is.
    weeklyReport: isManager(c.var.unit.viewer) ? input.weeklyReport : undefined,
  })
  return c.redirect(`/o/${c.var.orgContext.org.slug}/preferences?saved=1`, 303)
})

/** A refused away form: the page again, with what was typed and why beside the field. */
const awayAgain: RefusalPage = (c, refusal, values) => {
  c.status(refusal.status)
  return renderPreferences(c, { away: { values, errors: refusal.errors } })
}

// Reloading the page a refused away form left in the address bar lands back on the preferences.
preferenceRoutes.get('/:action{away|back|hours}', (c) =>
  c.redirect(`/o/${c.var.orgContext.org.slug}/preferences#away`, 303),
)

preferenceRoutes.post('/away', refusalPage(awayAgain), async (c) => {
  const unit = c.var.unit
  const { until } = await parseForm(c, awayFormSchema(viewerTimeZone(c)))
  await markAway(unit, unit.viewer.userId, { until })
  return c.redirect(`/o/${unit.org.slug}/preferences#away`, 303)
})

preferenceRoutes.post('/back', async (c) => {
  const unit = c.var.unit
  await markBack(unit, unit.viewer.userId)
  return c.redirect(`/o/${unit.org.slug}/preferences#away`, 303)
})

/** A refused working-hours form: the page again, with what was typed (the days ticked) and why beside the fields. */
const hoursAgain: RefusalPage = async (c, refusal, values) => {
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const days = [body.workDays].flat().filter((v): v is string => typeof v === 'string')
  c.status(refusal.status)
  return renderPreferences(c, { hours: { values, days, errors: refusal.errors } })
}

preferenceRoutes.post('/hours', refusalPage(hoursAgain), async (c) => {
  const unit = c.var.unit
  await setWorkingHours(unit, unit.viewer.userId, await parseForm(c, workingHoursSchema))
  return c.redirect(`/o/${unit.org.slug}/preferences#working-hours`, 303)
})
