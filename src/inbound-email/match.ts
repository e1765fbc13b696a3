/**
 * Whom an inbound email is about (docs/ARCHITECTURE.md "Inbound email"): the member who sent or forwarded it, the
 * other party's addresses the lead is looked up by, and its direction. Pure: the members are given.
 */
import type { PersonRef } from '../access/unit'
import type { Direction, EmailAuth } from '../db/schema'
import type { ParsedEmail } from './parse'

/** What the email says of itself, before any lead is looked up. */
export type Reading = {
  direction: Direction
  /** The other party's addresses (lower-case), each once: whom the lead is looked up by. */
  parties: string[]
  /** The member who sent or forwarded it; null: its sender is no member. */
  member: PersonRef | null
  /** A member's address was used, but the platform's SPF/DKIM/DMARC results do not vouch for it. */
  unverified: boolean
}

/**
 * Reads `email` delivered to `inbound` (the organization's address) from envelope sender `envelopeFrom`, with the
 * organization's active `members` by lower-case address:
 * - From a member, forwarding a message (a forward mark with a `From:` line): inbound, from that message's sender;
 * - From a member otherwise (the member BCC'd the address): outbound, to every To and Cc that is neither a member nor
 *   an address on the inbound domain;
 * - From someone else but sent by a member (an automatic forward that keeps From): inbound, from that sender;
 * - anyone else: inbound from its sender, with no member.
 */
export function readEmail(
  email: ParsedEmail,
  { inbound, envelopeFrom, members }: { inbound: string; envelopeFrom: string; members: Map<string, PersonRef> },
): Reading {
  const domain = inbound.slice(inbound.lastIndexOf('@')).toLowerCase()
  const ours = (address: string) => members.has(address) || address.endsWith(domain)
  const from = email.from?.address ?? envelopeFrom.toLowerCase()
  const fromMember = members.get(from) ?? null
  const envelopeMember = members.get(envelopeFrom.toLowerCase()) ?? null
  const unverified = (fromMember ?? envelopeMember) !== null && !vouchedFor(email.auth)
  if (fromMember && email.forwardedFrom && !ours(email.forwardedFrom.address))
    return { direction: 'inbound', parties: [email.forwardedFrom.address], member: fromMember, unverified }
  if (fromMember) {
    const parties = [...new Set([...email.to, ...email.cc].map((m) => m.address).filter((a) => !ours(a)))]
    return { direction: 'outbound', parties, member: fromMember, unverified }
  }
  return { direction: 'inbound', parties: ours(from) ? [] : [from], member: envelopeMember, unverified }
}

/**
 * Do the platform's results vouch for the sender's address? Yes when none were recorded (local delivery: `wrangler
 * dev` adds none), or DMARC did not fail and SPF, DKIM or DMARC passed.
 */
function vouchedFor(auth: EmailAuth): boolean {
  if (auth.spf === null && auth.dkim === null && auth.dmarc === null) return true
  if (auth.dmarc === 'fail') return false
  return auth.spf === 'pass' || auth.dkim === 'pass' || auth.dmarc === 'pass'
}
