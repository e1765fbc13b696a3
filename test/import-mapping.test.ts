/**
 * The import's encodings, Excel's `sep=` line, the mapping step (unknown headers, header shapes,
 * remembered mappings, status choices, routing) and the duplicates report, with generated files.
 */
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { leadAssignees, leads, organizations } from '../src/db/schema'
import { fieldForHeader, isColumnTarget, suggestColumns } from '../src/imports/columns'
import { decodeUpload } from '../src/imports/decode'
import { DRAFT_TTL_MS, pruneImportDrafts } from '../src/imports/drafts'
import { type Client, createLead, env, formFields, joinAs, signUp, uploadAndConfirm } from './helpers'
import { dom, textOf, texts } from './dom'
import { reloadUntilShown } from './poll'

const db = () => createDb(env.DB)

async function orgLeads(slug: string) {
  const org = await db().select().from(organizations).where(eq(organizations.slug, slug)).get()
  return db().select().from(leads).where(eq(leads.orgId, org!.id)).all()
}

/** The import's report, once the job at `path` is done (reloading its page as a person waiting would). */
const report = (client: Client, path: string) => reloadUntilShown(client, path, '#import-status[data-status="done"]')

/** The encoding a page says the file was read as. */
const encodingShown = (html: string) => textOf(dom(html).querySelector('[data-encoding]'))

/** `text` in Windows-1252 (the characters used here are all in Latin-1's range). */
function windows1252(text: string): Uint8Array {
  return new Uint8Array([...text].map((ch) => ch.charCodeAt(0)))
}

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const out = [endian === 'le' ? 0xff : 0xfe, endian === 'le' ? 0xfe : 0xff]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    out.push(...(endian === 'le' ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]))
  }
  return new Uint8Array(out)
}

const ACCENTED = 'Name,Email,Company\r\nJosé Müller,jose@x.test,Café Crème\r\nZoë Ångström,zoe@x.test,Señor Ñandú\r\n'

describe('encodings', () => {
  it('imports Windows-1252 and UTF-16 (LE and BE) files with accented names intact, saying which was read', async () => {
    for (const [bytes, encoding] of [
      [windows1252(ACCENTED), 'Windows-1252'],
      [utf16(ACCENTED, 'le'), 'UTF-16LE'],
      [utf16(ACCENTED, 'be'), 'UTF-16BE'],
      [new TextEncoder().encode('\uFEFF' + ACCENTED), 'UTF-8'],
    ] as const) {
      const { client, slug } = await signUp()
      const path = await uploadAndConfirm(client, slug, 'accents.csv', bytes, (_, page) => {
        expect(encodingShown(page)).toBe(encoding)
      })
      const html = await report(client, path)
      expect(encodingShown(html)).toBe(encoding)
      const saved = (await orgLeads(slug)).map((l) => [l.name, l.company]).sort()
      expect(saved, encoding).toEqual([
        ['José Müller', 'Café Crème'],
        ['Zoë Ångström', 'Señor Ñandú'],
      ])
    }
  })

  it('reads Windows-1252 only when the bytes are not UTF-8, and refuses binary files as not CSV', () => {
    expect(decodeUpload(new TextEncoder().encode('Name\nJosé\n')).encoding).toBe('UTF-8')
    expect(decodeUpload(windows1252('Name\nJosé\n'))).toEqual({ text: 'Name\nJosé\n', encoding: 'Windows-1252' })
    // Windows-1252's own characters (0x80–0x9F): the euro sign and curly quotes.
    expect(decodeUpload(new Uint8Array([0x4e, 0x0a, 0x80, 0x93, 0x94])).text).toBe('N\n€“”')
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])
    for (const bytes of [jpeg, xlsx]) expect(() => decodeUpload(bytes)).toThrow(/not a CSV file/)
  })
})

describe("Excel's sep= line", () => {
  it('sets the delimiter and is not taken for the header, with ; and with ,', async () => {
    const { client, slug } = await signUp()
    const semi = 'sep=;\r\nName;Email;Company\r\nAna Semi;ana@x.test;Acme, Inc.\r\n'
    await report(client, await uploadAndConfirm(client, slug, 'semi.csv', semi))
    const comma = '"sep=,"\nName,Email\nBo Comma,bo@x.test\n'
    await report(client, await uploadAndConfirm(client, slug, 'comma.csv', comma))
    const saved = (await orgLeads(slug)).map((l) => [l.name, l.email, l.company]).sort()
    expect(saved).toEqual([
      ['Ana Semi', 'ana@x.test', 'Acme, Inc.'],
      ['Bo Comma', 'bo@x.test', ''],
    ])
  })
})

describe('the mapping step', () => {
  it('preselects fields from aliases and header shapes', () => {
    expect(
      suggestColumns(['Person - Name', 'Person - Email', 'Organization - Name', 'Person - Phone - Mobile']),
    ).toEqual(['name', 'email', 'company', 'phone'])
    expect(fieldForHeader('E-mail Address')).toBe('email')
    expect(fieldForHeader('Company / Account')).toBe('company')
    expect(fieldForHeader('Lead - Status')).toBe('status')
    expect(fieldForHeader('Favourite colour')).toBeNull()
    // A second column for a field already taken is not imported unless chosen.
    expect(suggestColumns(['Email', 'Work Email'])).toEqual(['email', ''])
  })

  it('shows each column with samples, lists an unknown header as not imported, imports it once mapped, and writes nothing before', async () => {
    const { client, slug } = await signUp()
    const csv =
      'Full Name,Contact Mail,Notes\nAna One,ana@x.test,likes tea\nBo Two,bo@x.test,\nCy Three,cy@x.test,x\nDi Four,di@x.test,y\n'
    const upload = await client.upload(`/o/${slug}/leads/import`, 'crm.csv', csv)
    expect(upload.status).toBe(303)
    const path = upload.headers.get('Location')!
    const page = await client.html(path)
    expect(await orgLeads(slug)).toHaveLength(0) // nothing written before the mapping is confirmed
    expect(texts(page, '#not-imported li')).toEqual(['Contact Mail', 'Notes'])
    const mailRow = dom(page).querySelector('#import-mapping tr[data-column="1"]')!
    expect(textOf(mailRow.querySelector('th'))).toBe('Contact Mail')
    expect([...mailRow.querySelectorAll('.samples li')].map((li) => textOf(li))).toEqual([
      'ana@x.test',
      'bo@x.test',
      'cy@x.test',
    ])

    const fields = formFields(page, 'import-mapping')
    expect(fields.getAll('column')).toEqual(['name', '', ''])
    fields.set('column', 'name')
    fields.append('column', 'email')
    fields.append('column', '')
    const confirmed = await client.request(path, { method: 'POST', body: fields })
    expect(confirmed.status).toBe(303)
    await report(client, path)
    const saved = (await orgLeads(slug)).map((l) => [l.name, l.email]).sort()
    expect(saved).toEqual([
      ['Ana One', 'ana@x.test'],
      ['Bo Two', 'bo@x.test'],
      ['Cy Three', 'cy@x.test'],
      ['Di Four', 'di@x.test'],
    ])
    // Sent again (a double click): the import is not started twice.
    expect((await client.request(path, { method: 'POST', body: fields })).status).toBe(303)
    expect(await orgLeads(slug)).toHaveLength(4)

    // The organization remembers that mapping for these headers: the next export is preselected.
    const next = await client.upload(
      `/o/${slug}/leads/import`,
      'crm-2.csv',
      'Full Name,Contact Mail,Notes\nEd Five,ed@x.test,z\n',
    )
    const nextPage = await client.html(next.headers.get('Location')!)
    expect(textOf(dom(nextPage).querySelector('#remembered-mapping'))).toBe(
      'These choices are the ones made for a file with the same columns.',
    )
    expect(formFields(nextPage, 'import-mapping').getAll('column')).toEqual(['name', 'email', ''])
    // Another organization's same headers are not affected.
    const other = await signUp()
    const foreign = await other.client.upload(`/o/${other.slug}/leads/import`, 'crm.csv', csv)
    const foreignPage = await other.client.html(foreign.headers.get('Location')!)
    expect(dom(foreignPage).querySelector('#remembered-mapping')).toBeNull()
    expect(formFields(foreignPage, 'import-mapping').getAll('column')).toEqual(['name', '', ''])
  })

  it('refuses two columns for one field on the mapping step, keeping the choices', async () => {
    const { client, slug } = await signUp()
    const upload = await client.upload(`/o/${slug}/leads/import`, 'a.csv', 'Name,Other\nAna,Bo\n')
    const path = upload.headers.get('Location')!
    const fields = formFields(await client.html(path), 'import-mapping')
    fields.delete('column')
    fields.append('column', 'name')
    fields.append('column', 'name')
    const res = await client.request(path, { method: 'POST', body: fields })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(textOf(dom(html).querySelector('[data-error-for="mapping"]'))).toContain('Two columns go to Name')
    expect(formFields(html, 'import-mapping').getAll('column')).toEqual(['name', 'name'])
    expect(await orgLeads(slug)).toHaveLength(0)
  })

  it('refuses a column sent with a field that does not exist (a forged form), with the mapping step: never 5xx', async () => {
    const { client, slug } = await signUp()
    const upload = await client.upload(`/o/${slug}/leads/import`, 'a.csv', 'Name,Email\nAna,ana@x.test\n')
    const path = upload.headers.get('Location')!
    const sent = formFields(await client.html(path), 'import-mapping')
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }).filter((value) => !isColumnTarget(value)),
        fc.nat({ max: 1 }),
        async (forged, at) => {
          const fields = new URLSearchParams(sent)
          const columns = fields.getAll('column')
          columns[at] = forged
          fields.delete('column')
          for (const column of columns) fields.append('column', column)
          const res = await client.request(path, { method: 'POST', body: fields })
          expect(res.status).toBe(422)
          const page = dom(await res.text())
          expect(textOf(page.querySelector('[data-error-for="mapping"]'))).toContain('Choose a field')
          expect(page.querySelector('#import-mapping')).not.toBeNull()
        },
      ),
      { numRuns: 15 },
    )
    expect(await orgLeads(slug)).toHaveLength(0)
  })

  it('lets the importer choose the status of values it does not know, and remembers the choice', async () => {
    const { client, slug } = await signUp()
    const csv = 'Name,Lead Status\nA,Hot Prospect\nB,Working - Contacted\nC,Banana\n'
    const path = await uploadAndConfirm(client, slug, 's.csv', csv, (fields, page) => {
      const statusRows = [...dom(page).querySelectorAll('#status-values tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => textOf(td)),
      )
      // A value it knows shows the status it maps to; the others offer a choice.
      expect(statusRows.find(([value]) => value === 'Working - Contacted')).toEqual([
        'Working - Contacted',
        '1',
        'Contacted',
      ])
      expect(fields.getAll('statusValue')).toEqual(['Hot Prospect', 'Banana'])
      fields.delete('statusFor')
      fields.append('statusFor', 'qualified')
      fields.append('statusFor', '')
    })
    const html = await report(client, path)
    // Only the value left New is reported as not recognised.
    expect(texts(html, '#import-status .notice li')).toEqual(['“Banana” (1 row)'])
    const byName = Object.fromEntries((await orgLeads(slug)).map((l) => [l.name, l.status]))
    expect(byName).toEqual({ A: 'qualified', B: 'contacted', C: 'new' })
    const again = await client.upload(`/o/${slug}/leads/import`, 's.csv', 'Name,Lead Status\nD,Hot Prospect\n')
    const page = await client.html(again.headers.get('Location')!)
    expect(formFields(page, 'import-mapping').getAll('statusFor')).toEqual(['qualified'])
  })

  it('routes the new leads into the pool or to a member (Owners and Admins only)', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Ada Agent')
    const pooled = await uploadAndConfirm(client, slug, 'p.csv', 'Name,Email\nP One,p1@x.test\n', (f) =>
      f.set('routing', 'pool'),
    )
    await report(client, pooled)
    const assigned = await uploadAndConfirm(client, slug, 'm.csv', 'Name,Email\nM One,m1@x.test\n', (f) => {
      f.set('routing', 'member')
      f.set('assigneeId', agent.userId)
    })
    await report(client, assigned)
    const saved = Object.fromEntries((await orgLeads(slug)).map((l) => [l.name, l]))
    expect(saved['P One']!.inPool).toBe(true)
    const owner = await db().select().from(leadAssignees).where(eq(leadAssignees.leadId, saved['M One']!.id)).all()
    expect(owner.map((a) => a.userId)).toEqual([agent.userId])
    const seen = dom(await agent.client.html(`/o/${slug}/leads/${saved['M One']!.id}`))
    expect(seen.querySelector('li[data-activity-type="assigned"]')).not.toBeNull()
    // An Agent's import cannot route.
    const upload = await agent.client.upload(`/o/${slug}/leads/import`, 'a.csv', 'Name\nAgent Row\n')
    const path = upload.headers.get('Location')!
    const fields = formFields(await agent.client.html(path), 'import-mapping')
    expect(fields.has('routing')).toBe(false)
    fields.set('routing', 'pool')
    expect((await agent.client.request(path, { method: 'POST', body: fields })).status).toBe(403)
  })
})

describe('duplicates in the report', () => {
  it('lists each duplicate row with its email and a link to the lead it matches; can fill empty fields', async () => {
    const { client, slug } = await signUp()
    const existing = await createLead(client, slug, { name: 'Old Lead', email: 'old@x.test' })
    const csv =
      'Name,Email,Phone,Company\nNew Lead,new@x.test,1,N\nOld Again,OLD@x.test,555 0100,Old Co\nNew Again,new@x.test,2,M\n'
    const path = await uploadAndConfirm(client, slug, 'd.csv', csv, (f) => f.set('updateEmpty', '1'))
    const html = await report(client, path)
    const rows = [...dom(html).querySelectorAll('#import-duplicates tbody tr')].map((tr) => ({
      cells: [...tr.querySelectorAll('td')].map((td) => textOf(td)),
      link: tr.querySelector('a')?.getAttribute('href'),
    }))
    const newLead = (await orgLeads(slug)).find((l) => l.email === 'new@x.test')!
    expect(rows).toEqual([
      { cells: ['3', 'OLD@x.test', 'Existing lead'], link: `/o/${slug}/leads/${existing}` },
      { cells: ['4', 'new@x.test', 'Existing lead'], link: `/o/${slug}/leads/${newLead.id}` },
    ])
    const old = (await orgLeads(slug)).find((l) => l.id === existing)!
    expect(old).toMatchObject({ name: 'Old Lead', phone: '555 0100', company: 'Old Co' })
    const timeline = dom(await client.html(`/o/${slug}/leads/${existing}`))
    expect(timeline.querySelector('li[data-activity-type="updated"]')).not.toBeNull()
  })
})

describe('an upload left on the mapping step', () => {
  it('is deleted with its file by the cron after a day, having imported nothing', async () => {
    const { client, slug } = await signUp()
    const upload = await client.upload(`/o/${slug}/leads/import`, 'left.csv', 'Name\nNever Imported\n')
    const path = upload.headers.get('Location')!
    const jobId = path.split('/').pop()!
    expect(await pruneImportDrafts(db(), Date.now())).toBe(0)
    expect((await client.get(path)).status).toBe(200)
    expect(await pruneImportDrafts(db(), Date.now() + DRAFT_TTL_MS + 1000)).toBeGreaterThanOrEqual(1)
    expect((await client.get(path)).status).toBe(404)
    const parts = await env.DB.prepare('SELECT count(*) AS n FROM import_uploads WHERE job_id = ?')
      .bind(jobId)
      .first<{ n: number }>()
    expect(parts!.n).toBe(0)
    expect(await orgLeads(slug)).toHaveLength(0)
  })
})
