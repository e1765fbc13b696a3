/**
 * A line break costs no lead (issue 21): the one-line values other systems send (a CSV cell, the API, a
 * website's form) have their line breaks and tabs folded into one space (lib/text.ts `foldedLine`) and the
 * import's report says how many rows were cleaned; NUL and bytes that are not UTF-8 are still refused with 422
 * and a sentence; Leadpool's own lead forms still refuse a line break, which the person can remove.
 */
import fc from 'fast-check'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import salesforceCsv from './fixtures/salesforce-lead-export.csv?raw'
import { parseLeadCsv } from '../src/imports/parse'
import { INVALID_FORM_ENCODING } from '../src/lib/form-encoding'
import { controlCharacter, lineBreak } from '../src/lib/text'
import { rows } from './concurrency'
import { reloadUntil } from './poll'
import { dom, textOf } from './dom'
import { Client, createLead, signUp, uniqueEmail, uploadAndConfirm } from './helpers'

/** Every line break lib/text.ts folds (CR, LF, CRLF, NEL, VT, FF, LS, PS), and tab. */
const breakChar = fc.constantFrom('\r\n', '\n', '\r', '\t', '\u0085', '\v', '\f', '\u2028', '\u2029')
/** A word of a name or a company. */
const word = fc.stringMatching(/^[A-Z][a-z]{1,8}$/)

/** A one-line value written over several lines, as sent (`sent`) and as Leadpool must store it (`stored`). */
const broken = fc
  .tuple(
    fc.array(word, { minLength: 2, maxLength: 4 }),
    fc.array(fc.tuple(fc.constantFrom('', ' ', '  '), breakChar, fc.constantFrom('', ' ', '\t')), {
      minLength: 3,
      maxLength: 3,
    }),
  )
  .map(([parts, seps]) => ({
    sent: parts.map((part, i) => (i === 0 ? part : seps[i - 1]!.join('') + part)).join(''),
    stored: parts.join(' '),
  }))

/** The lead fields with one line each, and their labels in messages. */
const LABELS = { name: 'name', phone: 'phone number', company: 'company', source: 'source' } as const
type Field = keyof typeof LABELS

/** Values for every one-line field of a lead, each written over several lines. */
const brokenLead = fc.record({ name: broken, phone: broken, company: broken, source: broken })

const sentOf = (lead: Record<Field, { sent: string }>) =>
  Object.fromEntries(Object.entries(lead).map(([field, v]) => [field, v.sent])) as Record<Field, string>
const storedOf = (lead: Record<Field, { stored: string }>) =>
  Object.fromEntries(Object.entries(lead).map(([field, v]) => [field, v.stored])) as Record<Field, string>

/** A field and a value holding NUL somewhere in it. */
const withNul = fc.tuple(fc.constantFrom<Field>('name', 'phone', 'company', 'source'), word, word)

/** The saved lead with `email` (lower case), as stored. */
async function savedLead(email: string) {
  const [lead] = await rows<Record<Field, string>>(
    'SELECT name, phone, company, source FROM leads WHERE email_normalized = ?',
    email.toLowerCase(),
  )
  return lead
}

/** Reloads the import page, as its progress bar does, until the report shows; returns the page. */
async function finishedReport(client: Client, path: string) {
  return dom(await reloadUntil(client, path, 'data-status="done"'))
}

describe('an import whose one-line cells hold line breaks (a CRM export)', () => {
  const [header, ...records] = Papa.parse<string[]>(salesforceCsv.replace(/^\uFEFF/, ''), {
    skipEmptyLines: true,
  }).data
  const column = (name: string) => header!.indexOf(name)
  /** Salesforce's column of each field. */
  const COLUMNS: Record<Field, string> = { name: 'Name', phone: 'Phone', company: 'Company', source: 'LeadSource' }

  it('reads the columns from the header line, whatever tabs and line breaks the cells below hold', () => {
    // The first lead's company over three lines indented with tabs once made a tab look like the delimiter.
    const record = [...records[0]!]
    record[column('Company')] = 'Analytical\r\n\tEngines\t\tLtd\t\tInc'
    const parsed = parseLeadCsv(`${Papa.unparse([header!, record], { newline: '\r\n' })}\r\n`)
    expect(parsed.rows).toMatchObject([{ name: 'William Lee', company: 'Analytical Engines Ltd Inc' }])
    expect(parsed.report).toMatchObject({ rejected: [], cleanedRows: 1 })
  })

  it('keeps every row, stores its values on one line and says in the report how many rows were cleaned', async () => {
    const { client, slug } = await signUp('Fold Import Org')
    let run = 0
    // Per row of the export: nothing changed, or one field (most often the Company) written over several lines.
    const change = fc.option(
      fc.tuple(fc.constantFrom<Field>('company', 'company', 'name', 'phone', 'source'), broken),
      {
        nil: null,
      },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 8 }), async (changes) => {
        run++
        const emails: string[] = []
        const file = changes.map((changed, i) => {
          const record = [...records[i]!]
          record[column('Email')] = `run${run}.${record[column('Email')]}`
          emails.push(record[column('Email')]!)
          if (changed) record[column(COLUMNS[changed[0]])] = changed[1].sent
          return record
        })
        const csv = `\uFEFF${Papa.unparse([header!, ...file], { newline: '\r\n' })}\r\n`
        const report = await finishedReport(client, await uploadAndConfirm(client, slug, `crm-${run}.csv`, csv))
        expect(textOf(report.querySelector('[data-count="created"]'))).toBe(String(changes.length))
        expect(textOf(report.querySelector('[data-count="rejected"]'))).toBe('0')
        const cleaned = changes.filter((c) => c !== null).length
        const said = report.querySelector('[data-cleaned-rows]')
        if (cleaned === 0) expect(said).toBeNull()
        else expect(textOf(said)).toMatch(new RegExp(`^${cleaned} rows? of the file had line breaks or tabs`))
        for (const [i, changed] of changes.entries()) {
          if (!changed) continue
          expect((await savedLead(emails[i]!))?.[changed[0]]).toBe(changed[1].stored)
        }
      }),
      { numRuns: 8 },
    )
  })
})

describe('the API and the web form', () => {
  async function apiKey(owner: Client, slug: string): Promise<string> {
    const res = await owner.post(`/o/${slug}/settings/api-keys`, {
      name: 'CRM sync',
      scope_read: '1',
      scope_write: '1',
      scope_assign: '1',
    })
    expect(res.status).toBe(201)
    const key = dom(await res.text()).querySelector('[data-api-key]')
    return textOf(key)
  }

  /** Gives the organization a form key through the settings page; returns the form's path. */
  async function webForm(owner: Client, slug: string): Promise<string> {
    expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
    const [org] = await rows<{ form_key: string }>('SELECT form_key FROM organizations WHERE slug = ?', slug)
    return `/f/${org!.form_key}`
  }

  const sendJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Client().request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example', ...headers },
      body: JSON.stringify(body),
    })

  it('store one-line values sent over several lines on one line, and keep the message’s line breaks', async () => {
    const { client: owner, slug } = await signUp('Fold Intake Org')
    const key = await apiKey(owner, slug)
    const form = await webForm(owner, slug)
    const message = 'Line one\r\nLine two'
    await fc.assert(
      fc.asyncProperty(brokenLead, fc.constantFrom('api', 'form post', 'form JSON'), async (lead, way) => {
        const email = uniqueEmail('fold')
        const fields = { ...sentOf(lead), email: `\r\n${email}\t`, message }
        const res =
          way === 'api'
            ? await sendJson('/api/v1/leads', fields, { Authorization: `Bearer ${key}` })
            : way === 'form JSON'
              ? await sendJson(form, fields)
              : await new Client().post(form, fields)
        expect(res.status, way).toBe(way === 'form post' ? 303 : 201)
        if (way === 'api') expect(await res.json()).toMatchObject({ ...storedOf(lead), email })
        expect(await savedLead(email)).toEqual(storedOf(lead))
        const [note] = await rows<{ body: string }>(
          'SELECT n.body FROM notes n JOIN leads l ON l.id = n.lead_id WHERE l.email_normalized = ?',
          email,
        )
        expect(note!.body).toBe('Line one\nLine two')
      }),
      { numRuns: 12 },
    )
  })

  it('make one lead, on one line, of the same lead sent over several lines by the API and the form at once', async () => {
    const { client: owner, slug } = await signUp('Fold Race Org')
    const key = await apiKey(owner, slug)
    const form = await webForm(owner, slug)
    await fc.assert(
      fc.asyncProperty(brokenLead, async (lead) => {
        const email = uniqueEmail('race')
        const fields = { ...sentOf(lead), email: `${email}\r\n` }
        const answers = await Promise.all([
          sendJson('/api/v1/leads', fields, { Authorization: `Bearer ${key}` }),
          sendJson(form, fields),
          new Client().post(form, fields),
          sendJson(
            '/api/v1/leads',
            { ...fields, email: `\t${email.toUpperCase()}` },
            { Authorization: `Bearer ${key}` },
          ),
        ])
        for (const answer of answers) expect([200, 201, 303]).toContain(answer.status)
        const saved = await rows<Record<Field, string>>(
          'SELECT name, phone, company, source FROM leads WHERE email_normalized = ?',
          email.toLowerCase(),
        )
        expect(saved).toEqual([storedOf(lead)])
      }),
      { numRuns: 4 },
    )
  })

  it('still refuse NUL (422, the field’s message) and a form body that is not UTF-8, saving nothing', async () => {
    const { client: owner, slug } = await signUp('Nul Intake Org')
    const key = await apiKey(owner, slug)
    const form = await webForm(owner, slug)
    await fc.assert(
      fc.asyncProperty(withNul, async ([field, a, b]) => {
        const email = uniqueEmail('nul')
        const fields = { name: 'Nul Visitor', email, [field]: `${a}\u0000${b}` }
        const api = await sendJson('/api/v1/leads', fields, { Authorization: `Bearer ${key}` })
        expect(api.status).toBe(422)
        expect((await api.json<{ errors: Record<string, string> }>()).errors[field]).toBe(
          controlCharacter(LABELS[field]),
        )
        const json = await sendJson(form, fields)
        expect(json.status).toBe(422)
        const posted = await new Client().post(form, fields)
        expect(posted.status).toBe(422)
        expect(textOf(dom(await posted.text()))).toContain(controlCharacter(LABELS[field]))
        expect(await savedLead(email)).toBeUndefined()
      }),
      { numRuns: 8 },
    )
    const email = uniqueEmail('bytes')
    const notUtf8 = await new Client().request(form, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `name=Caf%E9&email=${encodeURIComponent(email)}`,
    })
    expect(notUtf8.status).toBe(422)
    expect(textOf(dom(await notUtf8.text()))).toContain(INVALID_FORM_ENCODING)
    expect(await savedLead(email)).toBeUndefined()
  })
})

describe('Leadpool’s own lead forms', () => {
  it('still refuse a line break in a one-line field, saying so on the field, and save nothing', async () => {
    const { client, slug } = await signUp('Form Org')
    const leadId = await createLead(client, slug, { name: 'Grace Hopper', company: 'Navy' })
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Field>('name', 'phone', 'company', 'source'), broken, async (field, value) => {
        const created = await client.post(`/o/${slug}/leads`, { name: 'New Lead', [field]: value.sent })
        expect(created.status).toBe(422)
        const createForm = dom(await created.text())
        expect(textOf(createForm.querySelector(`[data-error-for="${field}"]`))).toBe(lineBreak(LABELS[field]))
        const edited = await client.post(`/o/${slug}/leads/${leadId}/edit`, {
          name: 'Grace Hopper',
          [field]: value.sent,
        })
        expect(edited.status).toBe(422)
        const editForm = dom(await edited.text())
        expect(textOf(editForm.querySelector(`[data-error-for="${field}"]`))).toBe(lineBreak(LABELS[field]))
      }),
      { numRuns: 6 },
    )
    const [lead] = await rows<{ name: string; company: string }>('SELECT name, company FROM leads WHERE id = ?', leadId)
    expect(lead).toEqual({ name: 'Grace Hopper', company: 'Navy' })
    const [count] = await rows<{ n: number }>(
      'SELECT count(*) AS n FROM leads l JOIN organizations o ON o.id = l.org_id WHERE o.slug = ?',
      slug,
    )
    expect(count!.n).toBe(1)
  })
})
