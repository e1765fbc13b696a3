/** Sign-up and log-in pages. */
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import type { FormValues } from '../lib/validation'
import { MIN_PASSWORD_LENGTH } from './password'

type FormProps = { values?: FormValues; errors?: FieldErrors; alert?: string }

/** The password field of every form that creates an account (sign-up, accepting an invitation). */
export function NewPasswordField({
  errors,
  label = 'Password',
  name = 'password',
}: {
  errors?: FieldErrors
  label?: string
  /** The form field's name: `password`, or e.g. `newPassword` beside the current one. */
  name?: string
}) {
  return (
    <Field
      label={`${label} (at least ${MIN_PASSWORD_LENGTH} characters)`}
      name={name}
      type="password"
      errors={errors}
      required
      minlength={MIN_PASSWORD_LENGTH}
      autocomplete="new-password"
    />
  )
}

export function SignupPage({ values = {}, errors, alert }: FormProps) {
  return (
    <section class="card narrow">
      <h1>Create your organization</h1>
      <p>
        Start sharing leads with your sales team. You will be the Owner. We email you a link to confirm your address
        first.
      </p>
      <FormAlert message={alert} />
      <form method="post" action="/signup" novalidate>
        <Field label="Your name" name="name" value={values.name} errors={errors} required autocomplete="name" />
        <Field
          label="Work email"
          name="email"
          type="email"
          value={values.email}
          errors={errors}
          required
          autocomplete="email"
        />
        <NewPasswordField errors={errors} />
        <Field
          label="Organization"
          name="organization"
          value={values.organization}
          errors={errors}
          required
          autocomplete="organization"
        />
        <button type="submit">Create organization</button>
      </form>
      <p>
        Already have an account? <a href="/login">Log in</a>
      </p>
    </section>
  )
}

export function LoginPage({ values = {}, errors, alert }: FormProps) {
  return (
    <section class="card narrow">
      <h1>Log in</h1>
      <FormAlert message={alert} />
      <form method="post" action="/login" novalidate>
        {values.next && <input type="hidden" name="next" value={values.next} />}
        <Field
          label="Email"
          name="email"
          type="email"
          value={values.email}
          errors={errors}
          required
          autocomplete="email"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={errors}
          required
          autocomplete="current-password"
        />
        <button type="submit">Log in</button>
      </form>
      <p>
        <a href="/forgot-password">Forgot password?</a>
      </p>
      <p>
        New to Leadpool? <a href="/signup">Create an organization</a>
      </p>
    </section>
  )
}
