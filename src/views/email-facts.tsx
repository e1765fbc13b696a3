/**
 * What an email said of itself, shown beside the text kept of it (the lead page's communications, the Unmatched
 * email list): its sender's address, the SPF/DKIM/DMARC results the receiving platform recorded, and its attachments
 * by name and size (their content is not stored); and the organization's inbound address itself. Everything from the
 * email is text, escaped by hono/jsx.
 */
import type { EmailAttachment, EmailAuth } from '../db/schema'

/** How a member uses the organization's inbound address, in one line (Settings and the account page). */
export const HOW_TO_USE = 'BCC it when you write to a lead, or forward a lead’s email to it: it is logged on the lead.'

/** The inbound address as shown and as outside tests find it (`data-inbound-address`, its value the address). */
export function InboundAddress({ address }: { address: string }) {
  return (
    <code data-inbound-address={address} class="inbound-address">
      {address}
    </code>
  )
}

/** "12 KB", "3.4 MB", "512 bytes". */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "SPF pass · DKIM fail · DMARC none recorded", or that the platform recorded none (a local delivery). */
function authText(auth: EmailAuth): string {
  if (auth.spf === null && auth.dkim === null && auth.dmarc === null) return 'No SPF/DKIM results recorded'
  const part = (label: string, value: string | null) => `${label} ${value ?? 'not recorded'}`
  return [part('SPF', auth.spf), part('DKIM', auth.dkim), part('DMARC', auth.dmarc)].join(' · ')
}

/** The facts of one email (`from`: its sender's address). */
export function EmailFacts({
  from,
  auth,
  attachments,
}: {
  from: string
  auth: EmailAuth
  attachments: EmailAttachment[]
}) {
  return (
    <div class="email-facts muted">
      <p>
        From <span data-email-from>{from || '(no From)'}</span> · <span data-email-auth>{authText(auth)}</span>
      </p>
      {attachments.length > 0 && (
        <>
          <p>Attachments (listed only, not stored):</p>
          <ul data-email-attachments>
            {attachments.map((a) => (
              <li>
                {a.name} ({sizeText(a.size)})
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
