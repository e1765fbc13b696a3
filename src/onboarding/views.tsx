/** Onboarding pages that are not forms of auth/views.tsx: finishing a sign-up from its emailed link. */
import { BrowserTimeZoneField } from '../views/time-zone'

/** GET `/verify-email/{token}`: one button that uses the link (a POST, so link scanners do not). */
export function FinishSignupPage({
  token,
  email,
  organization,
}: {
  token: string
  email: string
  organization: string
}) {
  return (
    <section class="card narrow">
      <h1>Finish sign-up</h1>
      <p>
        Your address <strong>{email}</strong> is confirmed by this link. Finish to create your account and the
        organization <strong>{organization}</strong>, where you will be the Owner.
      </p>
      <form method="post" action={`/verify-email/${token}`}>
        <BrowserTimeZoneField />
        <button type="submit">Finish sign-up</button>
      </form>
    </section>
  )
}
