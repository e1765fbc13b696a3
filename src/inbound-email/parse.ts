/**
 * Reading an inbound email (docs/ARCHITECTURE.md "Inbound email"): the raw RFC 5322 message parsed by `postal-mime`
 * (MIME parts, quoted-printable and base64, charsets such as ISO-8859-1 and UTF-16, HTML-only bodies turned into
 * text), reduced to what Leadpool keeps: addresses, subject, text, sent time, the SPF/DKIM/DMARC results the
 * receiving platform recorded, attachments by name and size (never their content) and, for a forwarded email, the
 * original sender.
 */
import PostalMime, { addressParser, type Address, type Email } from 'postal-mime'
import type { EmailAttachment, EmailAuth } from '../db/schema'
import { htmlToText } from './html-text'

/** The longest text body kept (characters); a longer email is refused with a reason (receive.ts). */
export const MAX_BODY = 100_000

/** The longest subject kept (characters); the rest of a longer one is dropped with an ellipsis. */
const MAX_SUBJECT = 500

/** A mailbox: lower-case address and display name (may be empty). */
type Mailbox = { address: string; name: string }

/** What Leadpool reads of an inbound email. */
export type ParsedEmail = {
  /** The Message-ID, or `sha256:{hex}` of the raw message when it has none: what a second delivery repeats. */
  messageKey: string
  from: Mailbox | null
  to: Mailbox[]
  cc: Mailbox[]
  subject: string
  /** The text body (from the HTML when there is no text part), line breaks as LF, without control characters. */
  body: string
  /** The Date header as epoch ms (UTC), or null when it is missing or unreadable. */
  sentAt: number | null
  auth: EmailAuth
  attachments: EmailAttachment[]
  /** For a forwarded email: the sender of the forwarded message (its `From:` line), else null. */
  forwardedFrom: Mailbox | null
}

/** Parses `raw` (the whole message). @throws when postal-mime cannot read it at all (too deeply nested). */
export async function parseEmail(raw: ArrayBuffer): Promise<ParsedEmail> {
  const email = await PostalMime.parse(raw)
  const text = email.text ?? (email.html ? await htmlToText(email.html) : '')
  const body = clean(text).trim()
  const subject = oneLine(email.subject ?? '')
  const sentAt = email.date ? Date.parse(email.date) : NaN
  return {
    messageKey: email.messageId?.trim() || `sha256:${await sha256(raw)}`,
    from: mailboxes(email.from ? [email.from] : [])[0] ?? null,
    to: mailboxes(email.to ?? []),
    cc: mailboxes(email.cc ?? []),
    subject: subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 1)}…` : subject,
    body,
    sentAt: Number.isFinite(sentAt) ? sentAt : null,
    auth: authResults(email),
    attachments: email.attachments.map((a) => ({ name: oneLine(a.filename ?? '') || '(no name)', size: sizeOf(a) })),
    forwardedFrom: forwardedFrom(subject, body),
  }
}

/** Every mailbox of `addresses` (groups opened), lower-cased, without ones that are not addresses. */
function mailboxes(addresses: Address[]): Mailbox[] {
  return addresses
    .flatMap((a) => (a.group ? a.group : [a]))
    .filter((m) => typeof m.address === 'string' && m.address.includes('@'))
    .map((m) => ({ address: m.address.trim().toLowerCase(), name: oneLine(m.name ?? '') }))
}

function sizeOf(a: Email['attachments'][number]): number {
  return typeof a.content === 'string' ? new TextEncoder().encode(a.content).byteLength : a.content.byteLength
}

const NEWLINE = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g
/** C0 and C1 controls but tab and LF, bidirectional overrides and isolates: never meant in a kept text. */
// eslint-disable-next-line no-control-regex
const UNWANTED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `text` with LF line breaks, without unwanted characters, lone surrogates replaced by U+FFFD. */
function clean(text: string): string {
  return text.replace(NEWLINE, '\n').replace(UNWANTED, '').replace(LONE_SURROGATE, '\ufffd')
}

/** `text` on one line: each run of white space one space. */
function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, ' ').trim()
}

/**
 * The SPF, DKIM and DMARC results of the topmost `Authentication-Results` (or, without one, `ARC-Authentication-Results`)
 * header: the one the receiving platform added last, above any a sender wrote into the message themselves.
 */
function authResults(email: Email): EmailAuth {
  const header =
    email.headers.find((h) => h.key === 'authentication-results') ??
    email.headers.find((h) => h.key === 'arc-authentication-results')
  const value = header?.value ?? ''
  const result = (method: string) => new RegExp(`(?:^|[;\\s])${method}=([a-z]+)`, 'i').exec(value)?.[1]?.toLowerCase()
  const receivedSpf = /^\s*([a-z]+)/i.exec(email.headers.find((h) => h.key === 'received-spf')?.value ?? '')?.[1]
  return {
    spf: result('spf') ?? receivedSpf?.toLowerCase() ?? null,
    dkim: result('dkim') ?? null,
    dmarc: result('dmarc') ?? null,
  }
}

/** The start of a forwarded message in a text body, as mail programs write it (or postal-mime for an attached one). */
const FORWARD_MARK = /^\s*(?:-{2,}\s*(?:forwarded message|original message)|begin forwarded message:)/im

/**
 * The sender of the message forwarded in `body`: the first `From:` line after a forward mark, or after the start when
 * the subject says Fwd/Fw. Null for a message that forwards nothing.
 */
function forwardedFrom(subject: string, body: string): Mailbox | null {
  const mark = FORWARD_MARK.exec(body)
  if (!mark && !/^(?:fwd?|fw):/i.test(subject)) return null
  const line = /^[>\s*]*from:\**\s*(.+)$/im.exec(mark ? body.slice(mark.index) : body)?.[1]
  return line ? (mailboxes(addressParser(line.replace(/\*+/g, '')))[0] ?? null) : null
}

/** SHA-256 of `raw` as lower-case hex. */
async function sha256(raw: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', raw)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
