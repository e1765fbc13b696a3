import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { importJobs, leads, organizations } from '../src/db/schema'
import { UNDO_WINDOW_MS } from '../src/imports/undo'
import { env, joinAs, signUp, uploadAndConfirm } from './helpers'
import { dom, textOf } from './dom'
import { reloadUntilShown } from './poll'

const db = () => createDb(env.DB)

async function orgLeads(slug: string) {
  const org = await db().select().from(organizations).where(eq(organizations.slug, slug)).get()
  return db().select().from(leads).where(eq(leads.orgId, org!.id)).all()
}

/** The count the report of import page `html` shows for `name` (`created`, `archived`, `kept`, …). */
function count(html: string, name: string): number {
  const shown = textOf(dom(html).querySelector(`#import-status [data-count="${name}"]`))
  if (!/^\d+$/.test(shown)) throw new Error(`the report shows no count of ${name}`)
  return Number(shown)
}

const IMPORTED = '#import-status[data-status="done"]'
const UNDONE = '#undo-status[data-undo-status="done"]'

describe('undoing an import', () => {
  it('of 5,000 rows archives exactly the leads nobody touched, chunk by chunk with a progress bar', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Ada Agent')
    const lines = ['Email,Name']
    for (let i = 0; i < 5000; i++) lines.push(`undo${i}@example.com,Undo Person ${i}`)
    const path = await uploadAndConfirm(client, slug, 'big.csv', lines.join('\n'))
    const report = await reloadUntilShown(client, path, IMPORTED, 120_000)
    expect(count(report, 'created')).toBe(5000)
    expect(textOf(dom(report).querySelector('#undo-import button'))).toBe('Undo this import')

    // Someone works a few of the new leads: status, assignment, pool, archive by hand.
    const byEmail = new Map((await orgLeads(slug)).map((l) => [l.email, l.id]))
    const id = (i: number) => byEmail.get(`undo${i}@example.com`)!
    const touched = [id(0), id(1), id(2500), id(4999), id(1234)]
    expect((await client.post(`/o/${slug}/leads/${id(0)}/status`, { status: 'contacted' })).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${id(1)}/assign`, { assigneeId: agent.userId })).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${id(2500)}/pool`, { inPool: '1' })).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${id(4999)}/status`, { status: 'won' })).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${id(1234)}/archive`)).status).toBe(303)

    const undo = await client.post(`${path}/undo`)
    expect(undo.status).toBe(303)
    const early = dom(await client.html(path)).querySelector('#undo-status')
    expect(early?.getAttribute('data-undo-status')).toMatch(/^(processing|done)$/)
    if (early?.getAttribute('data-undo-status') === 'processing') {
      expect(early.querySelector('progress')?.getAttribute('max')).toBe('5000')
      expect(early.querySelector('progress')?.getAttribute('value')).toMatch(/^\d+$/)
    }
    const done = await reloadUntilShown(client, path, UNDONE, 120_000)
    expect(count(done, 'archived')).toBe(4995)
    expect(count(done, 'kept')).toBe(5)

    const saved = await orgLeads(slug)
    const archivedByUndo = saved.filter((l) => l.archivedAt !== null && !touched.includes(l.id))
    expect(archivedByUndo).toHaveLength(4995)
    for (const t of [id(0), id(1), id(2500), id(4999)]) expect(saved.find((l) => l.id === t)!.archivedAt).toBeNull()
    // The undo is on each lead's timeline; the list no longer shows them.
    const timeline = dom(await client.html(`/o/${slug}/leads/${id(3)}`))
    expect(textOf(timeline.querySelector('li[data-activity-type="archived"] span'))).toBe(
      'Ana Owner undid the import of this lead (archived)',
    )
    const list = dom(await client.html(`/o/${slug}/leads`))
    expect(list.querySelectorAll('tr[data-lead-id]')).toHaveLength(4)
    // Once only.
    expect((await client.post(`${path}/undo`)).status).toBe(409)
  }, 240_000)

  it('may be done by whoever ran it or an Owner/Admin, for 7 days', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Ada Agent')
    const other = await joinAs(client, slug, 'agent', 'Bo Agent')
    const path = await uploadAndConfirm(agent.client, slug, 'a.csv', 'Name,Email\nOne,one@x.test\nTwo,two@x.test\n')
    await reloadUntilShown(agent.client, path, IMPORTED, 120_000)
    // Another Agent cannot see the job at all.
    expect((await other.client.post(`${path}/undo`)).status).toBe(404)
    const jobId = path.split('/').pop()!
    await db()
      .update(importJobs)
      .set({ createdAt: Date.now() - UNDO_WINDOW_MS - 1000 })
      .where(eq(importJobs.id, jobId))
    expect(dom(await agent.client.html(path)).querySelector('#undo-import')).toBeNull()
    expect((await agent.client.post(`${path}/undo`)).status).toBe(409)
    await db().update(importJobs).set({ createdAt: Date.now() }).where(eq(importJobs.id, jobId))
    const res = await agent.client.post(`${path}/undo`)
    expect(res.status).toBe(303)
    const html = await agent.client.html(path)
    expect(count(html, 'archived')).toBe(2)
    expect((await orgLeads(slug)).every((l) => l.archivedAt !== null)).toBe(true)

    // An Owner may undo an Agent's import too.
    const second = await uploadAndConfirm(agent.client, slug, 'b.csv', 'Name,Email\nThree,three@x.test\n')
    await reloadUntilShown(agent.client, second, IMPORTED, 120_000)
    expect((await client.post(`${second}/undo`)).status).toBe(303)
    expect(count(await client.html(second), 'archived')).toBe(1)
  })

  it('undoes once when Undo is pressed several times at the same moment', async () => {
    const { client, slug } = await signUp()
    const path = await uploadAndConfirm(client, slug, 'a.csv', 'Name,Email\nOne,one@x.test\nTwo,two@x.test\n')
    await reloadUntilShown(client, path, IMPORTED, 120_000)
    // A click that meets the undo running resumes it (303); one after it finished is refused (409).
    const answers = await Promise.all([1, 2, 3].map(() => client.post(`${path}/undo`)))
    expect(answers.map((r) => r.status)).toContain(303)
    for (const r of answers) expect([303, 409]).toContain(r.status)
    const n = await env.DB.prepare("SELECT count(*) AS n FROM activities WHERE type = 'archived'").first<{
      n: number
    }>()
    expect(n!.n).toBeGreaterThanOrEqual(2)
    expect(count(await client.html(path), 'archived')).toBe(2)
  })
})
