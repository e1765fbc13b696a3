/** Organization pages outside `/o/{slug}`: creating another organization. */
import type { FormValues } from '../lib/validation'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { FormTokenField } from '../views/form-token'

/** Shown at /signup to someone already signed in: a new organization for the same account. */
export function NewOrganizationPage({
  user,
  member = true,
  values = {},
  errors,
  alert,
}: {
  user: { name: string }
  /** False when the user belongs to no organization now (e.g. every membership deactivated). */
  member?: boolean
  values?: FormValues
  errors?: FieldErrors
  /** A refusal no field shows (e.g. a form body that is not UTF-8 text). */
  alert?: string
}) {
  return (
    <section class="card narrow">
      <h1>{member ? 'Create another organization' : 'Create an organization'}</h1>
      <FormAlert message={alert} />
      {!member && (
        <p class="notice">
          You are not an active member of any organization right now: a membership may have been deactivated. Ask an
          Owner or Admin to reactivate or invite you, or create your own organization below.
        </p>
      )}
      <p>
        You are signed in as {user.name}. The new organization is separate from your others; you will be its Owner and
        can switch between them from the top bar. To create an account for someone else, log out first.
      </p>
      <form method="post" action="/orgs" novalidate>
        <FormTokenField />
        <Field label="Organization" name="organization" value={values.organization} errors={errors} required />
        <button type="submit">Create organization</button>
      </form>
    </section>
  )
}
