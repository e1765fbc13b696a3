/**
 * Settings → Inbound email (`GET /o/{slug}/settings/email`): the organization's inbound address with how to use it,
 * the button that creates or rotates it, the setting "create a lead from an unknown sender", and a link to the
 * Unmatched email list.
 */
import { HOW_TO_USE, InboundAddress } from '../views/email-facts'
import { useShell } from '../views/layout'
import type { InboundSettings } from './address'

/** The page: `settings` of the unit's organization, its addresses' `domain`, `unmatched` emails waiting, `saved` notice. */
export function InboundSettingsPage(props: {
  settings: InboundSettings
  domain: string
  unmatched: number
  saved?: string
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/settings/email`
  const { localPart, createLeads } = props.settings
  return (
    <>
      <section class="card narrow">
        <p>
          <a href={`/o/${shell.org.slug}/settings`}>← Settings</a>
        </p>
        <h1>Inbound email</h1>
        {props.saved && (
          <p class="notice" role="status">
            {props.saved}
          </p>
        )}
        {localPart ? (
          <p>
            Your organization’s address is <InboundAddress address={`${localPart}@${props.domain}`} />. {HOW_TO_USE}
          </p>
        ) : (
          <p>Your organization has no inbound address yet: create it below.</p>
        )}
        <p class="muted">
          Leadpool keeps the subject and text of each email. Attachments are listed by name and size; their content is
          not stored.
        </p>
        <form method="post" action={`${base}/rotate`}>
          <p>
            {localPart
              ? 'A new address ends the old one at once: email sent to it is refused.'
              : 'Create the address your team BCCs.'}
          </p>
          <button type="submit" class={localPart ? 'secondary' : undefined}>
            {localPart ? 'Replace the address' : 'Create the address'}
          </button>
        </form>
      </section>
      {localPart && (
        <section class="card narrow">
          <h2>Unknown senders</h2>
          <form method="post" action={base}>
            <label class="checkbox">
              <input type="checkbox" name="createLeads" value="1" checked={createLeads} />
              <span>
                <strong>Create a lead from an unknown sender.</strong> An email whose other party is no lead yet becomes
                a new lead, routed like any new lead. When off, it waits in Unmatched email.
              </span>
            </label>
            <button type="submit">Save</button>
          </form>
          <p>
            <a href={`/o/${shell.org.slug}/inbox`}>Unmatched email</a>: {props.unmatched} waiting
          </p>
        </section>
      )}
    </>
  )
}
