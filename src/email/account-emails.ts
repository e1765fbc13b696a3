/**
 * Emails about a person's account (not about an organization): the sign-up link, the note sent
 * instead when the address already has an account, and the password reset link. Rendered by
 * `renderEmail` (templates.tsx), so every value is escaped in the HTML.
 */
import { renderEmail, type RenderedEmail } from './templates'

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

/** `appUrl` without trailing slashes, to append paths to. */
const base = (appUrl: string) => appUrl.replace(/\/+$/, '')

/**
 * "Confirm your email": the link that creates the account and `organization`.
 * @param link absolute URL `/verify-email/{token}`; @param expiresAt epoch ms (shown in UTC)
 * @throws RangeError when `link` or `appUrl` is not an absolute http(s) URL
 */
export function signupVerificationEmail(props: {
  name: string
  organization: string
  link: string
  expiresAt: number
  appUrl: string
}): RenderedEmail {
  return renderEmail({
    subject: 'Confirm your email to finish signing up for Leadpool',
    heading: 'Finish signing up',
    paragraphs: [
      `Hello ${props.name}, confirm this address to create your Leadpool account and the organization ${props.organization}.`,
      `The link works once, until ${dateFormat.format(new Date(props.expiresAt))} UTC. If you did not sign up, ignore this email: no account is created.`,
    ],
    action: { label: 'Confirm and finish sign-up', url: props.link },
    appUrl: base(props.appUrl),
  })
}

/**
 * Sent instead of the sign-up link when the address already has an account: links to log in and to
 * reset the password, creates nothing.
 * @throws RangeError when `appUrl` is not an absolute http(s) URL
 */
export function accountExistsEmail(props: { appUrl: string }): RenderedEmail {
  const url = base(props.appUrl)
  return renderEmail({
    subject: 'You already have a Leadpool account',
    heading: 'You already have an account',
    paragraphs: [
      'Someone (probably you) tried to sign up for Leadpool with this address, which already has an account. No new account was created.',
      'Log in with your password; if you forgot it, set a new one. To create another organization, log in and choose "Create another organization". If it was not you, ignore this email.',
    ],
    action: { label: 'Log in', url: `${url}/login` },
    links: [{ label: 'Forgot your password? Reset it', url: `${url}/forgot-password` }],
    appUrl: url,
  })
}

/**
 * The password reset link.
 * @param link absolute URL `/reset-password/{token}`; @param expiresAt epoch ms (shown in UTC)
 * @throws RangeError when `link` or `appUrl` is not an absolute http(s) URL
 */
export function passwordResetEmail(props: { link: string; expiresAt: number; appUrl: string }): RenderedEmail {
  return renderEmail({
    subject: 'Reset your Leadpool password',
    heading: 'Reset your password',
    paragraphs: [
      'Someone (probably you) asked to reset the password of the Leadpool account of this address.',
      `The link works once, until ${dateFormat.format(new Date(props.expiresAt))} UTC. Setting a new password logs out every other session. If you did not ask, ignore this email: your password stays as it is.`,
    ],
    action: { label: 'Set a new password', url: props.link },
    appUrl: base(props.appUrl),
  })
}
