/**
 * The Unmatched email page (`GET /o/{slug}/inbox`): each waiting email with why it waits, what it said of itself
 * (views/email-facts.tsx), its text (escaped, never rendered as HTML), and the two forms: attach it to a lead, or
 * create the lead from it.
 */
import type { InboundEmail, UnmatchedReason } from '../db/schema'
import { EmailFacts } from '../views/email-facts'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import type { LeadChoice } from './unmatched'

/** Why an email waits, as the page says it. */
function reasonText(email: Pick<InboundEmail, 'unmatchedReason' | 'parties' | 'fromAddress'>): string {
  const parties = email.parties.join(', ')
  const reasons: Record<UnmatchedReason, string> = {
    no_lead: parties ? `No lead has the address ${parties}.` : 'It names nobody but members and Leadpool.',
    several_leads: `Several leads have an address in it (${parties}).`,
    not_member: `Its sender ${email.fromAddress || '(unknown)'} is not a member of the organization.`,
    unverified: `It uses a member’s address, but SPF, DKIM and DMARC did not pass: the sender may not be who it says.`,
  }
  return email.unmatchedReason ? reasons[email.unmatchedReason] : ''
}

/** A refused form of the page: which email and form, the values typed, the messages. */
export type InboxRefused = {
  emailId: string
  form: 'attach' | 'lead'
  message: string
  errors: FieldErrors
  values: Record<string, string>
}

/** The page: the `emails` waiting (`total` in all), the `leads` offered to attach them to, a `done` notice. */
export function InboxPage(props: {
  emails: InboundEmail[]
  total: number
  leads: LeadChoice[]
  done?: string
  refused?: InboxRefused
}) {
  const shell = useShell()
  return (
    <section class="card">
      <h1>Unmatched email</h1>
      {props.done && (
        <p class="notice" role="status">
          {props.done}
        </p>
      )}
      <p>
        Emails to the organization’s inbound address that could not be logged on one lead wait here.{' '}
        {props.total === 0
          ? 'None is waiting.'
          : `${props.total} waiting${props.total > props.emails.length ? `; the oldest ${props.emails.length} are shown` : ''}.`}{' '}
        Attachments are listed by name and size; their content is not stored.{' '}
        <a href={`/o/${shell.org.slug}/settings/email`}>Inbound email settings</a>
      </p>
      {props.emails.map((email) => (
        <UnmatchedEmail
          email={email}
          leads={props.leads}
          refused={props.refused?.emailId === email.id ? props.refused : undefined}
        />
      ))}
    </section>
  )
}

function UnmatchedEmail({
  email,
  leads,
  refused,
}: {
  email: InboundEmail
  leads: LeadChoice[]
  refused?: InboxRefused
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/inbox/${email.id}`
  const party = email.parties[0] ?? email.fromAddress
  const suggested = party === email.fromAddress && email.fromName ? email.fromName : (party.split('@')[0] ?? '')
  const leadValues = refused?.form === 'lead' ? refused.values : { name: suggested, email: party }
  const headingId = `email-${email.id}`
  return (
    <article class="inbox-email" data-unmatched-email={email.id} aria-labelledby={headingId}>
      <h2 id={headingId}>{email.subject || '(no subject)'}</h2>
      <p data-unmatched-reason>{reasonText(email)}</p>
      <p class="muted">
        {email.direction === 'inbound' ? 'Received' : 'Sent'} <Time at={email.sentAt} />
        {email.parties.length > 0 && ` · other party: ${email.parties.join(', ')}`}
      </p>
      <EmailFacts from={email.fromAddress} auth={email.auth} attachments={email.attachments} />
      <details>
        <summary>Text</summary>
        <p class="note-body" data-email-body>
          {email.body || '(no text)'}
        </p>
      </details>
      <form method="post" action={`${base}/attach`} class="stack-form">
        <FormAlert message={refused?.form === 'attach' ? refused.message : undefined} />
        <label class="field">
          <span>Attach to lead</span>
          <select name="leadId" required>
            {leads.map((lead) => (
              <option value={lead.id} selected={refused?.values.leadId === lead.id}>
                {lead.name}
                {lead.email ? ` (${lead.email})` : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Attach</button>
      </form>
      <details open={refused?.form === 'lead'}>
        <summary>Create the lead from it</summary>
        <form method="post" action={`${base}/lead`} class="stack-form">
          <FormAlert
            message={refused?.form === 'lead' && Object.keys(refused.errors).length === 0 ? refused.message : undefined}
          />
          <Field label="Name" name="name" value={leadValues.name} errors={refused?.errors} required />
          <Field label="Email" name="email" type="email" value={leadValues.email} errors={refused?.errors} />
          <button type="submit">Create the lead</button>
        </form>
      </details>
    </article>
  )
}
