/** Emails telling a member that leads were given to them (assignment, transfer with handoff note). */
import { renderEmail, type RenderedEmail } from './templates'

export type AssignmentEmailProps = {
  orgName: string
  /** Who assigned. */
  actorName: string
  /** Leads given, with their absolute URLs; one email covers a whole bulk assignment. */
  leads: { name: string; url: string }[]
  /** The handoff note of a transfer ("why, and what the new owner needs to know"). */
  note?: string
  /** Leadpool's public base URL. */
  appUrl: string
  /** Link to the recipient's "Assigned to me" list, used when several leads are given. */
  listUrl: string
}

/**
 * "Ana assigned you Grace Hopper" (or "… assigned you 12 leads"), with the handoff note if any.
 * @throws RangeError when a URL is not an absolute http(s) URL
 */
export function assignmentEmail({ orgName, actorName, leads, note, appUrl, listUrl }: AssignmentEmailProps): RenderedEmail {
  const one = leads.length === 1 ? leads[0]! : null
  const what = one ? one.name : `${leads.length} leads`
  return renderEmail({
    subject: `${actorName} assigned you ${what}`,
    orgName,
    heading: `${what} ${one ? 'is' : 'are'} now yours`,
    paragraphs: [
      `${actorName} assigned you ${what} in ${orgName}.`,
      ...(note ? [`Handoff note from ${actorName}: ${note}`] : []),
    ],
    action: one ? { label: 'Open the lead', url: one.url } : { label: 'See your leads', url: listUrl },
    appUrl,
  })
}
