/**
 * Pages of a person's account outside any organization: "check your email", forgot / reset
 * password, and `/account` (password, sessions, links to each organization's notification preferences). Finishing a sign-up is onboarding/views.tsx.
 */
import type { OrgLink } from '../access/viewer'
import type { FormValues } from '../lib/validation'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { NewPasswordField } from './views'
import { TimeZoneSelect } from '../views/time-zone'
import { HOW_TO_USE, InboundAddress } from '../views/email-facts'
import type { OrgInboundAddress } from './account'

/**
 * The one answer to a sign-up or "forgot password" form, whatever the address: it names no address
 * and says nothing about whether it has an account.
 */
export function CheckEmailPage({ purpose }: { purpose: 'signup' | 'reset' }) {
  return (
    <section class="card narrow" id="check-email">
      <h1>Check your email</h1>
      {purpose === 'signup' ? (
        <p>
          We sent an email to the address you entered. Open the link in it to finish signing up: it works once, for 24
          hours. If the address already has a Leadpool account, the email says so and how to log in.
        </p>
      ) : (
        <p>
          If the address you entered has a Leadpool account, we sent it a link to set a new password. The link works
          once, for 1 hour.
        </p>
      )}
      <p>No email after a few minutes? Check your spam folder, or try again.</p>
      <p>
        <a href="/login">Back to log in</a>
      </p>
    </section>
  )
}

type FormProps = { values?: FormValues; errors?: FieldErrors; alert?: string }

/** `/forgot-password`: asks for the address to send a reset link to. */
export function ForgotPasswordPage({ values = {}, errors }: FormProps) {
  return (
    <section class="card narrow">
      <h1>Forgot your password?</h1>
      <p>Enter the email address of your account; we will email you a link to set a new password.</p>
      <form method="post" action="/forgot-password" novalidate>
        <Field
          label="Email"
          name="email"
          type="email"
          value={values.email}
          errors={errors}
          required
          autocomplete="email"
        />
        <button type="submit">Email me a reset link</button>
      </form>
      <p>
        <a href="/login">Back to log in</a>
      </p>
    </section>
  )
}

/** `/reset-password/{token}`: the new password for the account `email`. */
export function ResetPasswordPage({ token, email, errors }: { token: string; email: string; errors?: FieldErrors }) {
  return (
    <section class="card narrow">
      <h1>Set a new password</h1>
      <p>
        For the account <strong>{email}</strong>. Every browser signed in to it will be logged out.
      </p>
      <form method="post" action={`/reset-password/${token}`} novalidate>
        <input type="email" name="username" value={email} autocomplete="username" hidden />
        <NewPasswordField errors={errors} label="New password" />
        <button type="submit">Set new password</button>
      </form>
    </section>
  )
}

/** What `/account` shows. */
export type AccountPageProps = FormProps & {
  user: { name: string; email: string }
  /** Unexpired sessions of the account, this one included. */
  sessionCount: number
  /** Set after a successful change, e.g. `password`. */
  done?: string
  /** The member's IANA time zone (users.time_zone). */
  timeZone: string
  /** The organizations the person is an active member of. */
  orgs: OrgLink[]
  /** Their organizations' inbound email addresses. */
  inbound: OrgInboundAddress[]
}

/**
 * `/account`: name and email, time zone, inbound email addresses and notification preferences (per organization), change password,
 * active sessions and "Log out everywhere".
 */
export function AccountPage({ user, sessionCount, done, errors, alert, timeZone, orgs, inbound }: AccountPageProps) {
  return (
    <>
      <section class="card narrow">
        <h1>Your account</h1>
        <dl class="facts">
          <dt>Name</dt>
          <dd data-account-field="name">{user.name}</dd>
          <dt>Email</dt>
          <dd data-account-field="email">{user.email}</dd>
        </dl>
        {done === 'password' && (
          <p class="notice" role="status">
            Password changed. Every other browser signed in to your account was logged out.
          </p>
        )}
      </section>
      <section class="card narrow">
        <h2>Time zone</h2>
        {done === 'time-zone' && (
          <p class="notice" role="status">
            Time zone saved.
          </p>
        )}
        <form method="post" action="/account/time-zone" novalidate>
          <TimeZoneSelect current={timeZone} errors={errors} />
          <button type="submit">Save time zone</button>
        </form>
      </section>
      {inbound.length > 0 && (
        <section class="card narrow">
          <h2>Inbound email</h2>
          <p>{HOW_TO_USE}</p>
          <ul>
            {inbound.map((org) => (
              <li>
                {org.name}: <InboundAddress address={org.address} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {orgs.length > 0 && (
        <section class="card narrow">
          <h2>Notifications</h2>
          <ul>
            {orgs.map((org) => (
              <li>
                <a href={`/o/${org.slug}/preferences`}>Notification preferences</a> in {org.name}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="card narrow">
        <h2>Change password</h2>
        <FormAlert message={alert} />
        <form method="post" action="/account" novalidate>
          <input type="email" name="username" value={user.email} autocomplete="username" hidden />
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            errors={errors}
            required
            autocomplete="current-password"
          />
          <NewPasswordField errors={errors} label="New password" name="newPassword" />
          <button type="submit">Change password</button>
        </form>
        <p>Changing it logs out every other browser; this one stays signed in.</p>
      </section>
      <section class="card narrow">
        <h2>Sessions</h2>
        <p>
          Signed in on <strong data-session-count={String(sessionCount)}>{sessionCount}</strong>{' '}
          {sessionCount === 1 ? 'browser' : 'browsers'} (this one included).
        </p>
        <form method="post" action="/account/sessions/revoke">
          <button type="submit">Log out everywhere</button>
        </form>
      </section>
    </>
  )
}
