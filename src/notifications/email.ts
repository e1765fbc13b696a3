/**
 * The email of one notification (plain text and HTML, through src/email/templates.tsx): the sentence as
 * subject and heading, the leads linked, the handoff note, the sender's name ("Dana via Leadpool"), a
 * footer link to the preferences page and a one-click unsubscribe link with its RFC 8058 headers
 * (`List-Unsubscribe`, `List-Unsubscribe-Post`).
 */
import { renderEmail, type RenderedEmail } from '../email/templates'
import { eventOf, leadsPhrase, sentenceText, type EventType, type NotificationData } from './events'

/** Where the email's links point. */
export type EmailPlace = { appUrl: string; orgName: string; orgSlug: string }

/** A notification email, ready for `outboxInsert`: rendered, with its sender name and headers. */
export type NotificationEmail = RenderedEmail & { fromName: string | null; headers: Record<string, string> }

/** Leadpool's base URL without a trailing slash. */
export function baseUrl(appUrl: string): string {
  return appUrl.replace(/\/+$/, '')
}

/** The absolute one-click unsubscribe URL of `token`. */
export function unsubscribeUrl(appUrl: string, token: string): string {
  return `${baseUrl(appUrl)}/unsubscribe/${token}`
}

/**
 * The email telling a member about `data` (event `type`), with the unsubscribe link of `token`.
 * @throws RangeError when `place.appUrl` is not an absolute http(s) URL
 */
export function notificationEmail(
  place: EmailPlace,
  type: EventType,
  data: NotificationData,
  token: string,
): NotificationEmail {
  const org = `${baseUrl(place.appUrl)}/o/${place.orgSlug}`
  const entry = eventOf(type)
  const sentence = sentenceText(type, data)
  const one = data.count === 1 ? data.leads[0] : undefined
  const listed = one
    ? []
    : [
        `The leads: ${data.leads.map((l) => l.name).join(', ')}${data.count > data.leads.length ? `, and ${data.count - data.leads.length} more` : ''}.`,
      ]
  const introduced = data.noteLabel ?? `${entry.noteLabel ?? 'Note'} from ${data.actor?.name ?? 'Leadpool'}`
  const note = data.note ? [`${introduced}: ${data.note}`] : []
  const unsubscribe = unsubscribeUrl(place.appUrl, token)
  const email = renderEmail({
    subject: sentence,
    orgName: place.orgName,
    heading: sentence,
    paragraphs: [`${sentence} in ${place.orgName}.`, ...listed, ...note],
    action: one
      ? { label: 'Open the lead', url: `${org}/leads/${one.id}` }
      : { label: `See the ${leadsPhrase(data)}`, url: `${org}${entry.listPath ?? '/leads?assignee=me'}` },
    footer: [
      { label: 'Notification preferences', url: `${org}/preferences` },
      { label: `Unsubscribe from “${entry.label}” emails`, url: unsubscribe },
    ],
    appUrl: place.appUrl,
  })
  return {
    ...email,
    fromName: data.actor ? `${data.actor.name} via Leadpool` : null,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}
