/**
 * Property-based tests (fast-check) of invariants stated in the issues: the CSV export reads back
 * through the import unchanged and never leaves a cell a spreadsheet would evaluate; organization
 * slugs are URL-safe; the `next` redirect never leaves the site; import chunks fit a queue message.
 */
import fc from 'fast-check'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { safeNext } from '../src/auth/safe-next'
import { createDb } from '../src/db/client'
import { LEAD_STATUSES } from '../src/db/schema'
import { EXPORT_HEADERS, exportTime, leadsCsv, type ExportLead } from '../src/leads/export'
import { emailKey, leadSchema, type LeadInput } from '../src/leads/fields'
import { chunkImportRows } from '../src/imports/jobs'
import { parseLeadCsv, unguardCell, type ImportRow } from '../src/imports/parse'
import { jsonBytes, MAX_MESSAGE_BYTES } from '../src/imports/queue'
import { ROWS_PER_CHUNK } from '../src/imports/writer'
import { newId } from '../src/lib/ids'
import { controlCharacter } from '../src/lib/text'
import { slugify, uniqueSlug } from '../src/orgs/organizations'
import { env } from './helpers'

const RUNS = { numRuns: 200 }

/** Characters that break naive CSV writers, readers or spreadsheets. */
const TRICKY = [
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '"',
  '""',
  ',',
  ';',
  "'",
  ' ',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u000b',
  '\uFEFF',
  '\u00a0',
  'é',
  'ß',
  '漢',
  '😀',
  '👩‍👩‍👧',
  'İ',
  '%',
  '\\',
  '\u0000',
]
/** One unit of text: a tricky character or any grapheme. */
const unit = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }))
/** Text of at most `max` UTF-16 code units made of tricky units, often starting with a formula character. */
const text = (max: number) =>
  fc
    .tuple(
      fc.constantFrom('', '', '=', '+', '-', '@', "'", "'=", "''+", '\t', '\r'),
      fc.string({ unit, maxLength: 12 }),
    )
    .map(([start, rest]) => (start + rest).slice(0, max))

/** Emails zod accepts, including local parts starting with `'`, `+`, `-`. */
const email = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9_'+-]{1,6}[A-Za-z0-9_+-]@[a-z0-9]{1,6}\.(com|de|io)$/),
)

/**
 * A lead as the create form saves it (the same zod schema, so only text the text rules of lib/text.ts
 * accept: no control characters or line breaks), or null when the form rejects it.
 */
const leadInput = fc
  .record({
    name: text(200),
    email,
    phone: fc.oneof(text(50), fc.constant('+49 30 1234567')),
    company: text(200),
    source: text(100),
    status: fc.constantFrom(...LEAD_STATUSES),
  })
  .map((raw) => {
    const parsed = leadSchema.safeParse(raw)
    return parsed.success ? parsed.data : null
  })
  .filter((l): l is LeadInput => l !== null)

const exportLead = (l: LeadInput, assignees: string[], inPool: boolean): ExportLead => ({
  ...l,
  id: newId(),
  inPool,
  assignees,
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
})

/** Leads with distinct emails (the import keeps the first of a repeated email). */
const leadsArb = fc
  .array(fc.tuple(leadInput, fc.array(text(100), { maxLength: 3 }), fc.boolean()), { minLength: 1, maxLength: 6 })
  .map((items) => {
    const seen = new Set<string>()
    return items
      .filter(([l]) => {
        const key = emailKey(l.email)
        if (!key) return true
        if (seen.has(key)) return false
        seen.add(key)
        return true
      })
      .map(([l, assignees, inPool]) => exportLead(l, assignees, inPool))
  })

const fields = (l: LeadInput) => ({
  name: l.name,
  email: l.email,
  phone: l.phone,
  company: l.company,
  source: l.source,
  status: l.status,
})

/** Cells a spreadsheet evaluates as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/

describe('CSV export → import round trip', () => {
  it('gives back the same name, email, phone, company, source and status for generated leads', () => {
    fc.assert(
      fc.property(leadsArb, (leads) => {
        // The route sends a BOM first, as spreadsheets need to read UTF-8.
        const parsed = parseLeadCsv(`\uFEFF${leadsCsv(leads)}`)
        expect(parsed.report).toEqual({
          rejected: [],
          unknownStatuses: [],
          duplicatesInFile: 0,
          duplicateRows: [],
          cleanedRows: 0,
        })
        expect(parsed.rows.map(fields)).toEqual(leads.map(fields))
      }),
      RUNS,
    )
  })

  it('reads the phone "+49 30 1234567" back without the guard apostrophe', () => {
    const lead = exportLead(leadSchema.parse({ name: 'Ada', phone: '+49 30 1234567' }), [], false)
    const csv = leadsCsv([lead])
    expect(csv).toContain(`"'+49 30 1234567"`) // guarded in the file
    expect(parseLeadCsv(csv).rows[0]).toMatchObject({ name: 'Ada', phone: '+49 30 1234567' })
  })

  it('rejects the row of a NUL inside a cell with the control-character message (as the lead form does), and still refuses UTF-16 text', () => {
    const good = exportLead(leadSchema.parse({ name: 'Ada' }), [], false)
    // Written as the export would write it, although the lead form refuses a NUL (lib/text.ts).
    const bad = exportLead({ ...leadSchema.parse({ name: 'AB' }), name: 'A\u0000B', company: '=\u0000' }, [], false)
    const parsed = parseLeadCsv(leadsCsv([good, bad]))
    expect(parsed.rows.map((r) => r.name)).toEqual(['Ada'])
    expect(parsed.report.rejected).toEqual([{ row: 3, reason: `name: ${controlCharacter('name')}` }])
    expect(leadSchema.safeParse({ name: 'A\u0000B' }).error?.issues[0]?.message).toBe(controlCharacter('name'))
    const utf16 = String.fromCharCode(...[...'Name\nAna\n'].flatMap((ch) => [ch.charCodeAt(0), 0]))
    expect(() => parseLeadCsv(utf16)).toThrow(/UTF-16/)
  })

  it('keeps an apostrophe that is not the export guard', () => {
    for (const value of ["'Tis the season", "'quoted'", "'", "O'Brien", "''"]) expect(unguardCell(value)).toBe(value)
    for (const value of ["'=1+1", "'+49", "'-x", "'@SUM(1)", "'\tx", "'\rx", "''=x"]) {
      expect(unguardCell(value)).toBe(value.slice(1))
    }
    const lead = exportLead(leadSchema.parse({ name: "'Tis the season", company: "'=not a guard" }), [], false)
    expect(parseLeadCsv(leadsCsv([lead])).rows[0]).toMatchObject({ name: "'Tis the season", company: "'=not a guard" })
  })
})

describe('CSV export formula guard', () => {
  it('leaves no cell starting with =, +, -, @, tab or CR, whatever follows, assignee names included', () => {
    fc.assert(
      fc.property(leadsArb, (leads) => {
        const cells = Papa.parse<string[]>(leadsCsv(leads), { newline: '\r\n' }).data
        expect(cells[0]).toEqual([...EXPORT_HEADERS])
        expect(cells.slice(1)).toHaveLength(leads.length)
        leads.forEach((l, i) => {
          const row = cells[i + 1]!
          for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA_START)
          // Each value is written as it is, or with one guard apostrophe exactly when it needs one.
          const values = [l.name, l.email, l.phone, l.company, l.source]
          values.forEach((value, k) => {
            expect(row[k + 1]).toBe(/^'*[=+\-@\t\r]/.test(value) ? `'${value}` : value)
          })
          const assigned = l.assignees.length ? l.assignees.join('; ') : l.inPool ? 'In pool' : ''
          expect(row[7]).toBe(/^'*[=+\-@\t\r]/.test(assigned) ? `'${assigned}` : assigned)
          expect(row[0]).toBe(l.id)
        })
      }),
      RUNS,
    )
  })

  it('guards a formula followed by a line break or a Unicode line separator', () => {
    for (const name of ['=1+1\n2', '@SUM(1)\r\n2', '+1\u20282', '-2\u2029x', '=HYPERLINK("http://x")\u0085']) {
      // The lead form refuses line breaks now (lib/text.ts); leads saved before that may still hold them.
      const csv = leadsCsv([exportLead({ ...leadSchema.parse({ name: 'x' }), name }, [name], false)])
      const row = Papa.parse<string[]>(csv, { newline: '\r\n' }).data[1]!
      expect(row[1]).toBe(`'${name}`)
      expect(row[7]).toBe(`'${name}`)
    }
  })

  it('writes the creation time as a UTC date-time spreadsheets read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }), (ms) => {
        const written = exportTime(ms)
        expect(written).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
        expect(Date.parse(`${written.replace(' ', 'T')}Z`)).toBe(ms - (ms % 1000))
      }),
      RUNS,
    )
    expect(EXPORT_HEADERS).toContain('Created (UTC)')
  })
})

describe('organization slugs', () => {
  const name = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit, maxLength: 80 }),
  )
  const URL_SAFE_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/

  it('are URL-safe, non-empty, at most 40 characters and stable for any Unicode name', () => {
    fc.assert(
      fc.property(name, (n) => {
        const slug = slugify(n)
        expect(slug).toMatch(URL_SAFE_SLUG)
        expect(slug.length).toBeGreaterThan(0)
        expect(slug.length).toBeLessThanOrEqual(40)
        expect(slugify(n)).toBe(slug)
        expect(encodeURIComponent(slug)).toBe(slug)
      }),
      RUNS,
    )
  })

  it('uniqueSlug gives the same URL-safe slug for the same name', async () => {
    const db = createDb(env.DB)
    await fc.assert(
      fc.asyncProperty(name, async (n) => {
        const slug = await uniqueSlug(db, n)
        expect(slug).toMatch(URL_SAFE_SLUG)
        expect(slug.length).toBeLessThanOrEqual(40)
        expect(await uniqueSlug(db, n)).toBe(slug)
      }),
      { numRuns: 50 },
    )
  })
})

describe('safe `next` redirect', () => {
  const SITE = 'https://leadpool.example'
  const part = fc.oneof(
    fc.constantFrom(
      '/',
      '//',
      '\\',
      '/\\',
      '\\/',
      'o/',
      '/o/',
      'invite/',
      '/invite/',
      'evil.com',
      'http:',
      'https://',
      'javascript:',
      'data:',
      '%2f',
      '%2F%2F',
      '%5c',
      '%0d%0a',
      '\r',
      '\n',
      '\t',
      ' ',
      '@',
      ':',
      '..',
      '.',
      '?',
      '#',
      '&',
      '=',
      '\u2028',
      '\u3002',
      '／',
    ),
    fc.string({ unit: 'binary', maxLength: 4 }),
  )
  const anything = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(part, { maxLength: 10 }).map((p) => p.join('')),
    fc.array(part, { maxLength: 10 }).map((p) => `/o/${p.join('')}`),
  )

  it('never sends the browser off the site, for arbitrary strings', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const next = safeNext(input)
        if (next === null) return
        expect(next).toBe(input)
        expect(next).toMatch(/^\/(o|invite)\//)
        expect(next).not.toMatch(/^\/[/\\]/)
        expect(next).not.toMatch(/[\\\s]/)
        expect([...next].every((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)).toBe(true)
        const resolved = new URL(next, `${SITE}/login`)
        expect(resolved.origin).toBe(SITE)
      }),
      { numRuns: 1000 },
    )
  })

  it('returns organization and invitation paths unchanged', () => {
    const path = fc.stringMatching(/^\/(o|invite)\/[A-Za-z0-9][A-Za-z0-9\-._~%/?=&+]{0,60}$/)
    fc.assert(
      fc.property(path, (p) => {
        expect(safeNext(p)).toBe(p)
      }),
      RUNS,
    )
    expect(safeNext('/o/acme/leads/0199?status=new&q=a+b')).toBe('/o/acme/leads/0199?status=new&q=a+b')
  })
})

describe('import chunking by bytes', () => {
  /** Long text cheaply: a few units repeated, cut to the field's limit (may split a surrogate pair). */
  const long = (max: number) =>
    fc
      .tuple(
        fc.string({ unit: fc.oneof(unit, fc.constantFrom('\u0000', '\u001f', '𝕏')), minLength: 1, maxLength: 6 }),
        fc.nat({ max }),
      )
      .map(([s, n]) => s.repeat(n).slice(0, max))
  const row = fc.record({
    name: long(200),
    email: long(254),
    phone: long(50),
    company: long(200),
    source: long(100),
    status: fc.constantFrom(...LEAD_STATUSES),
    row: fc.nat({ max: 60_000 }),
  }) as fc.Arbitrary<ImportRow>

  it('keeps every queue message under the byte limit, all rows in order, no empty chunk', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 250 }), (rows) => {
        const chunks = chunkImportRows(rows)
        expect(chunks.flat()).toEqual(rows)
        for (const [seq, c] of chunks.entries()) {
          expect(c.length).toBeGreaterThan(0)
          expect(c.length).toBeLessThanOrEqual(ROWS_PER_CHUNK)
          const message = { jobId: newId(), orgId: newId(), actorId: newId(), seq, rows: c }
          expect(jsonBytes(message)).toBeLessThan(MAX_MESSAGE_BYTES)
        }
      }),
      { numRuns: 40 },
    )
  })
})
