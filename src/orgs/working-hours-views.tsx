/**
 * The working-hours form (orgs/working-hours.ts): weekdays and local times in the member's own time zone, outside
 * which routing skips them. On the preferences page for oneself, in a member's "Routing and away" fold of the team
 * page for Owners and Admins.
 */
import type { FormValues } from '../lib/validation'
import { FieldError, ticked, type FieldErrors } from '../views/forms'
import type { WorkingHoursColumns } from './working-hours'

/** Weekdays as the form lists them, Monday first: value (`0` Sunday … `6` Saturday) and label. */
const WEEKDAYS = [
  ['1', 'Mon'],
  ['2', 'Tue'],
  ['3', 'Wed'],
  ['4', 'Thu'],
  ['5', 'Fri'],
  ['6', 'Sat'],
  ['0', 'Sun'],
] as const

/** "works Mon Tue Wed 09:00–17:00 (Europe/Berlin)": a member's working hours in a line, or null when none are set. */
export function workingHoursText(saved: WorkingHoursColumns, timeZone: string): string | null {
  if (saved.workDays === null) return null
  const days = new Set(saved.workDays.split(','))
  const names = WEEKDAYS.filter(([value]) => days.has(value)).map(([, label]) => label)
  return `works ${names.join(' ')} ${saved.workStart}–${saved.workEnd} (${timeZone})`
}

type WorkingHoursFormProps = {
  /** Where the form posts. */
  action: string
  /** Whose: "you", or the member's name (the fields' accessible names). */
  who: string
  /** Their saved working hours, and the time zone they are in (the member's, IANA). */
  saved: WorkingHoursColumns
  timeZone: string
  /** A refused form: what was typed (`days`: the weekdays ticked) and why. */
  values?: FormValues
  days?: string[]
  errors?: FieldErrors
}

export function WorkingHoursForm({ action, who, saved, timeZone, values, days, errors }: WorkingHoursFormProps) {
  const ticks = new Set(days ?? (saved.workDays ?? '1,2,3,4,5').split(','))
  const invalid = (name: string) =>
    errors?.[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${name}-error` } : {}
  return (
    <form method="post" action={action} class="working-hours-form" novalidate data-working-hours-form>
      <label class="checkbox">
        <input
          type="checkbox"
          name="workHours"
          value="1"
          checked={ticked(values, 'workHours', saved.workDays !== null)}
        />
        <span>
          Route leads to {who === 'you' ? 'me' : who} only in working hours ({timeZone})
        </span>
      </label>
      <fieldset>
        <legend>Working days</legend>
        {WEEKDAYS.map(([value, label]) => (
          <label class="checkbox">
            <input type="checkbox" name="workDays" value={value} checked={ticks.has(value)} />
            <span>{label}</span>
          </label>
        ))}
        <FieldError errors={errors} name="workDays" />
      </fieldset>
      <label class="field">
        <span>From (HH:MM)</span>
        <input name="workStart" value={values?.workStart ?? saved.workStart} {...invalid('workStart')} />
        <FieldError errors={errors} name="workStart" />
      </label>
      <label class="field">
        <span>To (HH:MM; 24:00 for midnight)</span>
        <input name="workEnd" value={values?.workEnd ?? saved.workEnd} {...invalid('workEnd')} />
        <FieldError errors={errors} name="workEnd" />
      </label>
      <button type="submit" class="secondary">
        Save working hours
      </button>
    </form>
  )
}
