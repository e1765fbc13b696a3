/**
 * Email templates: every email has a plain-text and an HTML version saying which organization it
 * comes from and linking back to Leadpool. HTML is built with hono/jsx, so every value is escaped.
 * The HTML is a self-contained `<div>` with inline styles (no `<html>`/`<head>`): mail clients take
 * it as it is, and /_dev/mail can show it inline.
 */
import type { Role } from '../db/schema'

/** A rendered email, ready for `outboxInsert`. */
export type RenderedEmail = { subject: string; text: string; html: string }

/** The button of an email: its label and an absolute http(s) URL. */
export type EmailAction = { label: string; url: string }

/** What `renderEmail` puts into an email. */
export type EmailContent = {
  /** Subject line; line breaks are folded into spaces. */
  subject: string
  /** The organization the email is about, shown above the heading and in the footer; none for account emails. */
  orgName?: string
  heading: string
  /** Plain-text paragraphs, in order. */
  paragraphs: string[]
  action?: EmailAction
  /** Further links, shown as plain links under the button (and listed in the text version). */
  links?: EmailAction[]
  /** Leadpool's public base URL (env.APP_URL), linked from the footer. */
  appUrl: string
  /** Links in the footer (e.g. notification preferences, unsubscribe). */
  footer?: EmailAction[]
}

/** The role as said in a sentence: "join Acme as an Admin". */
const ROLE_PHRASES: Record<Role, string> = { owner: 'an Owner', admin: 'an Admin', agent: 'an Agent' }

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

/** `url` parsed; only absolute http(s) links go into emails. @throws RangeError otherwise */
function webUrl(url: string): URL {
  const parsed = URL.parse(url)
  if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:')
    throw new RangeError(`not an absolute http(s) URL: ${url}`)
  return parsed
}

function EmailBody({ orgName, heading, paragraphs, action, links = [], appUrl, footer = [] }: EmailContent) {
  const muted = 'color:#5b6475;font-size:13px'
  return (
    <div style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;max-width:560px;line-height:1.5">
      <p style={muted}>{orgName ? `${orgName} on Leadpool` : 'Leadpool'}</p>
      <h1 style="font-size:20px;margin:0 0 16px">{heading}</h1>
      {paragraphs.map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      {action && (
        <>
          <p>
            <a
              href={action.url}
              style="display:inline-block;background:#2456d6;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none"
            >
              {action.label}
            </a>
          </p>
          <p style={muted}>
            Or open this link: <a href={action.url}>{action.url}</a>
          </p>
        </>
      )}
      {links.map((link) => (
        <p>
          <a href={link.url}>{link.label}</a>
        </p>
      ))}
      <hr style="border:none;border-top:1px solid #dde1e8;margin:24px 0 8px" />
      <p style={muted}>
        Sent by <a href={appUrl}>Leadpool</a>
        {orgName ? ` for ${orgName}` : ''}.
      </p>
      {footer.map((link) => (
        <p style={muted}>
          <a href={link.url}>{link.label}</a>
        </p>
      ))}
    </div>
  )
}

/**
 * Renders an email in plain text and HTML.
 * @returns `{ subject, text, html }`; `html` is escaped markup
 * @throws RangeError when `appUrl` or `action.url` is not an absolute http(s) URL
 * @example
 * renderEmail({ subject: 'Lead assigned', orgName: 'Acme Sales', heading: 'A lead for you',
 *   paragraphs: ['Ana assigned you Bo Li.'], action: { label: 'Open lead', url }, appUrl: env.APP_URL })
 */
export function renderEmail(content: EmailContent): RenderedEmail {
  webUrl(content.appUrl)
  if (content.action) webUrl(content.action.url)
  for (const link of [...(content.links ?? []), ...(content.footer ?? [])]) webUrl(link.url)
  const { subject, orgName, heading, paragraphs, action, links = [], appUrl, footer = [] } = content
  const text = [
    orgName ? `${orgName} on Leadpool` : 'Leadpool',
    heading,
    ...paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    ...links.map((link) => `${link.label}: ${link.url}`),
    [
      `-- \nSent by Leadpool${orgName ? ` for ${orgName}` : ''}: ${appUrl}`,
      ...footer.map((link) => `${link.label}: ${link.url}`),
    ].join('\n'),
  ].join('\n\n')
  const element = <EmailBody {...content} />
  if (element instanceof Promise) throw new Error('email templates must render synchronously')
  const html = String(element) // a JSXNode: String() renders it
  return { subject: subject.replace(/\s+/g, ' ').trim(), text: `${text}\n`, html }
}

/** What `invitationEmail` needs to know about an invitation. */
export type InvitationEmailProps = {
  orgName: string
  /** Name of the member who sent the invitation. */
  inviterName: string
  /** Role the invitee gets on accepting. */
  role: Role
  /** Absolute URL that accepts the invitation; its origin is used as Leadpool's URL. */
  link: string
  /** When the link stops working, epoch ms (shown in UTC). */
  expiresAt: number
}

/**
 * The invitation to join an organization, e.g. subject "Ana invited you to Acme Sales on Leadpool".
 * @throws RangeError when `link` is not an absolute http(s) URL
 */
export function invitationEmail({ orgName, inviterName, role, link, expiresAt }: InvitationEmailProps): RenderedEmail {
  return renderEmail({
    subject: `${inviterName} invited you to ${orgName} on Leadpool`,
    orgName,
    heading: `Join ${orgName} on Leadpool`,
    paragraphs: [
      `${inviterName} invited you to join ${orgName} as ${ROLE_PHRASES[role]}, to work its leads with the team.`,
      `The invitation expires on ${dateFormat.format(new Date(expiresAt))} UTC. If you did not expect it, ignore this email.`,
    ],
    action: { label: 'Accept the invitation', url: link },
    appUrl: webUrl(link).origin,
  })
}
