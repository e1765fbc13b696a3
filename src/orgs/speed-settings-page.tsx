/** The speed-to-lead settings page (`GET /o/{slug}/settings/speed`): business hours and the first-touch target. */
import { Field, FieldError, ticked, type FieldErrors } from '../views/forms'
import type { organizations } from '../db/schema'

/** Weekdays as the form lists them, Monday first: value (`0` Sunday … `6` Saturday) and label. */
const WEEKDAYS = [
  ['1', 'Monday'],
  ['2', 'Tuesday'],
  ['3', 'Wednesday'],
  ['4', 'Thursday'],
  ['5', 'Friday'],
  ['6', 'Saturday'],
  ['0', 'Sunday'],
] as const

/**
 * The form, showing `org`'s settings (or, after a refusal, `values` as sent and `days` as ticked), with
 * `errors` per field; `saved` says the last save went through.
 */
export function SpeedSettingsPage({
  org,
  saved,
  values,
  days,
  errors,
}: {
  /** The organization's row: its saved settings. */
  org: typeof organizations.$inferSelect
  saved?: boolean
  values?: Record<string, string>
  days?: string[]
  errors?: FieldErrors
}) {
  const zone = values?.businessTimeZone ?? org.businessTimeZone ?? 'UTC'
  const ticks = new Set(days ?? org.businessDays.split(','))
  return (
    <section class="card narrow">
      <p>
        <a href={`/o/${org.slug}/settings`}>← Settings</a>
      </p>
      <h1>Speed to lead</h1>
      {saved && (
        <p class="notice" role="status">
          Settings saved.
        </p>
      )}
      <form method="post" action={`/o/${org.slug}/settings/speed`}>
        <h2>Business hours</h2>
        <label class="checkbox">
          <input
            type="checkbox"
            name="businessHours"
            value="1"
            checked={ticked(values, 'businessHours', org.businessTimeZone !== null)}
          />
          <span>
            <strong>Count only business hours.</strong> Times to first touch and the target count only the working hours
            below; otherwise every hour counts.
          </span>
        </label>
        <label class="field">
          <span>Time zone</span>
          <select name="businessTimeZone">
            {Intl.supportedValuesOf('timeZone').map((name) => (
              <option value={name} selected={name === zone}>
                {name}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="businessTimeZone" />
        </label>
        <fieldset>
          <legend>Working days</legend>
          {WEEKDAYS.map(([value, label]) => (
            <label class="checkbox">
              <input type="checkbox" name="businessDays" value={value} checked={ticks.has(value)} />
              <span>{label}</span>
            </label>
          ))}
          <FieldError errors={errors} name="businessDays" />
        </fieldset>
        <Field
          label="Start (HH:MM)"
          name="businessStart"
          type="time"
          value={values?.businessStart ?? org.businessStart}
          errors={errors}
          required
        />
        <Field
          label="End (HH:MM; 24:00 for midnight)"
          name="businessEnd"
          value={values?.businessEnd ?? org.businessEnd}
          errors={errors}
          required
        />
        <h2>First-touch target</h2>
        <Field
          label="Minutes from assignment to first touch (0 = no target)"
          name="firstTouchTargetMinutes"
          type="number"
          value={values?.firstTouchTargetMinutes ?? String(org.firstTouchTargetMinutes)}
          errors={errors}
        />
        <p class="hint">
          At 80 % of the target the assignee is told; when it is missed, Owners and Admins are. A note, a communication,
          a task or a status change by whoever holds the lead is its first touch.
        </p>
        <label class="checkbox">
          <input
            type="checkbox"
            name="firstTouchReturn"
            value="1"
            checked={ticked(values, 'firstTouchReturn', org.firstTouchReturn)}
          />
          <span>
            <strong>Return a lead that missed the target to the pool</strong>, with the reason in its timeline.
          </span>
        </label>
        <button type="submit">Save settings</button>
      </form>
    </section>
  )
}
