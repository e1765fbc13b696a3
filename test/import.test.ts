import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import salesforceCsv from './fixtures/salesforce-lead-export.csv?raw'
import worker from '../src/index'
import { unitFor } from '../src/access/unit'
import { createDb } from '../src/db/client'
import { importJobs, leads, organizations } from '../src/db/schema'
import { parseLeadCsv } from '../src/imports/parse'
import { giveUpChunk } from '../src/imports/give-up'
import { writeImportChunk, type ImportChunk } from '../src/imports/writer'
import { type Client, env, formFields, leadIds, signUp, uploadAndConfirm } from './helpers'
import { dom, textOf, texts } from './dom'
import { reloadUntilShown } from './poll'

const db = () => createDb(env.DB)

/** Uploads `csv`, confirms the mapping step as shown, and follows the import to its report. */
async function importCsv(client: Client, slug: string, csv: string | Uint8Array, name = 'leads.csv') {
  return followImport(client, await uploadAndConfirm(client, slug, name, csv))
}

/** Reloads the import page, as its progress bar does, until the report shows. */
async function followImport(client: Client, path: string) {
  const html = await reloadUntilShown(client, path, '#import-status[data-status="done"]', 90_000)
  return { html, path, report: readReport(html) }
}

/** The report's counts and rejected rows (row number and reason, as their table shows them). */
function readReport(html: string) {
  const report = dom(html).querySelector('#import-status')!
  const count = (name: string) => {
    const shown = textOf(report.querySelector(`[data-count="${name}"]`))
    if (!/^\d+$/.test(shown)) throw new Error(`the report shows no count of ${name}`)
    return Number(shown)
  }
  const rejected = [...report.querySelectorAll('#import-rejected tbody tr')].map((tr) => {
    const [row, reason] = [...tr.querySelectorAll('td')].map((td) => textOf(td))
    return { row: Number(row), reason: reason! }
  })
  return {
    created: count('created'),
    duplicates: count('duplicates'),
    rejected: count('rejected'),
    rejectedRows: rejected,
  }
}

/** The text of the report of the import page `html`. */
const reportText = (html: string) => textOf(dom(html).querySelector('#import-status'))

/** The status values the report says it did not recognise, as listed. */
const unknownStatuses = (html: string) => texts(html, '#import-status .notice li')

/** The message a refused form shows for `field`. */
const errorShown = (html: string, field: string) => textOf(dom(html).querySelector(`[data-error-for="${field}"]`))

async function orgLeads(slug: string) {
  const org = await db().select().from(organizations).where(eq(organizations.slug, slug)).get()
  return db().select().from(leads).where(eq(leads.orgId, org!.id)).all()
}

describe('importing the Salesforce sample export', () => {
  it('creates 60 leads with names, emails, phones and statuses intact; a re-import creates none', async () => {
    expect(salesforceCsv.charCodeAt(0)).toBe(0xfeff) // the fixture really starts with a BOM
    const { client, slug } = await signUp()
    const first = await importCsv(client, slug, salesforceCsv, 'salesforce-lead-export.csv')
    expect(first.report).toMatchObject({ created: 60, duplicates: 0, rejected: 0 })

    const saved = await orgLeads(slug)
    expect(saved).toHaveLength(60)
    const william = saved.find((l) => l.email === 'william.lee@example.com')
    expect(william).toMatchObject({
      name: 'William Lee',
      phone: '8683896283',
      company: '001Ec00000GINb1IAH',
      source: 'Online Form',
      status: 'qualified',
    })
    const byStatus = Object.groupBy(saved, (l) => l.status)
    expect({
      new: byStatus.new?.length,
      contacted: byStatus.contacted?.length,
      qualified: byStatus.qualified?.length,
    }).toEqual({
      new: 21,
      contacted: 15, // Salesforce "Working"
      qualified: 24,
    })
    expect(reportText(first.html)).not.toContain('were not recognised')
    expect(unknownStatuses(first.html)).toEqual([])
    const list = await client.html(`/o/${slug}/leads`)
    expect(leadIds(list)).toHaveLength(50)
    expect(texts(list, '.lead-name a')).toContain('Bonnie Henderson') // the last row of the file is the newest lead
    expect(texts(await client.html(`/o/${slug}/leads?q=william.lee`), '.lead-name a')).toEqual(['William Lee'])

    const again = await importCsv(client, slug, salesforceCsv, 'salesforce-lead-export.csv')
    expect(again.report).toMatchObject({ created: 0, duplicates: 60, rejected: 0 })
    expect(await orgLeads(slug)).toHaveLength(60)

    // The report does name statuses it does not know, so their absence above means something.
    const other = await signUp()
    const odd = await importCsv(other.client, other.slug, 'Name,Lead Status\nZed,Banana Stage\n')
    expect(reportText(odd.html)).toContain('These status values were not recognised')
    expect(unknownStatuses(odd.html)).toEqual(['“Banana Stage” (1 row)'])
  })

  it('writes a `created` activity for every imported lead, saying it came from the import', async () => {
    const { client, slug } = await signUp()
    await importCsv(client, slug, salesforceCsv)
    const [lead] = await orgLeads(slug)
    const html = await client.html(`/o/${slug}/leads/${lead!.id}`)
    expect(textOf(dom(html).querySelector('li[data-activity-type="created"] span'))).toBe(
      'Ana Owner imported this lead from a CSV file',
    )
  })
})

describe('importing a file with every trap', () => {
  const rows = [
    'First Name,Last Name,Email,Company Name,Phone Number,Lead Status',
    'José,Müller,jose@example.com,"Acme, Inc.",+49 30 1234,IN_PROGRESS', // row 2: quoted comma, accents
    '"Zoë ""Z""",O\'Brien,ZOE@example.com,"Line one\r\nLine two",,OPEN_DEAL', // row 3: quotes, newline in cell
    '李,小龙,li@example.com,龍 Corp,,CONNECTED', // row 4: CJK
    'Dup,Person,Jose@Example.COM,,,NEW', // row 5: same email as row 2, other case
    'Bad,Email,not-an-email,,,NEW', // row 6: invalid email
    ',,,,,', // row 7: blank, skipped
    'Weird,Status,weird@example.com,,,Maybe Later', // row 8: unknown status
    ',,,Nameless Co,555,NEW', // row 9: no name, no email
    'Only,Name,,,,', // row 10: no email is fine
    '"Quinn ""Q""",O\'Neil,quinn@example.com,"Multi, Co",,NEW', // row 11: quotes
  ]
  const csv = '\uFEFF' + rows.join('\r\n') + '\r\n'

  it('imports the good rows and reports duplicates and rejected rows with their row number', async () => {
    const { client, slug } = await signUp()
    const { report, html } = await importCsv(client, slug, csv, 'traps.csv')
    expect(report).toMatchObject({ created: 6, duplicates: 1, rejected: 2 })
    expect(report.rejectedRows).toEqual([
      { row: 6, reason: 'Invalid email "not-an-email"' },
      { row: 9, reason: 'No name and no email' },
    ])
    expect(unknownStatuses(html)).toEqual(['“Maybe Later” (1 row)'])
    const saved = Object.fromEntries((await orgLeads(slug)).map((l) => [l.name, l]))
    expect(Object.keys(saved).sort()).toEqual(
      ['José Müller', 'Only Name', 'Weird Status', 'Quinn "Q" O\'Neil', '李 小龙', 'Zoë "Z" O\'Brien'].sort(),
    )
    // The company written on two lines is one line, its line break a space (lib/text.ts `foldedLine`).
    expect(saved['Zoë "Z" O\'Brien']!.company).toBe('Line one Line two')
    expect(saved['José Müller']).toMatchObject({ company: 'Acme, Inc.', phone: '+49 30 1234', status: 'contacted' })
    expect(saved['Quinn "Q" O\'Neil']).toMatchObject({
      company: 'Multi, Co',
      status: 'new',
      email: 'quinn@example.com',
    })
    expect(saved['李 小龙']).toMatchObject({ company: '龍 Corp', status: 'contacted' })
    expect(saved['Weird Status']!.status).toBe('new')
  })

  it('skips rows whose email matches an existing lead in any case', async () => {
    const { client, slug } = await signUp()
    await client.post(`/o/${slug}/leads`, { name: 'Already Here', email: 'LI@EXAMPLE.COM' })
    const { report } = await importCsv(client, slug, csv)
    expect(report).toMatchObject({ created: 5, duplicates: 2, rejected: 2 })
  })

  it('parses LF line endings and HubSpot-style "Email Address" / "Lead Status" headers', () => {
    const parsed = parseLeadCsv(
      'Full Name,Email Address,Company,Lead Status\nAda Lovelace,ada@example.com,Engines,ATTEMPTED_TO_CONTACT\n',
    )
    expect(parsed.rows).toEqual([
      expect.objectContaining({
        row: 2,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        company: 'Engines',
        status: 'contacted',
      }),
    ])
  })
})

describe('files that cannot be imported', () => {
  it('answers 422 with the reason on the form, saving nothing', async () => {
    const { client, slug } = await signUp()
    // (Bytes that are not UTF-8 are now read as Windows-1252; a binary file is what is refused.)
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])
    const cases: [string | Uint8Array, RegExp][] = [
      ['', /is empty/],
      ['Name,Email\n', /no rows to import/],
      [png, /not a CSV file/],
    ]
    for (const [content, message] of cases) {
      const res = await client.upload(`/o/${slug}/leads/import`, 'bad.csv', content)
      expect(res.status).toBe(422)
      expect(errorShown(await res.text(), 'file')).toMatch(message)
    }
    const missing = await client.request(`/o/${slug}/leads/import`, { method: 'POST', body: new FormData() })
    expect(missing.status).toBe(422)
    // A file without a name or email column reaches the mapping step; confirming it as it is is refused there.
    const upload = await client.upload(`/o/${slug}/leads/import`, 'colours.csv', 'Colour,Size\nred,XL\n')
    const mapping = upload.headers.get('Location')!
    const page = await client.html(mapping)
    const refused = await client.request(mapping, { method: 'POST', body: formFields(page, 'import-mapping') })
    expect(refused.status).toBe(422)
    expect(errorShown(await refused.text(), 'mapping')).toMatch(/No column for the lead's name or email/)
    expect(await orgLeads(slug)).toHaveLength(0)
    await importCsv(client, slug, 'Name\nValid Row\n') // the same query sees what a good file saves
    expect((await orgLeads(slug)).map((l) => l.name)).toEqual(['Valid Row'])
  })
})

describe('a file over the size limit', () => {
  const TOO_LARGE = 'The file is larger than 10 MB; split it into smaller files.'
  const MB = 1024 * 1024

  /** A multipart upload of a CSV file of `bytes` bytes, serialized: its bytes and Content-Type. */
  async function oversizedForm(bytes: number) {
    const line = 'Name,Email\n' + 'x'.repeat(1023) + '\n'
    const file = new File([line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes)], 'huge.csv', {
      type: 'text/csv',
    })
    const form = new FormData()
    form.set('file', file)
    const serialized = new Response(form)
    return { body: new Uint8Array(await serialized.arrayBuffer()), type: serialized.headers.get('Content-Type')! }
  }

  /** `bytes` as a stream of 1 MB pieces, and how many bytes the server has pulled from it so far. */
  function streamOf(bytes: Uint8Array) {
    let at = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close()
        controller.enqueue(bytes.slice(at, at + MB))
        at += MB
      },
    })
    return { stream, pulled: () => Math.min(at, bytes.length) }
  }

  async function expectRefused(res: Response, slug: string) {
    expect([413, 422]).toContain(res.status)
    expect(errorShown(await res.text(), 'file')).toBe(TOO_LARGE)
    const jobs = await db()
      .select({ id: importJobs.id })
      .from(importJobs)
      .innerJoin(organizations, eq(organizations.id, importJobs.orgId))
      .where(eq(organizations.slug, slug))
      .all()
    expect(jobs).toHaveLength(0)
    expect(await orgLeads(slug)).toHaveLength(0)
  }

  it('refuses an upload whose Content-Length is over the limit without reading it, with the reason', async () => {
    const { client, slug } = await signUp()
    const { body, type } = await oversizedForm(30 * MB)
    const upload = streamOf(body)
    const headers = { 'Content-Type': type, 'Content-Length': String(body.length) }
    const res = await client.request(`/o/${slug}/leads/import`, { method: 'POST', body: upload.stream, headers })
    await expectRefused(res, slug)
    expect(upload.pulled()).toBeLessThanOrEqual(2 * MB)
  })

  it('refuses a streamed upload (no Content-Length) once it passes the limit, without reading the rest', async () => {
    const { client, slug } = await signUp()
    const { body, type } = await oversizedForm(30 * MB)
    const upload = streamOf(body)
    const headers = { 'Content-Type': type }
    const res = await client.request(`/o/${slug}/leads/import`, { method: 'POST', body: upload.stream, headers })
    await expectRefused(res, slug)
    // Read up to the limit (10 MB and the envelope allowance), not the 30 MB sent.
    expect(upload.pulled()).toBeLessThanOrEqual(13 * MB)
  })

  it('refuses a file just over 10 MB whose upload fits the envelope allowance', async () => {
    const { client, slug } = await signUp()
    const res = await client.upload(`/o/${slug}/leads/import`, 'huge.csv', 'N'.repeat(10 * 1024 * 1024 + 1))
    await expectRefused(res, slug)
  })
})

describe('a large import through the queue', () => {
  it('imports 5,000 rows in chunks, showing progress and then the report', async () => {
    const { client, slug } = await signUp()
    const lines = ['Email,First Name,Last Name,Lead Status']
    for (let i = 0; i < 5000; i++)
      lines.push(`bulk${i}@example.com,Bulk,Person ${i},${i % 2 ? 'Working - Contacted' : 'Open - Not Contacted'}`)
    const path = await uploadAndConfirm(client, slug, 'big.csv', lines.join('\n'))
    const early = dom(await client.html(path)).querySelector('#import-status')
    expect(early?.getAttribute('data-status')).toBe('processing')
    expect(early?.querySelector('progress')?.getAttribute('max')).toBe('5000')
    expect(early?.querySelector('progress')?.getAttribute('value')).toMatch(/^\d+$/)
    expect(early?.getAttribute('hx-trigger')).toBe('every 2s')
    // The htmx poll answers the fragment alone: the report, without the page around it.
    const fragment = dom(await (await client.get(path, { 'HX-Request': 'true' })).text())
    expect(fragment.querySelector('body > #import-status')).not.toBeNull()
    expect(fragment.querySelector('main, h1')).toBeNull()

    const { report } = await followImport(client, path)
    expect(report).toMatchObject({ created: 5000, duplicates: 0, rejected: 0 })
    const job = await db()
      .select()
      .from(importJobs)
      .where(eq(importJobs.id, path.split('/').pop()!))
      .get()
    expect(job).toMatchObject({ status: 'done', processedRows: 5000, totalRows: 5000 })
    const saved = await orgLeads(slug)
    expect(saved).toHaveLength(5000)
    expect(saved.filter((l) => l.status === 'contacted')).toHaveLength(2500)
  }, 120_000)
})

describe('the import queue consumer', () => {
  /** A unit in which Leadpool acts in the organization at `slug`, as the queue consumer builds one. */
  async function systemUnit(slug: string) {
    const org = (await db().select().from(organizations).where(eq(organizations.slug, slug)).get())!
    return unitFor(env, { id: org.id, name: org.name, slug, database: 'DB' })
  }

  async function chunkFor(slug: string, seq = 0): Promise<ImportChunk> {
    const org = await db().select().from(organizations).where(eq(organizations.slug, slug)).get()
    const member = await db().query.memberships.findFirst({ where: (m, { eq }) => eq(m.orgId, org!.id) })
    const jobId = crypto.randomUUID()
    const parsed = parseLeadCsv('Name,Email\nA One,a1@example.com\nB Two,b2@example.com\n')
    await db().insert(importJobs).values({
      id: jobId,
      orgId: org!.id,
      createdBy: member!.userId,
      fileName: 'x.csv',
      status: 'processing',
      totalRows: 2,
      report: parsed.report,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    })
    return { jobId, orgId: org!.id, actorId: member!.userId, seq, rows: parsed.rows }
  }

  it('acks a chunk it wrote, and a redelivered chunk changes nothing', async () => {
    const { slug } = await signUp()
    const work = await chunkFor(slug)
    const batch = createMessageBatch('leadpool-import', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: work }])
    const ctx = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks).toEqual(['m1'])
    expect(await writeImportChunk(await systemUnit(slug), work)).toEqual({ created: 0, duplicates: 0, leadIds: [] })
    expect(await orgLeads(slug)).toHaveLength(2)
    const job = await db()
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.id, work.jobId)))
      .get()
    expect(job).toMatchObject({ status: 'done', processedRows: 2, createdCount: 2, duplicateCount: 0 })
  })

  it('reports every row of two chunks given up at the same time, keeping the rows rejected before', async () => {
    const { slug } = await signUp()
    const first = await chunkFor(slug, 0)
    const second: ImportChunk = { ...first, seq: 1, rows: first.rows.map((r) => ({ ...r, row: r.row + 2 })) }
    const parsedReject = { row: 9, reason: 'No name and no email' }
    await db()
      .update(importJobs)
      .set({ totalRows: 4, report: { rejected: [parsedReject], unknownStatuses: [], duplicatesInFile: 0 } })
      .where(eq(importJobs.id, first.jobId))

    const reason = 'Not saved: the server failed on them 3 times (Error: D1 is overloaded).'
    const unit = await systemUnit(slug)
    await Promise.all([giveUpChunk(unit, first, reason), giveUpChunk(unit, second, reason)])

    const job = await db().select().from(importJobs).where(eq(importJobs.id, first.jobId)).get()
    expect(job).toMatchObject({ status: 'done', processedRows: 4, createdCount: 0 })
    expect(job!.report.rejected[0]).toEqual(parsedReject)
    expect(job!.report.rejected.slice(1).sort((a, b) => a.row - b.row)).toEqual(
      [...first.rows, ...second.rows].map((r) => ({ row: r.row, reason })),
    )
    expect(job!.report).toMatchObject({ unknownStatuses: [], duplicatesInFile: 0, notSaved: 4 })
    expect(await orgLeads(slug)).toHaveLength(0)
    // A chunk given up is finished: giving it up again, or a late message of it, changes nothing.
    expect(await giveUpChunk(unit, first, reason)).toBe(false)
    expect(await writeImportChunk(unit, first)).toEqual({ created: 0, duplicates: 0, leadIds: [] })
    expect(await orgLeads(slug)).toHaveLength(0)
  })
})

describe('import edge cases', () => {
  it('rejects exactly the row with broken quotes and keeps the others', async () => {
    const { client, slug } = await signUp()
    const { report } = await importCsv(client, slug, 'Name,Email\n"Bad"name",bad@x.test\nGood,good@x.test\n')
    expect(report).toMatchObject({ created: 1, rejected: 1 })
    expect(report.rejectedRows[0]).toMatchObject({ row: 2 })
    expect((await orgLeads(slug)).map((l) => l.name)).toEqual(['Good'])
  })

  it('says so when an unclosed quote swallows the rest of the file', async () => {
    const { client, slug } = await signUp()
    const { report } = await importCsv(client, slug, 'Name,Email\nQ1,q1@x.test\n"Q2,q2@x.test\nQ3,q3@x.test\n')
    expect(report).toMatchObject({ created: 1, rejected: 1 })
    expect(report.rejectedRows[0]!.row).toBe(3)
    expect(report.rejectedRows[0]!.reason).toMatch(/never closed/)
  })

  it('treats odd status words (even "constructor") as unknown statuses, not errors', () => {
    const parsed = parseLeadCsv('Name,Lead Status\nS6,constructor\nS7,__proto__\n')
    expect(parsed.rows.map((r) => r.status)).toEqual(['new', 'new'])
    expect(parsed.report.unknownStatuses.map((u) => u.value)).toEqual(['constructor', '__proto__'])
  })

  it('skips rows of only commas and refuses UTF-16 without a byte-order mark', async () => {
    const commas = parseLeadCsv('Name,Email\n,,,,\nA,a@x.test\n')
    expect(commas.report.rejected).toEqual([])
    expect(commas.rows).toMatchObject([{ name: 'A', email: 'a@x.test', row: 3 }])
    const { client, slug } = await signUp()
    const utf16 = new Uint8Array([...'Name\nAna\n'].flatMap((ch) => [ch.charCodeAt(0), 0]))
    const res = await client.upload(`/o/${slug}/leads/import`, 'utf16.csv', utf16)
    expect(res.status).toBe(422)
    expect(errorShown(await res.text(), 'file')).toMatch(/UTF-16/)
  })

  it('creates no duplicates when the same small file is imported twice at the same time', async () => {
    const { client, slug } = await signUp()
    const csv = ['Name,Email', ...Array.from({ length: 150 }, (_, i) => `Conc ${i},conc${i}@x.test`)].join('\n')
    const [a, b] = await Promise.all([importCsv(client, slug, csv), importCsv(client, slug, csv)])
    expect(a.report.created + b.report.created).toBe(150)
    expect(a.report.duplicates + b.report.duplicates).toBe(150)
    expect(await orgLeads(slug)).toHaveLength(150)
  })

  it('imports long non-Latin rows through the queue (messages sized in bytes, not characters)', async () => {
    const { client, slug } = await signUp()
    const cjk = (n: number) => '龍'.repeat(n)
    const lines = ['Name,Email,Company,Lead Source,Phone']
    for (let i = 0; i < 300; i++) lines.push(`${cjk(190)}${i},cjk${i}@x.test,${cjk(200)},${cjk(100)},${cjk(50)}`)
    const { report } = await importCsv(client, slug, lines.join('\n'))
    expect(report).toMatchObject({ created: 300, duplicates: 0, rejected: 0 })
  }, 60_000)

  it('refuses an upload whose file name is over 200 characters, saying so, rather than cutting it', async () => {
    const { client, slug } = await signUp()
    const res = await client.upload(`/o/${slug}/leads/import`, `${'x'.repeat(5000)}.csv`, 'Name\nAna\n')
    expect(res.status).toBe(422)
    expect(errorShown(await res.text(), 'file')).toContain('Keep the file name to 200 characters or fewer.')
    expect(await orgLeads(slug)).toHaveLength(0)
    const named = `${'x'.repeat(196)}.csv`
    const ok = await client.upload(`/o/${slug}/leads/import`, named, 'Name\nAna\n')
    const job = await db()
      .select()
      .from(importJobs)
      .where(eq(importJobs.id, ok.headers.get('Location')!.split('/').pop()!))
      .get()
    expect(job!.fileName).toBe(named)
  })
})
