/**
 * One boundary for text (lib/text.ts, lib/form-encoding.ts): every text input refuses control
 * characters, lone surrogates and text over its limit with one wording, never cuts it to fit; line
 * breaks and tabs are kept in multi-line fields, folded into a space in one-line values other systems
 * send (CSV cells, the API, websites' forms) and refused in Leadpool's own one-line inputs; a form body that is not UTF-8 (a broken
 * percent-escape, invalid bytes in a multipart field) is refused with 422 and a sentence rather
 * than stored as U+FFFD. Each kind is tested with generated inputs on every route it applies to.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formBodyIsUtf8, INVALID_FORM_ENCODING, urlencodedIsUtf8 } from '../src/lib/form-encoding'
import {
  brokenCharacter,
  controlCharacter,
  foldedLine,
  invisibleCharacter,
  lineBreak,
  multiLine,
  optionalFoldedLine,
  optionalMultiLine,
  optionalSingleLine,
  singleLine,
  tooLong,
} from '../src/lib/text'
import {
  Client,
  createLead,
  env,
  errorFor,
  invitationLink,
  joinAs,
  leadIds,
  ORIGIN,
  signUp,
  uniqueEmail,
  uploadAndConfirm,
} from './helpers'
import { dom, textOf } from './dom'

/** C0 controls and DEL other than the line breaks and tab (tab, LF, VT, FF, CR). */
const control = fc
  .oneof(fc.integer({ min: 0, max: 0x08 }), fc.integer({ min: 0x0e, max: 0x1f }), fc.constant(0x7f))
  .map((code) => String.fromCharCode(code))
/** Every line break of Unicode's newline guidelines (CR, LF, CRLF, NEL, VT, FF, LS, PS), and tab. */
const lineBreakChar = fc.constantFrom('\t', '\n', '\r', '\r\n', '\u0085', '\v', '\f', '\u2028', '\u2029')
/** A lone UTF-16 surrogate. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
/** Visible text around an inserted character (never blank, so trimming cannot remove the insert). */
const word = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).map((s) => `a${s.trim()}z`)
/** Text of any script without controls: what people type. */
const typed = fc
  .string({ unit: 'grapheme', maxLength: 60 })
  // eslint-disable-next-line no-control-regex
  .filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s))

/** Bytes that are not UTF-8, as percent-escapes, and broken escapes. */
const badEscape = fc.constantFrom(
  '%FF',
  '%FE',
  '%E2%82',
  '%C0%80',
  '%C3',
  '%80',
  '%ED%A0%80',
  '%F5%80%80%80',
  '%F0%9F%98',
  '%',
  '%G1',
  '%E',
  '%%41',
)

describe('the text rules (lib/text.ts)', () => {
  const blocks = [
    ['singleLine', singleLine('name', 50)],
    ['optionalSingleLine', optionalSingleLine('name', 50)],
    ['multiLine', multiLine('name', 50)],
    ['optionalMultiLine', optionalMultiLine('name', 50)],
    ['foldedLine', foldedLine('name', 50)],
    ['optionalFoldedLine', optionalFoldedLine('name', 50)],
  ] as const

  it('refuses C0 controls and DEL in every kind of field, with one message', () => {
    for (const [kind, schema] of blocks) {
      fc.assert(
        fc.property(word, control, word, (a, c, b) => {
          const result = schema.safeParse(a + c + b)
          expect(result.success, kind).toBe(false)
          expect(result.error!.issues[0]!.message).toBe(controlCharacter('name'))
        }),
      )
    }
  })

  it('refuses line breaks and tabs in one-line form fields, keeps them in multi-line fields (line breaks as LF)', () => {
    fc.assert(
      fc.property(word, lineBreakChar, word, (a, br, b) => {
        for (const schema of [singleLine('name', 50), optionalSingleLine('name', 50)]) {
          expect(schema.safeParse(a + br + b).error?.issues[0]?.message).toBe(lineBreak('name'))
        }
        const stored = multiLine('note', 100).parse(a + br + b)
        expect(stored).toBe(a + (br === '\t' ? '\t' : '\n') + b)
        expect(optionalMultiLine('note', 100).parse(a + br + b)).toBe(stored)
      }),
    )
  })

  it('folds line breaks and tabs of one-line values from other systems into one space', () => {
    /** White space around a line break, as CRM exports and pasted text have it. */
    const around = fc.constantFrom('', ' ', '  ', '\u00a0', ' \t ')
    const breaks = fc.array(
      fc.tuple(around, lineBreakChar, around).map((parts) => parts.join('')),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    // Words keep their own inner spaces: only a run holding a line break becomes one space.
    const words = fc.array(
      word.map((w) => w.replace(/\s+/g, '  ')),
      { minLength: 2, maxLength: 4 },
    )
    fc.assert(
      fc.property(words, breaks, around, (parts, seps, edge) => {
        const sent = edge + parts.map((p, i) => (i === 0 ? p : seps[i % seps.length]! + p)).join('') + edge
        const folded = parts.join(' ')
        expect(foldedLine('company', 200).parse(sent)).toBe(folded)
        expect(optionalFoldedLine('company', 200).parse(sent)).toBe(folded)
      }),
    )
  })

  it('checks the limit after folding: a folded value within it is kept whole, one over it refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 300 }), lineBreakChar, fc.nat(5), (max, br, pad) => {
        const head = 'x'.repeat(max - 2)
        // Longer than the limit as sent, within it once the line break is one space.
        expect(foldedLine('company', max).parse(`${head}${' '.repeat(pad)}${br}y`)).toBe(`${head} y`)
        expect(foldedLine('company', max).safeParse(`${head}x${br}y`).error?.issues[0]?.message).toBe(
          tooLong('company', max),
        )
      }),
    )
  })

  it('refuses C1 controls and bidirectional overrides, embeddings and isolates, and keeps RTL marks', () => {
    const invisible = fc.constantFrom(
      ...[0x80, 0x84, 0x86, 0x9f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) =>
        String.fromCharCode(c),
      ),
    )
    for (const [kind, schema] of blocks) {
      fc.assert(
        fc.property(word, invisible, word, (a, c, b) => {
          expect(schema.safeParse(a + c + b).error?.issues[0]?.message, kind).toBe(invisibleCharacter('name'))
        }),
      )
      // The left-to-right and right-to-left marks are part of ordinary right-to-left text.
      expect(schema.parse('שלום\u200fעולם\u200e'), kind).toBe('שלום\u200fעולם\u200e')
    }
  })

  it('refuses lone surrogates', () => {
    for (const [kind, schema] of blocks) {
      fc.assert(
        fc.property(word, loneSurrogate, word, (a, s, b) => {
          expect(schema.safeParse(a + s + b).error?.issues[0]?.message, kind).toBe(brokenCharacter('name'))
        }),
      )
    }
  })

  it('refuses text over the limit with the shared wording, and keeps text within it whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 50 }), (max, over) => {
        for (const schema of [singleLine('note', max), multiLine('note', max), optionalSingleLine('note', max)]) {
          expect(schema.safeParse('x'.repeat(max + over)).error?.issues[0]?.message).toBe(tooLong('note', max))
          expect(schema.parse('x'.repeat(max))).toBe('x'.repeat(max))
        }
      }),
    )
    expect(tooLong('handoff note', 2000)).toBe('Keep the handoff note to 2,000 characters or fewer.')
  })

  it('accepts what people type in any script, trimmed, in Unicode NFC and otherwise unchanged', () => {
    fc.assert(
      fc.property(typed, (text) => {
        expect(optionalSingleLine('name', 1000).parse(text)).toBe(text.trim().normalize('NFC'))
        expect(optionalMultiLine('name', 1000).parse(text)).toBe(text.trim().normalize('NFC'))
        expect(optionalSingleLine('name', 1000).parse(text.normalize('NFD'))).toBe(text.trim().normalize('NFC'))
      }),
    )
  })
})

describe('the UTF-8 check of form bodies (lib/form-encoding.ts)', () => {
  it('accepts every urlencoded body a browser sends for well-formed text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' })), (fields) => {
        const body = new TextEncoder().encode(new URLSearchParams(fields).toString())
        expect(urlencodedIsUtf8(body)).toBe(true)
      }),
    )
  })

  it('refuses an urlencoded body with a broken percent-escape or invalid UTF-8 anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), badEscape, fc.string({ unit: 'grapheme' }), (a, bad, b) => {
        const body = `name=${encodeURIComponent(a)}${bad}${encodeURIComponent(b)}&x=1`
        expect(urlencodedIsUtf8(new TextEncoder().encode(body)), body).toBe(false)
      }),
    )
    // Raw (unescaped) bytes that are not UTF-8.
    expect(urlencodedIsUtf8(new Uint8Array([0x61, 0x3d, 0xff]))).toBe(false)
  })

  it('checks the text parts of a multipart body and leaves files alone', async () => {
    const encoded = async (form: FormData) => {
      const request = new Request(ORIGIN, { method: 'POST', body: form })
      return { type: request.headers.get('Content-Type')!, bytes: new Uint8Array(await request.arrayBuffer()) }
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.uint8Array(), async (text, fileBytes) => {
        const form = new FormData()
        form.set('name', text)
        form.set('file', new File([fileBytes], 'any.bin'))
        const { type, bytes } = await encoded(form)
        expect(formBodyIsUtf8(type, bytes)).toBe(true)
      }),
    )
    const withBadField = multipart([{ name: 'name', bytes: new Uint8Array([0x41, 0xff, 0x42]) }])
    expect(formBodyIsUtf8(withBadField.type, withBadField.body)).toBe(false)
    const withBadFile = multipart([{ name: 'file', fileName: 'a.csv', bytes: new Uint8Array([0xff, 0xfe, 0x00]) }])
    expect(formBodyIsUtf8(withBadFile.type, withBadFile.body)).toBe(true)
  })
})

/** A multipart body built byte by byte (FormData cannot carry bytes that are not UTF-8 in a text field). */
function multipart(parts: { name: string; fileName?: string; bytes: Uint8Array }[]) {
  const boundary = 'TestBoundary7MA4YWxkTrZu0gW'
  const chunks: Uint8Array[] = []
  const text = (s: string) => chunks.push(new TextEncoder().encode(s))
  for (const part of parts) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`)
    text(part.fileName ? `; filename="${part.fileName}"\r\nContent-Type: text/csv\r\n\r\n` : '\r\n\r\n')
    chunks.push(part.bytes)
    text('\r\n')
  }
  text(`--${boundary}--\r\n`)
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    body.set(c, at)
    at += c.length
  }
  return { type: `multipart/form-data; boundary=${boundary}`, body }
}

/** Posts an urlencoded body exactly as given (so it may carry broken escapes). */
function postRaw(client: Client, path: string, body: string) {
  return client.request(path, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
}

async function leadCount(orgSlug: string): Promise<number> {
  const row = await env.DB.prepare(
    'SELECT count(*) AS n FROM leads JOIN organizations o ON o.id = leads.org_id WHERE o.slug = ?',
  )
    .bind(orgSlug)
    .first<{ n: number }>()
  return row!.n
}

/** An organization with an Owner, an Agent and a lead assigned to the Agent. */
async function org() {
  const owner = await signUp('Text Org', 'Tess Owner')
  const agent = await joinAs(owner.client, owner.slug, 'agent', 'Abe Agent')
  const other = await joinAs(owner.client, owner.slug, 'agent', 'Oda Agent')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Boundary Lead' })
  expect(
    (await owner.client.post(`/o/${owner.slug}/leads/${leadId}/assign`, { assigneeId: agent.userId })).status,
  ).toBe(303)
  return { owner, agent, other, slug: owner.slug, leadId }
}

/**
 * Bad text of each kind for a single-line field of `label` limited to `max`, with the message it must get;
 * a line break is bad only where the field refuses it (`refuse`, Leadpool's own forms) rather than folds it.
 */
function badSingleLine(label: string, max: number, lines: 'refuse' | 'fold' = 'refuse') {
  const breaks = fc
    .tuple(word, lineBreakChar, word)
    .map(([a, br, b]) => ({ text: a + br + b, message: lineBreak(label) }))
  return fc.oneof(
    fc.tuple(word, control, word).map(([a, c, b]) => ({ text: a + c + b, message: controlCharacter(label) })),
    ...(lines === 'refuse' ? [breaks] : []),
    fc.integer({ min: 1, max: 500 }).map((over) => ({ text: 'x'.repeat(max + over), message: tooLong(label, max) })),
    fc
      .tuple(word, fc.constantFrom('\u202e', '\u2066', '\u009b'), word)
      .map(([a, c, b]) => ({ text: a + c + b, message: invisibleCharacter(label) })),
  )
}

describe('every text route refuses bad text with the shared message (422), and stores nothing', () => {
  it('the lead form: name, phone, company, source, email', async () => {
    const { owner, slug } = await org()
    const before = await leadCount(slug)
    const fields = [
      ['name', 'name', 200],
      ['phone', 'phone number', 50],
      ['company', 'company', 200],
      ['source', 'source', 100],
      ['email', 'email address', 254],
    ] as const
    for (const [field, label, max] of fields) {
      await fc.assert(
        fc.asyncProperty(badSingleLine(label, max), async ({ text, message }) => {
          const res = await owner.client.post(`/o/${slug}/leads`, { name: 'Valid Name', [field]: text })
          expect(res.status, field).toBe(422)
          expect(errorFor(await res.text(), field)).toBe(message)
        }),
        { numRuns: 8 },
      )
    }
    expect(await leadCount(slug)).toBe(before)
  })

  it('sign-up, a new organization, an invitation (new account) and the invite form', async () => {
    const cases: [string, string, number, (text: string) => Promise<Response>][] = []
    const signedIn = await signUp('Signed In Org')
    cases.push(
      ['name', 'name', 100, (t) => new Client().post('/signup', signupFields({ name: t }))],
      [
        'organization',
        'organization name',
        100,
        (t) => new Client().post('/signup', signupFields({ organization: t })),
      ],
      ['email', 'email address', 254, (t) => new Client().post('/signup', signupFields({ email: t }))],
      ['organization', 'organization name', 100, (t) => signedIn.client.post('/orgs', { organization: t })],
      [
        'email',
        'email address',
        254,
        (t) => signedIn.client.post(`/o/${signedIn.slug}/team/invitations`, { email: t, role: 'agent' }),
      ],
    )
    for (const [field, label, max, send] of cases) {
      await fc.assert(
        fc.asyncProperty(badSingleLine(label, max), async ({ text, message }) => {
          const res = await send(text)
          expect(res.status, `${field}: ${JSON.stringify(text.slice(0, 20))}`).toBe(422)
          expect(errorFor(await res.text(), field)).toBe(message)
        }),
        { numRuns: 6 },
      )
    }
    const email = uniqueEmail('invited')
    await signedIn.client.post(`/o/${signedIn.slug}/team/invitations`, { email, role: 'agent' })
    const link = await invitationLink(email)
    await fc.assert(
      fc.asyncProperty(badSingleLine('name', 100), async ({ text, message }) => {
        const res = await new Client().post(link, { name: text, password: 'correct-horse-2' })
        expect(res.status).toBe(422)
        expect(errorFor(await res.text(), 'name')).toBe(message)
      }),
      { numRuns: 6 },
    )
    const password = await new Client().post('/signup', signupFields({ password: 'correct\u0000horse-1' }))
    expect(password.status).toBe(422)
    expect(errorFor(await password.text(), 'password')).toBe(controlCharacter('password'))
  })

  it('handoff notes: one limit and one message on the lead page, the list row and the bulk bar', async () => {
    const { owner, other, slug, leadId } = await org()
    const notes = fc.oneof(
      fc
        .tuple(word, control, word)
        .map(([a, c, b]) => ({ text: a + c + b, message: controlCharacter('handoff note') })),
      fc.integer({ min: 1, max: 3000 }).map((over) => ({
        text: 'n'.repeat(2000 + over),
        message: tooLong('handoff note', 2000),
      })),
    )
    await fc.assert(
      fc.asyncProperty(notes, async ({ text, message }) => {
        const page = await owner.client.post(`/o/${slug}/leads/${leadId}/assign`, {
          assigneeId: other.userId,
          note: text,
        })
        expect(page.status).toBe(422)
        expect(await page.text()).toContain(escapeHtml(message))
        const row = await owner.client.post(
          `/o/${slug}/leads/${leadId}/assign`,
          { assigneeId: other.userId, note: text, from: 'list' },
          { 'HX-Request': 'true' },
        )
        expect(row.status).toBe(422)
        const menu = dom(`<table>${await row.text()}</table>`).querySelector('.row-menu [role="alert"]')
        expect(textOf(menu)).toBe(message)
        const bulk = await owner.client.post(`/o/${slug}/leads/bulk-assign`, {
          assigneeId: other.userId,
          leadIds: leadId,
          note: text,
        })
        expect(bulk.status).toBe(422)
        expect(textOf(dom(await bulk.text()).querySelector('#bulk-notice'))).toBe(message)
      }),
      { numRuns: 8 },
    )
    // Nothing was reassigned and no note was saved (cut to 2,000 or otherwise).
    const primary = await env.DB.prepare("SELECT user_id FROM lead_assignees WHERE lead_id = ? AND kind = 'primary'")
      .bind(leadId)
      .first<{ user_id: string }>()
    expect(primary!.user_id).not.toBe(other.userId)
    const notes2 = await env.DB.prepare('SELECT count(*) AS n FROM notes WHERE lead_id = ?')
      .bind(leadId)
      .first<{ n: number }>()
    expect(notes2!.n).toBe(0)
    // A multi-line note of exactly 2,000 characters goes through whole, its line breaks as LF.
    const note = `why\r\n${'w'.repeat(1996)}`
    expect(
      (await owner.client.post(`/o/${slug}/leads/${leadId}/assign`, { assigneeId: other.userId, note })).status,
    ).toBe(303)
    const saved = await env.DB.prepare('SELECT body FROM notes WHERE lead_id = ?')
      .bind(leadId)
      .first<{ body: string }>()
    expect(saved!.body).toBe(note.replace('\r\n', '\n'))
  })

  it('the search: too long or with a control character is refused with the message, never cut to fit', async () => {
    const { owner, agent, slug } = await org()
    const long = 'Boundary Lead'.padEnd(201, 'x')
    for (const client of [owner.client, agent.client]) {
      await fc.assert(
        fc.asyncProperty(badSingleLine('search', 200), async ({ text, message }) => {
          const url = `/o/${slug}/leads?q=${encodeURIComponent(text)}`
          const page = await client.get(url)
          expect(page.status, url).toBe(422)
          const html = await page.text()
          expect(textOf(dom(html).querySelector('#bulk-notice'))).toBe(message)
          expect(leadIds(html)).toEqual([])
          const fragment = await client.get(url, { 'HX-Request': 'true', 'HX-Target': 'lead-results' })
          expect(fragment.status).toBe(422)
          expect(textOf(dom(await fragment.text()).querySelector('#lead-results #bulk-notice'))).toBe(message)
          expect((await client.get(`/o/${slug}/leads/export.csv?q=${encodeURIComponent(text)}`)).status).toBe(422)
        }),
        { numRuns: 5 },
      )
      // Before, the first 200 characters were searched for, silently.
      expect((await client.get(`/o/${slug}/leads?q=${encodeURIComponent(long)}`)).status).toBe(422)
    }
    const bulk = await owner.client.post(`/o/${slug}/leads/bulk-assign`, {
      assigneeId: 'none',
      all: '1',
      match_q: long,
    })
    expect(bulk.status).toBe(422)
    expect(textOf(dom(await bulk.text()).querySelector('#bulk-notice'))).toBe(tooLong('search', 200))
  })

  it('the CSV import: cells follow the same rules (line breaks folded), each bad row named with the message', async () => {
    const { owner, slug } = await org()
    await fc.assert(
      fc.asyncProperty(badSingleLine('company', 200, 'fold'), async ({ text: cellText, message }) => {
        // (A NUL anywhere makes the whole file "not UTF-8 text": another control stands in for it.)
        const text = cellText.replaceAll(String.fromCharCode(0), String.fromCharCode(1))
        const quoted = `"${text.replace(/"/g, '""')}"`
        const csv = `Name,Email,Company\nGood Row,good.${Math.random()}@example.com,Acme\nBad Row,,${quoted}\n`
        const path = await uploadAndConfirm(owner.client, slug, 'cells.csv', csv)
        const report = await owner.client.html(path)
        expect(report).toContain(escapeHtml(`company: ${message}`))
      }),
      { numRuns: 6 },
    )
  })
})

describe('form bodies that are not UTF-8 are refused (422), never stored as U+FFFD', () => {
  it('on every form route (urlencoded, with generated broken escapes)', async () => {
    const { owner, agent, slug, leadId } = await org()
    const invited = uniqueEmail('invited')
    await owner.client.post(`/o/${slug}/team/invitations`, { email: invited, role: 'agent' })
    const link = await invitationLink(invited)
    /** [who, path, a body with `BAD` where the broken bytes go] */
    const routes: [Client, string, string][] = [
      [new Client(), '/signup', 'name=Ann%20BAD&email=ann@example.com&password=correct-horse-1&organization=Org'],
      [new Client(), '/login', 'email=annBAD@example.com&password=correct-horse-1'],
      [owner.client, '/orgs', 'organization=OrgBAD'],
      [new Client(), link, 'name=NewBAD&password=correct-horse-2'],
      [owner.client, `/o/${slug}/leads`, 'name=Caf%C3%A9BAD&company=x'],
      [agent.client, `/o/${slug}/leads`, 'name=AgentBAD'],
      [owner.client, `/o/${slug}/leads/${leadId}/assign`, 'assigneeId=none&note=BAD'],
      [owner.client, `/o/${slug}/leads/bulk-assign`, `assigneeId=none&leadIds=${leadId}&note=BAD`],
      [owner.client, `/o/${slug}/leads/${leadId}/status`, 'status=wonBAD'],
      [agent.client, `/o/${slug}/leads/${leadId}/status`, 'status=won&x=BAD'],
      [owner.client, `/o/${slug}/leads/${leadId}/pool`, 'inPool=1&x=BAD'],
      [owner.client, `/o/${slug}/leads/${leadId}/assignees`, 'userId=BAD'],
      [owner.client, `/o/${slug}/team/invitations`, 'email=xBAD@example.com&role=agent'],
      [owner.client, `/o/${slug}/team/${agent.userId}/role`, 'role=adminBAD'],
      [owner.client, `/o/${slug}/settings`, 'poolEnabled=1&x=BAD'],
    ]
    const before = await leadCount(slug)
    for (const [client, path, body] of routes) {
      await fc.assert(
        fc.asyncProperty(badEscape, fc.string({ unit: 'grapheme', maxLength: 10 }), async (bad, extra) => {
          const sent = body.replace('BAD', encodeURIComponent(extra) + bad)
          const res = await postRaw(client, path, sent)
          expect(res.status, `${path} ${sent}`).toBe(422)
          expect(await res.text()).toContain(escapeHtml(INVALID_FORM_ENCODING))
        }),
        { numRuns: 6 },
      )
    }
    expect(await leadCount(slug)).toBe(before)
    const lead = await env.DB.prepare('SELECT status, in_pool FROM leads WHERE id = ?')
      .bind(leadId)
      .first<{ status: string; in_pool: number }>()
    expect(lead).toEqual({ status: 'new', in_pool: 0 })
    const fffd = await env.DB.prepare(
      "SELECT count(*) AS n FROM leads WHERE name LIKE '%' || char(65533) || '%'",
    ).first<{
      n: number
    }>()
    expect(fffd!.n).toBe(0)
  })

  it('in a multipart form (the lead form sent as multipart, the import form)', async () => {
    const { owner, slug } = await org()
    const before = await leadCount(slug)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom([0xff], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80]),
        async (bytes) => {
          const name = new Uint8Array([0x41, ...bytes, 0x42])
          const lead = multipart([{ name: 'name', bytes: name }])
          const res = await owner.client.request(`/o/${slug}/leads`, {
            method: 'POST',
            body: lead.body,
            headers: { 'Content-Type': lead.type },
          })
          expect(res.status).toBe(422)
          expect(await res.text()).toContain(escapeHtml(INVALID_FORM_ENCODING))
          const upload = multipart([
            { name: 'note', bytes: name },
            { name: 'file', fileName: 'a.csv', bytes: new TextEncoder().encode('Name\nFrom Import\n') },
          ])
          const imported = await owner.client.request(`/o/${slug}/leads/import`, {
            method: 'POST',
            body: upload.body,
            headers: { 'Content-Type': upload.type },
          })
          expect(imported.status).toBe(422)
        },
      ),
      { numRuns: 10 },
    )
    expect(await leadCount(slug)).toBe(before)
  })

  it('while well-formed text in any script, sent percent-encoded or as multipart, is stored as sent, in NFC', async () => {
    const { owner, slug } = await org()
    await fc.assert(
      fc.asyncProperty(
        typed.map((s) => s.trim()).filter((s) => s.length > 0 && s.normalize('NFC').length <= 200),
        fc.boolean(),
        async (name, asMultipart) => {
          const form = new FormData()
          form.set('name', name)
          const res = asMultipart
            ? await owner.client.request(`/o/${slug}/leads`, { method: 'POST', body: form })
            : await owner.client.post(`/o/${slug}/leads`, { name })
          expect(res.status, JSON.stringify(name)).toBe(303)
          const id = res.headers.get('Location')!.split('/').pop()!
          const row = await env.DB.prepare('SELECT name FROM leads WHERE id = ?').bind(id).first<{ name: string }>()
          expect(row!.name).toBe(name.normalize('NFC'))
        },
      ),
      { numRuns: 15 },
    )
  })
})

function signupFields(overrides: Record<string, string>) {
  return {
    name: 'Sam Signup',
    email: uniqueEmail('signup'),
    password: 'correct-horse-1',
    organization: 'Signup Org',
    ...overrides,
  }
}

/** How hono/jsx escapes text in HTML. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
