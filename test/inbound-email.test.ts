/**
 * Inbound email (docs/ARCHITECTURE.md "Inbound email"): real RFC 5322 messages, composed here, delivered to the
 * Worker's `email` handler in workerd as Email Routing delivers them, and what people then see: the communication on
 * the lead page, the email waiting in Unmatched email, or the reason the sender's server was given.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../src/index'
import { dom, formData, textOf, texts } from './dom'
import { createLead, env, errorFor, joinAs, signUp, uniqueEmail, type Client } from './helpers'

const CRLF = '\r\n'
let counter = 0

/** A message: `headers` (name → value, in order) and a `body` already encoded as its headers say. */
function compose(headers: Record<string, string>, body: string): string {
  const all = {
    'Message-ID': `<m${Date.now()}.${++counter}@mail.test>`,
    Date: 'Tue, 01 Dec 2026 09:30:00 +0100',
    ...headers,
  }
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
  return [...lines, '', body.replace(/\r?\n/g, CRLF)].join(CRLF)
}

/** Delivers `raw` to `to` from envelope sender `from`, as Email Routing does. @returns the reason it was rejected, or null */
async function deliver(raw: string | Uint8Array, { from, to }: { from: string; to: string }): Promise<string | null> {
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw
  let rejected: string | null = null
  const message = {
    from,
    to,
    raw: new Blob([bytes]).stream(),
    rawSize: bytes.byteLength,
    headers: new Headers(),
    canBeForwarded: true,
    setReject: (reason: string) => void (rejected = reason),
    forward: () => Promise.resolve({ messageId: '' }),
    reply: () => Promise.resolve({ messageId: '' }),
  }
  await worker.email(message, env)
  return rejected
}

/** The texts of the communications on lead `leadId`'s page, as `client` sees them. */
async function communicationsOn(client: Client, slug: string, leadId: string): Promise<string[]> {
  return texts(await client.html(`/o/${slug}/leads/${leadId}`), '[data-communication-id]')
}

/** The unmatched emails as the owner sees them: subject heading and reason. */
async function inbox(client: Client, slug: string) {
  const page = dom(await client.html(`/o/${slug}/inbox`))
  return [...page.querySelectorAll('[data-unmatched-email]')].map((el) => ({
    id: el.getAttribute('data-unmatched-email')!,
    subject: textOf(el.querySelector('h2')),
    reason: textOf(el.querySelector('[data-unmatched-reason]')),
    text: textOf(el),
  }))
}

let owner: Client
let slug: string
let ownerEmail: string
let agent: { client: Client; email: string }
let address: string
const alma = uniqueEmail('alma')
const bruno = uniqueEmail('bruno')
let almaId: string
let brunoId: string

beforeAll(async () => {
  ;({ client: owner, slug, email: ownerEmail } = await signUp('Inbound Co', 'Olga Owner'))
  agent = await joinAs(owner, slug, 'agent', 'Ada Agent')
  const created = await owner.post(`/o/${slug}/settings/email/rotate`)
  expect(created.status).toBe(303)
  const settings = dom(await owner.html(`/o/${slug}/settings/email`))
  address = settings.querySelector('[data-inbound-address]')!.getAttribute('data-inbound-address')!
  almaId = await createLead(owner, slug, { name: 'Alma Prospect', email: alma })
  brunoId = await createLead(owner, slug, { name: 'Bruno Prospect', email: bruno })
  // The agent works Alma's lead: they see her page and hear of her emails.
  const assigned = await owner.post(`/o/${slug}/leads/${almaId}/assign`, { assigneeId: await userId(agent.email) })
  expect(assigned.status).toBe(303)
})

async function userId(email: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<{ id: string }>()
  return row!.id
}

describe('the address', () => {
  it('is shown in Settings and on the account page with how to use it', async () => {
    expect(address).toMatch(/^inbound-co-[a-z2-9]{12}@in\.leadpool\.example$/)
    const account = dom(await agent.client.html('/account'))
    expect(account.querySelector('[data-inbound-address]')?.getAttribute('data-inbound-address')).toBe(address)
    expect(textOf(account)).toContain('BCC it when you write to a lead')
  })
})

describe('email that matches one lead', () => {
  it('a member BCCs it: logged on the lead as an outbound email with subject, text, sent time and author', async () => {
    const raw = compose(
      { From: `Ada Agent <${agent.email}>`, To: `Alma <${alma}>`, Bcc: address, Subject: 'Our offer' },
      'Hello Alma,\nhere is the offer.',
    )
    expect(await deliver(raw, { from: agent.email, to: address })).toBeNull()
    const [entry] = await communicationsOn(owner, slug, almaId)
    expect(entry).toContain('Outbound email')
    expect(entry).toContain('sent by Ada Agent')
    expect(entry).toContain('Our offer')
    expect(entry).toContain('here is the offer.')
    const page = dom(await owner.html(`/o/${slug}/leads/${almaId}`))
    const time = page.querySelector('[data-communication-id] time')!
    expect(time.getAttribute('datetime')).toBe('2026-12-01T08:30:00.000Z')
  })

  it('a member forwards the lead’s email: logged as inbound from the lead, forwarded by the member', async () => {
    const raw = compose(
      { From: `Olga Owner <${ownerEmail}>`, To: address, Subject: 'Fwd: Question about pricing' },
      `FYI\n\n---------- Forwarded message ---------\nFrom: Alma Prospect <${alma}>\nDate: Mon, 30 Nov 2026\nSubject: Question about pricing\n\nWhat does the big plan cost?`,
    )
    expect(await deliver(raw, { from: ownerEmail, to: address })).toBeNull()
    const [entry] = await communicationsOn(owner, slug, almaId)
    expect(entry).toContain('Inbound email')
    expect(entry).toContain('forwarded by Olga Owner')
    expect(entry).toContain('What does the big plan cost?')
  })

  it('the assignee is told "Email received from …"', async () => {
    const raw = compose(
      { From: `Olga Owner <${ownerEmail}>`, To: address, Subject: 'Fwd: Ready to sign' },
      `---------- Forwarded message ---------\nFrom: <${alma}>\n\nReady to sign.`,
    )
    expect(await deliver(raw, { from: ownerEmail, to: address })).toBeNull()
    const feed = texts(await agent.client.html(`/o/${slug}/notifications`), 'li')
    expect(feed.some((t) => t.includes('Email received from Alma Prospect (forwarded by Olga Owner)'))).toBe(true)
  })
})

/** A BCC from the agent to Alma with `headers` and `body` (raw, as encoded): the newest communication on her page. */
async function bccToAlma(headers: Record<string, string>, body: string | Uint8Array): Promise<string> {
  const head = compose({ From: agent.email, To: alma, Subject: `Kind ${++counter}`, ...headers }, '')
  const raw =
    typeof body === 'string' ? head + body.replace(/\r?\n/g, CRLF) : concat(new TextEncoder().encode(head), body)
  expect(await deliver(raw, { from: agent.email, to: address })).toBeNull()
  return (await communicationsOn(owner, slug, almaId))[0]!
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

describe('the corpus of encodings and shapes', () => {
  it('multipart/alternative: the text part', async () => {
    const entry = await bccToAlma(
      { 'MIME-Version': '1.0', 'Content-Type': 'multipart/alternative; boundary="b1"' },
      '--b1\nContent-Type: text/plain; charset=utf-8\n\nPlain words\n--b1\nContent-Type: text/html; charset=utf-8\n\n<p>Html words</p>\n--b1--\n',
    )
    expect(entry).toContain('Plain words')
    expect(entry).not.toContain('Html words')
  })

  it('HTML only: turned into text, never rendered as HTML', async () => {
    const entry = await bccToAlma(
      { 'MIME-Version': '1.0', 'Content-Type': 'text/html; charset=utf-8' },
      '<html><body><p>Dear <b>Alma</b> &amp; team</p><script>alert(1)</script><img src=x onerror=alert(2)></body></html>',
    )
    expect(entry).toContain('Dear Alma & team')
    const page = dom(await owner.html(`/o/${slug}/leads/${almaId}`))
    const section = page.querySelector('#communications')!
    expect(section.querySelector('script')).toBeNull()
    expect(section.querySelector('img')).toBeNull()
    expect(section.querySelector('b')).toBeNull()
  })

  it('quoted-printable UTF-8', async () => {
    const entry = await bccToAlma(
      { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'quoted-printable' },
      'Caf=C3=A9 at noon, a long line that is soft=\n-broken here.',
    )
    expect(entry).toContain('Café at noon, a long line that is soft-broken here.')
  })

  it('base64', async () => {
    const entry = await bccToAlma(
      { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'base64' },
      btoa('Sent in base64'),
    )
    expect(entry).toContain('Sent in base64')
  })

  it('ISO-8859-1, with an encoded-word subject', async () => {
    const entry = await bccToAlma(
      {
        Subject: '=?ISO-8859-1?Q?R=E9sum=E9?=',
        'Content-Type': 'text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding': '8bit',
      },
      new Uint8Array([0x4e, 0x61, 0xef, 0x76, 0x65, 0x20, 0x63, 0x61, 0x66, 0xe9]),
    )
    expect(entry).toContain('Résumé')
    expect(entry).toContain('Naïve café')
  })

  it('UTF-16', async () => {
    const text = 'Grüße in UTF-16'
    const bytes = new Uint8Array(2 + text.length * 2)
    bytes.set([0xff, 0xfe])
    for (let i = 0; i < text.length; i++) bytes.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2)
    const entry = await bccToAlma(
      { 'Content-Type': 'text/plain; charset=utf-16', 'Content-Transfer-Encoding': 'base64' },
      btoa(String.fromCharCode(...bytes)),
    )
    expect(entry).toContain('Grüße in UTF-16')
  })

  it('attachments only: logged with no text, the attachment listed by name and size, not stored', async () => {
    const pdf = btoa('x'.repeat(3000))
    const entry = await bccToAlma(
      { 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="m1"' },
      `--m1\nContent-Type: application/pdf; name="offer.pdf"\nContent-Disposition: attachment; filename="offer.pdf"\nContent-Transfer-Encoding: base64\n\n${pdf}\n--m1--\n`,
    )
    expect(entry).toContain('(no text)')
    expect(entry).toContain('offer.pdf (3 KB)')
    expect(entry).toContain('not stored')
  })

  it('an empty body and no subject', async () => {
    const entry = await bccToAlma({ Subject: '' }, '')
    expect(entry).toContain('(no subject)')
    expect(entry).toContain('(no text)')
  })

  it('a missing Date: the time it arrived', async () => {
    const before = Date.now()
    await bccToAlma({ Date: '' }, 'No date here')
    const page = dom(await owner.html(`/o/${slug}/leads/${almaId}`))
    const at = Date.parse(page.querySelector('[data-communication-id] time')!.getAttribute('datetime')!)
    expect(at).toBeGreaterThanOrEqual(before - 1000)
  })

  it('the same Message-ID delivered twice, also at the same moment, is logged once', async () => {
    const raw = compose(
      { From: agent.email, To: alma, Subject: 'Only once', 'Message-ID': `<once.${Date.now()}@mail.test>` },
      'Once',
    )
    await deliver(raw, { from: agent.email, to: address })
    await Promise.all([1, 2, 3].map(() => deliver(raw, { from: agent.email, to: address })))
    const entries = await communicationsOn(owner, slug, almaId)
    expect(entries.filter((e) => e.includes('Only once'))).toHaveLength(1)
  })
})

/** The fields of the edit form of communication `id` on Alma's lead, as the owner's browser would send them. */
async function editFormOf(id: string): Promise<{ fields: Record<string, string>; maxlength: number }> {
  const form = dom(await owner.html(`/o/${slug}/leads/${almaId}/communications/${id}/edit`)).querySelector(
    '#edit-communication',
  )!
  const maxlength = Number(form.querySelector('textarea[name="summary"]')!.getAttribute('maxlength'))
  return { fields: Object.fromEntries(formData(form)), maxlength }
}

describe('a long email, once logged', () => {
  it('can be edited: saved as it is or shortened, never refused for the length it came with', async () => {
    const text = Array.from({ length: 800 }, (_, i) => `line ${i} of a long email`).join('\n')
    await bccToAlma({ Subject: 'The long one' }, text)
    const entries = dom(await owner.html(`/o/${slug}/leads/${almaId}`)).querySelectorAll('[data-communication-id]')
    const id = [...entries].find((el) => textOf(el).includes('The long one'))!.getAttribute('data-communication-id')!
    const { fields, maxlength } = await editFormOf(id)
    expect(fields.summary).toBe(`The long one\n\n${text}`)
    expect(maxlength).toBe(fields.summary!.length)

    const asItIs = await owner.post(`/o/${slug}/leads/${almaId}/communications/${id}`, fields)
    expect(asItIs.status).toBe(303)
    const shorter = `The long one\n\n${text.slice(0, 3000)}`
    const cut = await owner.post(`/o/${slug}/leads/${almaId}/communications/${id}`, { ...fields, summary: shorter })
    expect(cut.status).toBe(303)
    const saved = (await communicationsOn(owner, slug, almaId)).find((t) => t.includes('The long one'))
    expect(saved).toContain('line 100 of a long email')
    expect(saved).not.toContain('line 700 of a long email')

    // Once shorter, it may not grow past what it holds now (nor a typed one past 2,000 characters).
    const again = await editFormOf(id)
    const longer = await owner.post(`/o/${slug}/leads/${almaId}/communications/${id}`, {
      ...again.fields,
      summary: `${shorter}!`,
    })
    expect(longer.status).toBe(422)
    expect(errorFor(await longer.text(), 'summary')).toBe(
      `Keep the summary to ${shorter.trim().length.toLocaleString('en-US')} characters or fewer.`,
    )
  })
})

describe('what is refused, with a reason', () => {
  it('an email over 10 MB', async () => {
    const raw = compose({ From: agent.email, To: alma, Subject: 'Huge' }, 'a'.repeat(10 * 1024 * 1024 + 1))
    expect(await deliver(raw, { from: agent.email, to: address })).toMatch(/up to 10 MB/)
  })

  it('an address that was replaced', async () => {
    const other = await signUp('Rotating Co', 'Rita Owner')
    await other.client.post(`/o/${other.slug}/settings/email/rotate`)
    const first = dom(await other.client.html(`/o/${other.slug}/settings/email`))
    const old = first.querySelector('[data-inbound-address]')!.getAttribute('data-inbound-address')!
    await other.client.post(`/o/${other.slug}/settings/email/rotate`)
    const raw = compose({ From: other.email, To: 'x@example.com', Subject: 'To the old address' }, 'Hi')
    expect(await deliver(raw, { from: other.email, to: old })).toMatch(/not a Leadpool address/)
  })
})

describe('what waits in Unmatched email', () => {
  it('a spoofed member address (SPF and DKIM fail at the platform) waits, its results shown', async () => {
    const raw = compose(
      {
        'Authentication-Results': 'mx.cloudflare.net; spf=fail smtp.mailfrom=evil.test; dkim=fail; dmarc=fail',
        'X-Fake': 'x',
        From: agent.email,
        To: alma,
        Subject: 'Spoofed offer',
      },
      'Pay here',
    )
    // A pass the sender wrote into the message below the platform's results counts for nothing.
    const spoofed = raw.replace('X-Fake: x', 'Authentication-Results: evil.test; spf=pass; dkim=pass')
    expect(await deliver(spoofed, { from: 'bounce@evil.test', to: address })).toBeNull()
    const entry = (await inbox(owner, slug)).find((e) => e.subject === 'Spoofed offer')!
    expect(entry.reason).toContain('SPF, DKIM and DMARC did not pass')
    expect(entry.text).toContain('SPF fail · DKIM fail · DMARC fail')
    expect((await communicationsOn(owner, slug, almaId)).some((e) => e.includes('Spoofed offer'))).toBe(false)
  })

  it('a sender who is not a member, several leads, no lead', async () => {
    const stranger = compose({ From: 'Sam <sam@stranger.test>', To: address, Subject: 'Hello from Sam' }, 'Hi')
    const several = compose({ From: agent.email, To: `${alma}, ${bruno}`, Subject: 'To both' }, 'Hi both')
    const nobody = compose({ From: agent.email, To: 'new.person@prospect.test', Subject: 'To a new person' }, 'Hi')
    expect(await deliver(stranger, { from: 'sam@stranger.test', to: address })).toBeNull()
    for (const raw of [several, nobody]) expect(await deliver(raw, { from: agent.email, to: address })).toBeNull()
    const waiting = await inbox(owner, slug)
    const reason = (subject: string) => waiting.find((e) => e.subject === subject)?.reason
    expect(reason('Hello from Sam')).toContain('sam@stranger.test is not a member')
    expect(reason('To both')).toContain('Several leads')
    expect(reason('To a new person')).toContain('No lead has the address new.person@prospect.test')
  })

  it('is for Owners and Admins only', async () => {
    expect((await agent.client.get(`/o/${slug}/inbox`)).status).toBe(403)
  })

  it('an Owner attaches one to a lead, or creates the lead from one', async () => {
    const several = (await inbox(owner, slug)).find((e) => e.subject === 'To both')!
    const attached = await owner.post(`/o/${slug}/inbox/${several.id}/attach`, { leadId: brunoId })
    expect(attached.status).toBe(303)
    expect((await communicationsOn(owner, slug, brunoId))[0]).toContain('To both')
    const nobody = (await inbox(owner, slug)).find((e) => e.subject === 'To a new person')!
    const created = await owner.post(`/o/${slug}/inbox/${nobody.id}/lead`, {
      name: 'New Person',
      email: 'new.person@prospect.test',
    })
    expect(created.status).toBe(303)
    const leadId = created.headers.get('Location')!.split('/').pop()!.split('#')[0]!
    expect((await communicationsOn(owner, slug, leadId))[0]).toContain('To a new person')
    const left = (await inbox(owner, slug)).map((e) => e.subject)
    expect(left).not.toContain('To both')
    expect(left).not.toContain('To a new person')
    // Attaching it again is refused: it is already logged.
    const again = await owner.post(`/o/${slug}/inbox/${several.id}/attach`, { leadId: almaId })
    expect(again.status).toBe(409)
  })

  it('two Owners attaching the same email at once log it once; a bad lead form comes back with the reason', async () => {
    const raw = compose({ From: 'Quinn <quinn@stranger.test>', To: address, Subject: 'Twice at once' }, 'Hi')
    expect(await deliver(raw, { from: 'quinn@stranger.test', to: address })).toBeNull()
    const waiting = (await inbox(owner, slug)).find((e) => e.subject === 'Twice at once')!
    const statuses = await Promise.all(
      [almaId, brunoId].map((leadId) => owner.post(`/o/${slug}/inbox/${waiting.id}/attach`, { leadId })),
    ).then((answers) => answers.map((a) => a.status).sort())
    expect(statuses).toEqual([303, 409])
    const logged = [...(await communicationsOn(owner, slug, almaId)), ...(await communicationsOn(owner, slug, brunoId))]
    expect(logged.filter((e) => e.includes('Twice at once'))).toHaveLength(1)

    const other = compose({ From: 'Rae <rae@stranger.test>', To: address, Subject: 'Bad form' }, 'Hi')
    expect(await deliver(other, { from: 'rae@stranger.test', to: address })).toBeNull()
    const bad = (await inbox(owner, slug)).find((e) => e.subject === 'Bad form')!
    const refused = await owner.post(`/o/${slug}/inbox/${bad.id}/lead`, { name: 'Rae', email: 'not an address' })
    expect(refused.status).toBe(422)
    const page = await refused.text()
    expect(errorFor(page, 'email')).toContain('valid email')
    const form = dom(page).querySelector(`[data-unmatched-email="${bad.id}"] form[action$="/lead"]`)
    expect(form?.querySelector('input[name=email]')?.getAttribute('value')).toBe('not an address')
  })

  it('with "create a lead from an unknown sender" on, the sender becomes a lead at once', async () => {
    expect((await owner.post(`/o/${slug}/settings/email`, { createLeads: '1' })).status).toBe(303)
    const sender = uniqueEmail('walkin')
    const raw = compose({ From: `Walk In <${sender}>`, To: address, Subject: 'I want to buy' }, 'Call me')
    expect(await deliver(raw, { from: sender, to: address })).toBeNull()
    const list = await owner.html(`/o/${slug}/leads?q=${encodeURIComponent(sender)}`)
    const row = dom(list).querySelector('tr[data-lead-id]')
    expect(textOf(row)).toContain('Walk In')
    expect((await communicationsOn(owner, slug, row!.getAttribute('data-lead-id')!))[0]).toContain('I want to buy')
    // A lead writing to the address themselves is logged on their lead, with no member as author.
    const own = compose({ From: `Bruno <${bruno}>`, To: address, Subject: 'Straight from Bruno' }, 'Hello')
    expect(await deliver(own, { from: bruno, to: address })).toBeNull()
    const [entry] = await communicationsOn(owner, slug, brunoId)
    expect(entry).toContain('Straight from Bruno')
    expect(entry).toContain('Inbound email')
    expect(entry).not.toContain('forwarded by')
    await owner.post(`/o/${slug}/settings/email`, {})
  })
})

describe('no message is lost', () => {
  it('any message is logged, waits unmatched, or is rejected with a reason (generated messages)', async () => {
    const senders = [agent.email, ownerEmail, 'x@stranger.test', '']
    const recipients = [alma, bruno, 'nobody@prospect.test', address]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...senders),
        fc.subarray(recipients),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom('7bit', 'quoted-printable', 'base64'),
        async (from, to, subject, body, encoding) => {
          const id = `<gen.${Date.now()}.${++counter}@mail.test>`
          const encoded =
            encoding === 'base64' ? btoa(unescape(encodeURIComponent(body))) : body.replace(/\r?\n/g, CRLF)
          const raw = compose(
            {
              'Message-ID': id,
              From: from,
              To: to.join(', '),
              Subject: subject.replace(/[\r\n]/g, ' '),
              'Content-Type': 'text/plain; charset=utf-8',
              'Content-Transfer-Encoding': encoding,
            },
            encoded,
          )
          const rejected = await deliver(raw, { from: from || 'unknown@stranger.test', to: address })
          const kept = await env.DB.prepare('SELECT COUNT(*) AS n FROM inbound_emails WHERE message_key = ?')
            .bind(id)
            .first<{ n: number }>()
          expect(rejected !== null || kept!.n === 1).toBe(true)
        },
      ),
      { numRuns: 25 },
    )
  })
})
