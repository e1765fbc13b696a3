/** Emails telling a member that leads were given to them: assignment, transfer, collaboration. */
import { renderEmail, type RenderedEmail } from './templates'

export type AssignmentEmailProps = {
  orgName: string
  /** Who assigned. */
  actorName: string
  /** Leads given, with their absolute URLs; one email covers a whole bulk assignment. */
  leads: { name: string; url: string }[]
  /** `owner` (the default): the leads are now theirs; `collaborator`: they were added to work one. */
  as?: 'owner' | 'collaborator'
  /** For a transfer of one lead: who had it before. */
  from?: string
  /** The handoff note of a transfer ("why, and what the new owner needs to know"). */
  note?: string
  /** Leadpool's public base URL. */
  appUrl: string
  /** Link to the recipient's "Assigned to me" list, used when several leads are given. */
  listUrl: string
}

/**
 * "Ana assigned you Grace Hopper" (or "… assigned you 12 leads", "… transferred Grace Hopper to you
 * from Bo", "… added you as a collaborator on Grace Hopper"), with the handoff note if any.
 * @throws RangeError when a URL is not an absolute http(s) URL
 */
export function assignmentEmail({
  orgName,
  actorName,
  leads,
  as = 'owner',
  from,
  note,
  appUrl,
  listUrl,
}: AssignmentEmailProps): RenderedEmail {
  const one = leads.length === 1 ? leads[0]! : null
  const what = one ? one.name : `${leads.length} leads`
  const action = one ? { label: 'Open the lead', url: one.url } : { label: 'See your leads', url: listUrl }
  if (as === 'collaborator') {
    return renderEmail({
      subject: `${actorName} added you as a collaborator on ${what}`,
      orgName,
      heading: `You now work ${what} with its owner`,
      paragraphs: [
        `${actorName} added you as a collaborator on ${what} in ${orgName}. Its primary owner stays the same.`,
      ],
      action,
      appUrl,
    })
  }
  const sentence = from ? `${actorName} transferred ${what} to you from ${from}` : `${actorName} assigned you ${what}`
  return renderEmail({
    subject: sentence,
    orgName,
    heading: `${what} ${one ? 'is' : 'are'} now yours`,
    paragraphs: [`${sentence} in ${orgName}.`, ...(note ? [`Handoff note from ${actorName}: ${note}`] : [])],
    action,
    appUrl,
  })
}
