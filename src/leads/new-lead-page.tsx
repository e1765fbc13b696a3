/** The create-lead form. */
import { isManager } from '../access/viewer'
import { LEAD_STATUSES } from '../db/schema'
import type { FormValues } from '../lib/validation'
import { Field, FieldError, FormAlert, type FieldErrors } from '../views/forms'
import { FormTokenField } from '../views/form-token'
import { STATUS_LABELS } from '../views/labels'
import { useShell } from '../views/layout'

export function NewLeadPage({
  values = {},
  errors,
  duplicate,
  alert,
}: {
  values?: FormValues
  errors?: FieldErrors
  duplicate?: { id: string; name: string }
  /** A refusal no field shows (e.g. a form body that is not UTF-8 text). */
  alert?: string
}) {
  const shell = useShell()
  return (
    <section class="card narrow">
      <h1>New lead</h1>
      <FormAlert message={alert} />
      {duplicate && (
        <p class="notice">
          That email belongs to <a href={`/o/${shell.org.slug}/leads/${duplicate.id}`}>{duplicate.name}</a>.
        </p>
      )}
      <form
        method="post"
        action={`/o/${shell.org.slug}/leads`}
        novalidate
        hx-boost="true"
        hx-disabled-elt="find button"
      >
        <FormTokenField />
        <Field label="Name" name="name" value={values.name} errors={errors} required />
        <Field label="Email" name="email" type="email" value={values.email} errors={errors} />
        <Field label="Phone" name="phone" type="tel" value={values.phone} errors={errors} />
        <Field label="Company" name="company" value={values.company} errors={errors} />
        <Field label="Source" name="source" value={values.source} errors={errors} />
        <label class="field">
          <span>Status</span>
          <select name="status">
            {LEAD_STATUSES.map((s) => (
              <option value={s} selected={(values.status || 'new') === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="status" />
        </label>
        {isManager(shell.role) && (
          <fieldset>
            <legend>Where it goes</legend>
            <label class="checkbox">
              <input type="radio" name="routing" value="route" checked={(values.routing ?? 'route') === 'route'} />
              <span>
                Route it: the <a href={`/o/${shell.org.slug}/routing/rules`}>routing rules</a>, then Pool and routing
              </span>
            </label>
            <label class="checkbox">
              <input type="radio" name="routing" value="unassigned" checked={values.routing === 'unassigned'} />
              <span>Leave it unassigned</span>
            </label>
            <FieldError errors={errors} name="routing" />
          </fieldset>
        )}
        <button type="submit">Create lead</button>
      </form>
    </section>
  )
}
