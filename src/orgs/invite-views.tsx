/** `/invite/{token}`: accepting an invitation, as a new account or as the signed-in invitee. */
import type { FormValues } from '../lib/validation'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { ROLE_LABELS } from '../views/layout'
import { NewPasswordField } from '../auth/views'
import { BrowserTimeZoneField } from '../views/time-zone'
import type { OpenInvitation } from './invitations'

type Props = {
  open: OpenInvitation
  token: string
  user: { name: string; email: string } | null
  values?: FormValues
  errors?: FieldErrors
  alert?: string
}

export function InvitePage({ open, token, user, values = {}, errors, alert }: Props) {
  const { invitation, org } = open
  const action = `/invite/${token}`
  const role = ROLE_LABELS[invitation.role]
  return (
    <section class="card narrow">
      <h1>Join {org.name}</h1>
      <p>
        You are invited to join {org.name} on Leadpool as an {role}.
      </p>
      <FormAlert message={alert} />
      {user ? (
        user.email === invitation.email ? (
          <form method="post" action={action}>
            <button type="submit">Join {org.name}</button>
          </form>
        ) : (
          <>
            <p>
              This invitation is for <strong>{invitation.email}</strong>, but you are signed in as {user.email}.
            </p>
            <form method="post" action="/logout">
              <button type="submit">Log out, then open the link again</button>
            </form>
          </>
        )
      ) : open.accountExists ? (
        <p>
          You already have a Leadpool account as {invitation.email}.{' '}
          <a class="button" href={`/login?next=${encodeURIComponent(action)}`}>
            Log in to join
          </a>
        </p>
      ) : (
        <form method="post" action={action} novalidate>
          <label class="field">
            <span>Email</span>
            <input type="email" value={invitation.email} disabled />
          </label>
          <Field label="Your name" name="name" value={values.name} errors={errors} required autocomplete="name" />
          <NewPasswordField errors={errors} label="Choose a password" />
          <BrowserTimeZoneField />
          <button type="submit">Create account and join</button>
        </form>
      )}
    </section>
  )
}
