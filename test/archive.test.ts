import { describe, expect, it } from 'vitest'
import { countLeads } from '../src/leads/list-totals'
import { createDb } from '../src/db/client'
import { texts } from './dom'
import { createLead, env, joinAs, leadIds, signUp } from './helpers'

/** The data lines of a CSV export (one per lead; these leads have no line breaks in their cells). */
function exportedNames(csv: string): string[] {
  return csv.split('\n').slice(1).filter(Boolean)
}

describe('archiving a lead', () => {
  it('takes it out of the list, counts, search, pool and export; the Archived filter shows it; restore brings it back', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Ada Agent')
    await client.post(`/o/${slug}/settings`, { poolEnabled: '1' })
    const owner = await env.DB.prepare(
      "SELECT m.user_id AS id FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE o.slug = ? AND m.role = 'owner'",
    )
      .bind(slug)
      .first<{ id: string }>()
    const kept = await createLead(client, slug, { name: 'Kept Lead', email: 'kept@x.test' })
    const gone = await createLead(client, slug, { name: 'Gone Lead', email: 'gone@x.test', company: 'Zebracorp' })
    const pooled = await createLead(client, slug, { name: 'Pooled Lead', email: 'pooled@x.test' })
    expect((await client.post(`/o/${slug}/leads/${pooled}/pool`, { inPool: '1' })).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${gone}/assign`, { assigneeId: owner!.id })).status).toBe(303)

    const teamCount = async () => {
      const team = await client.html(`/o/${slug}/team`)
      return Number(new RegExp(`leads\\?assignee=${owner!.id}">(\\d+)<`).exec(team)![1])
    }
    expect(await teamCount()).toBe(1)

    // An Agent may not archive (403); Owners and Admins may.
    const refused = await agent.client.post(`/o/${slug}/leads/${pooled}/archive`)
    expect(refused.status).toBe(403)
    for (const id of [gone, pooled]) {
      const res = await client.post(`/o/${slug}/leads/${id}/archive`)
      expect(res.status).toBe(303)
    }

    const list = await client.html(`/o/${slug}/leads`)
    expect(leadIds(list)).toEqual([kept])
    expect(texts(list, '#assignee-filter option')).toContain('Assigned to Ana Owner (0)')
    expect(leadIds(await client.html(`/o/${slug}/leads?q=zebracorp`))).toEqual([])
    expect(await client.html(`/o/${slug}/pool`)).not.toContain(pooled)
    expect(await agent.client.html(`/o/${slug}/pool`)).not.toContain(pooled)
    // Out of the pool, the lead is out of the Agent's sight: a claim finds nothing to claim.
    expect((await agent.client.post(`/o/${slug}/leads/${pooled}/claim`)).status).toBe(404)
    const csv = await (await client.get(`/o/${slug}/leads/export.csv`)).text()
    expect(exportedNames(csv)).toHaveLength(1)
    expect(csv).toContain('kept@x.test')
    expect(csv).not.toContain('gone@x.test')
    expect(await teamCount()).toBe(0)
    const org = await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>()
    const viewer = {
      userId: owner!.id,
      orgId: org!.id,
      role: 'owner' as const,
      poolEnabled: true,
      multipleAssignees: false,
    }
    expect(await countLeads({ db: createDb(env.DB), viewer }, {})).toEqual({ count: 1, more: false })

    // Nothing deleted: the Archived filter lists them, the lead page says so and offers Restore.
    const archived = await client.html(`/o/${slug}/leads?archived=1`)
    expect(leadIds(archived).sort()).toEqual([gone, pooled].sort())
    expect(leadIds(await client.html(`/o/${slug}/leads?archived=1&q=zebracorp`))).toEqual([gone])
    const page = await client.html(`/o/${slug}/leads/${gone}`)
    expect(page).toContain('id="archived-notice"')
    expect(page).toContain('data-archive-action="restore"')
    expect(texts(page, '#timeline li[data-activity-type="archived"]')).toHaveLength(1)

    expect((await client.post(`/o/${slug}/leads/${gone}/restore`)).status).toBe(303)
    expect((await client.post(`/o/${slug}/leads/${pooled}/restore`)).status).toBe(303)
    expect(leadIds(await client.html(`/o/${slug}/leads`)).sort()).toEqual([kept, gone, pooled].sort())
    expect(leadIds(await client.html(`/o/${slug}/leads?archived=1`))).toEqual([])
    expect(await agent.client.html(`/o/${slug}/pool`)).toContain(pooled)
    expect(await teamCount()).toBe(1)
    const restoredCsv = await (await client.get(`/o/${slug}/leads/export.csv`)).text()
    expect(exportedNames(restoredCsv)).toHaveLength(3)
    const again = await client.html(`/o/${slug}/leads/${gone}`)
    expect(texts(again, '#timeline li[data-activity-type="restored"]')).toHaveLength(1)
    expect(again).toContain('data-archive-action="archive"')
  })

  it('archives once when archive is pressed twice at the same time', async () => {
    const { client, slug } = await signUp()
    const id = await createLead(client, slug, { name: 'Twice', email: 'twice@x.test' })
    const answers = await Promise.all([1, 2, 3].map(() => client.post(`/o/${slug}/leads/${id}/archive`)))
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303])
    const n = await env.DB.prepare("SELECT count(*) AS n FROM activities WHERE lead_id = ? AND type = 'archived'")
      .bind(id)
      .first<{ n: number }>()
    expect(n!.n).toBe(1)
  })
})
