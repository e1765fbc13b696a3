import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { memberships, organizations, users } from '../src/db/schema'
import { createLead, env, joinAs, leadIds, orgDb, signUp } from './helpers'

const db = () => createDb(env.DB)

/** Org A with a lead and a finished import; org B, a stranger to it. */
async function twoOrganizations() {
  const a = await signUp('Alpha Org', 'Alice Alpha')
  const b = await signUp('Beta Org', 'Bert Beta')
  const leadId = await createLead(a.client, a.slug, { name: 'Secret Prospect', email: 'secret@alpha.example' })
  const upload = await a.client.upload(
    `/o/${a.slug}/leads/import`,
    'a.csv',
    'Name,Email\nHidden Person,hidden@alpha.example\n',
  )
  const importPath = upload.headers.get('Location')!
  return { a, b, leadId, importPath, importId: importPath.split('/').pop()! }
}

describe('tenancy: another organization is invisible', () => {
  it('answers 404 to a member of another organization for every URL of this one', async () => {
    const { a, b, leadId, importPath } = await twoOrganizations()
    const pages = [
      `/o/${a.slug}/leads`,
      `/o/${a.slug}/leads?q=Secret`,
      `/o/${a.slug}/leads/new`,
      `/o/${a.slug}/leads/${leadId}`,
      `/o/${a.slug}/leads/import`,
      importPath,
    ]
    for (const path of pages) {
      expect((await a.client.get(path)).status, `owner of A: ${path}`).toBe(200)
      expect((await b.client.get(path)).status, `member of B: ${path}`).toBe(404)
      expect((await b.client.get(path, { 'HX-Request': 'true', 'HX-Target': 'lead-results' })).status).toBe(404)
    }
    expect((await b.client.post(`/o/${a.slug}/leads`, { name: 'Planted' })).status).toBe(404)
    expect((await b.client.upload(`/o/${a.slug}/leads/import`, 'x.csv', 'Name\nPlanted\n')).status).toBe(404)
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?q=Planted`))).toEqual([])
    const own = await createLead(a.client, a.slug, { name: 'Planted' }) // the same search finds A's own
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?q=Planted`))).toEqual([own])
  })

  it('does not serve another organization’s lead or import under one’s own slug', async () => {
    const { a, b, leadId, importId } = await twoOrganizations()
    expect((await b.client.get(`/o/${b.slug}/leads/${leadId}`)).status).toBe(404)
    expect((await b.client.get(`/o/${b.slug}/leads/import/${importId}`)).status).toBe(404)
    expect(leadIds(await b.client.html(`/o/${b.slug}/leads?q=Secret`))).toEqual([])
    expect(await b.client.html(`/o/${b.slug}/leads/import`)).not.toContain('a.csv')
    // What B does not get, A does.
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?q=Secret`))).toEqual([leadId])
    expect(await a.client.html(`/o/${a.slug}/leads/import`)).toContain('a.csv')
  })

  it('answers the same 404 for an organization that does not exist', async () => {
    const { b } = await twoOrganizations()
    const missing = await b.client.get('/o/no-such-org/leads')
    expect(missing.status).toBe(404)
  })

  it('ends access for a deactivated membership at the next request', async () => {
    const { a, leadId } = await twoOrganizations()
    expect((await a.client.get(`/o/${a.slug}/leads/${leadId}`)).status).toBe(200)
    const user = await db().select().from(users).where(eq(users.email, a.email)).get()
    // The organization's database holds the truth of its memberships.
    await (
      await orgDb(a.slug)
    )
      .update(memberships)
      .set({ status: 'deactivated' })
      .where(eq(memberships.userId, user!.id))
    expect((await a.client.get(`/o/${a.slug}/leads/${leadId}`)).status).toBe(404)
    expect((await a.client.get(`/o/${a.slug}/leads`)).status).toBe(404)
  })
})

describe('visibility inside one organization', () => {
  it('shows an Agent only the leads they created (or are assigned), never the others', async () => {
    const { a, leadId } = await twoOrganizations()
    const agent = await joinAs(a.client, a.slug, 'agent', 'Agnes Agent')
    const org = await db().select().from(organizations).where(eq(organizations.slug, a.slug)).get()
    const own = await createLead(agent.client, a.slug, { name: 'Agent Own Lead' })
    expect(leadIds(await agent.client.html(`/o/${a.slug}/leads`))).toEqual([own])
    expect((await agent.client.get(`/o/${a.slug}/leads/${leadId}`)).status).toBe(404)
    expect(leadIds(await agent.client.html(`/o/${a.slug}/leads?q=Secret`))).toEqual([])
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?q=Secret`))).toEqual([leadId])
    // The Owner sees everything, the agent's lead included.
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads`))).toContain(own)
    // And the agent cannot read the Owner's import either.
    const jobs = await a.client.html(`/o/${a.slug}/leads/import`)
    const jobPath = /href="(\/o\/[^"]+\/leads\/import\/[^"]+)"/.exec(jobs)![1]!
    expect((await agent.client.get(jobPath)).status).toBe(404)
    const agentMembership = await (
      await orgDb(a.slug)
    )
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, org!.id), eq(memberships.userId, agent.userId)))
      .get()
    expect(agentMembership?.role).toBe('agent')
  })
})
