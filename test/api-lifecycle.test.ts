/**
 * The lead lifecycle over the JSON API (src/api/), driven through the typed client of test/api-client.ts as an
 * integration would: list, create, read, change fields and status under `If-Match`, assign, unassign, put in the
 * pool, add a note, log a communication, list members. Each change is the lead page's own (its timeline says
 * "Zapier changed the status", its assignee is notified), and a key does only what its scopes allow.
 */
import { describe, expect, it } from 'vitest'
import { apiClient, bodyOf, createKey } from './api-client'
import { dom, texts } from './dom'
import { env, errorFor, joinAs, signUp } from './helpers'

/** An organization with an Agent, and an integration named Zapier holding a key with every scope. */
async function world(name: string) {
  const owner = await signUp(name)
  const kim = await joinAs(owner.client, owner.slug, 'agent', 'Kim Agent')
  const key = await createKey(owner.client, owner.slug, 'Zapier', ['read', 'write', 'assign'])
  return { owner, kim, slug: owner.slug, api: apiClient(key) }
}

/** The sentences of the lead's timeline on its page, as `viewer` reads them, newest first. */
async function timeline(viewer: { client: { html(path: string): Promise<string> } }, slug: string, leadId: string) {
  return texts(await viewer.client.html(`/o/${slug}/leads/${leadId}`), '#timeline li[data-activity-type]')
}

describe('the lead lifecycle over the API', () => {
  it('creates, reads, changes, assigns, pools and annotates a lead, each change named after the integration', async () => {
    const { owner, kim, slug, api } = await world('Lifecycle Org')
    const members = bodyOf(await api.listMembers()).members
    expect(members.map((m) => [m.name, m.role, m.active])).toEqual([
      ['Ana Owner', 'owner', true],
      ['Kim Agent', 'agent', true],
    ])

    const created = await api.createLead({ name: 'Dana Reyes', email: 'dana@example.com', company: 'Reyes & Co' })
    expect(created.status).toBe(201)
    const leadId = bodyOf(created).id
    const read = await api.getLead(leadId)
    expect(bodyOf(read)).toMatchObject({ status: 'new', assignees: [], archived: false })
    expect(read.etag).toMatch(/^"[0-9a-f]{32}"$/)

    const changed = await api.updateLead(
      leadId,
      { status: 'contacted', reason: 'Called back', phone: '+1 555 0100' },
      read.etag!,
    )
    expect(bodyOf(changed)).toMatchObject({ status: 'contacted', phone: '+1 555 0100', company: 'Reyes & Co' })
    expect(changed.etag).not.toBe(read.etag)
    // The ETag it was read with is stale now: nothing changes, and the client is told why.
    const stale = await api.updateLead(leadId, { company: 'Other Co' }, read.etag!)
    expect(stale).toMatchObject({ ok: false, status: 412, problem: { status: 412, title: 'Precondition Failed' } })
    expect(bodyOf(await api.getLead(leadId)).company).toBe('Reyes & Co')

    const assigned = await api.setAssignee(leadId, { assigneeId: kim.userId, note: 'Wants a demo on Friday' })
    expect(bodyOf(assigned).assignees).toEqual([{ id: kim.userId, name: 'Kim Agent', kind: 'primary' }])
    expect(bodyOf(await api.addNote(leadId, { body: 'Asked for pricing' })).recentActivity[0]).toMatchObject({
      type: 'note_added',
      actor: 'Zapier',
    })
    const call = {
      kind: 'call',
      direction: 'outbound',
      summary: 'Left a voicemail',
      occurredAt: '2026-12-07T14:00:00Z',
    } as const
    expect((await api.logCommunication(leadId, call)).status).toBe(201)
    expect(bodyOf(await api.setAssignee(leadId, { assigneeId: null })).assignees).toEqual([])
    expect(bodyOf(await api.setInPool(leadId, { inPool: true })).inPool).toBe(true)
    const pooled = bodyOf(await api.listLeads({ assignee: 'pool' })).leads
    expect(pooled.map((l) => l.id)).toEqual([leadId])

    // The lead page tells the same story, each change by the integration's name.
    const sentences = await timeline(owner, slug, leadId)
    expect(sentences.slice(0, 7)).toEqual(
      [
        'Zapier put this lead in the pool',
        'Zapier unassigned Kim Agent',
        'Zapier logged an outbound call',
        'Zapier added a note',
        'Zapier assigned this lead to Kim Agent',
        'Zapier changed the status from New to Contacted',
        'Zapier edited',
      ].map((start): unknown => expect.stringMatching(new RegExp(`^${start}`))),
    )
    // Kim was told of each change while the lead was hers, by the integration's name, with the handoff note.
    const told = texts(await kim.client.html(`/o/${slug}/notifications`), '#notification-list li')
    expect(told.map((t) => t.replace(/^Unread: /, '').split(/\d/)[0])).toEqual([
      'Zapier unassigned you from Dana Reyes',
      'Zapier logged a communication on Dana Reyes“Left a voicemail”',
      'Zapier added a note on Dana Reyes“Asked for pricing”',
      'Zapier assigned you Dana Reyes“Wants a demo on Friday”',
    ])
  })

  it('lists with the list page’s filters, sort and cursor, and updated_since for a sync', async () => {
    const { api } = await world('Listing Org')
    const ids: string[] = []
    for (const name of ['Cy', 'Ali', 'Bo'])
      ids.push(bodyOf(await api.createLead({ name: `${name} Lead`, email: `${name.toLowerCase()}@example.com` })).id)
    const first = bodyOf(await api.listLeads({ sort: 'name', limit: '2' }))
    expect(first.leads.map((l) => l.name)).toEqual(['Ali Lead', 'Bo Lead'])
    const second = bodyOf(await api.listLeads({ sort: 'name', limit: '2', cursor: first.nextCursor! }))
    expect([second.leads.map((l) => l.name), second.nextCursor]).toEqual([['Cy Lead'], null])
    expect(bodyOf(await api.listLeads({ q: 'Bo' })).leads.map((l) => l.name)).toEqual(['Bo Lead'])

    const since = Math.max(...first.leads.concat(second.leads).map((l) => Date.parse(l.lastActivityAt))) + 1
    bodyOf(await api.updateLead(ids[0]!, { status: 'qualified' }))
    const synced = bodyOf(await api.listLeads({ updated_since: new Date(since).toISOString(), sort: 'activity' }))
    expect(synced.leads.map((l) => [l.name, l.status])).toEqual([['Cy Lead', 'qualified']])
    expect(bodyOf(await api.listLeads({ status: 'qualified' })).leads.map((l) => l.id)).toEqual([ids[0]])

    const refused = await api.listLeads({ sort: 'sideways', limit: '500', updated_since: 'yesterday' })
    expect(refused).toMatchObject({ ok: false, status: 422 })
    if (!refused.ok)
      expect(Object.keys(refused.problem.errors ?? {}).sort()).toEqual(['limit', 'sort', 'updated_since'])
  })

  it('keeps the pages’ rules: no assignment to a deactivated member, no pool move of an assigned lead', async () => {
    const { owner, kim, slug, api } = await world('Rules Org')
    const leadId = bodyOf(await api.createLead({ name: 'Rule Lead' })).id
    bodyOf(await api.setAssignee(leadId, { assigneeId: kim.userId }))
    expect(await api.setInPool(leadId, { inPool: true })).toMatchObject({ ok: false, status: 409 })
    expect((await owner.client.post(`/o/${slug}/team/${kim.userId}/deactivate`)).status).toBe(303)
    const other = bodyOf(await api.createLead({ name: 'Other Lead' })).id
    const refused = await api.setAssignee(other, { assigneeId: kim.userId })
    expect(refused).toMatchObject({ ok: false, status: 422 })
    if (!refused.ok) expect(refused.problem.detail).toContain('Kim Agent is deactivated')
    expect(await api.updateLead(leadId, { reason: 'No status' })).toMatchObject({ ok: false, status: 422 })
  })

  it('lets one of two changes sent with the same ETag win: the other answers 412 or 409, never 5xx', async () => {
    const { api } = await world('Race Org')
    const leadId = bodyOf(await api.createLead({ name: 'Race Lead' })).id
    const { etag } = await api.getLead(leadId)
    const statuses = ['won', 'lost'] as const
    const answers = await Promise.all(statuses.map((status) => api.updateLead(leadId, { status }, etag!)))
    const codes = answers.map((a) => a.status).sort()
    expect(codes[0]).toBe(200)
    expect([409, 412]).toContain(codes[1])
    const winner = answers.find((a) => a.ok)!
    expect(bodyOf(await api.getLead(leadId)).status).toBe(bodyOf(winner).status)
  })
})

describe('API key scopes', () => {
  it('are chosen when a key is made, shown in Settings, and hold: a read-only key changes nothing', async () => {
    const { client: owner, slug } = await signUp('Scopes Org')
    const reader = apiClient(await createKey(owner, slug, 'Dashboard', ['read']))
    const assigner = apiClient(await createKey(owner, slug, 'Router', ['assign']))
    const page = await owner.html(`/o/${slug}/settings/api-keys`)
    expect(texts(page, '#api-key-list tbody td:first-child')).toEqual(['Router', 'Dashboard'])
    expect(texts(page, '#api-key-list [data-api-key-scopes]')).toEqual(['assign', 'read'])

    const writer = apiClient(await createKey(owner, slug, 'Writer', ['write']))
    const leadId = bodyOf(await writer.createLead({ name: 'Scoped Lead' })).id
    expect(bodyOf(await reader.getLead(leadId)).name).toBe('Scoped Lead')
    const refused = await reader.updateLead(leadId, { status: 'won' })
    expect(refused).toMatchObject({ ok: false, status: 403 })
    if (!refused.ok) expect(refused.problem.detail).toContain('“write” scope')
    expect(await reader.setInPool(leadId, { inPool: true })).toMatchObject({ ok: false, status: 403 })
    expect(await assigner.getLead(leadId)).toMatchObject({ ok: false, status: 403 })
    expect(bodyOf(await assigner.setInPool(leadId, { inPool: true })).inPool).toBe(true)
    expect(await writer.listMembers()).toMatchObject({ ok: false, status: 403 })
  })

  it('must be at least one: the form says so beside the boxes and keeps the name typed', async () => {
    const { client: owner, slug } = await signUp('No Scope Org')
    const res = await owner.post(`/o/${slug}/settings/api-keys`, { name: 'Nothing' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'scopes')).toBe('Choose at least one thing the key may do')
    expect(dom(html).querySelector('input[name="name"]')!.getAttribute('value')).toBe('Nothing')
  })

  it('are all three on a key made before scopes existed (the migration’s default)', async () => {
    const { client: owner, slug } = await signUp('Old Key Org')
    await createKey(owner, slug, 'Old', ['read'])
    const org = await env.DB.prepare('SELECT org_id FROM api_keys WHERE name = ?')
      .bind('Old')
      .first<{ org_id: string }>()
    await env.DB.prepare(
      `INSERT INTO api_keys (id, org_id, name, key_hash, last_four, created_at) VALUES ('0190f0f0-0000-7000-8000-00000000000a', ?, 'Legacy', 'h', 'abcd', 1)`,
    )
      .bind(org!.org_id)
      .run()
    expect(texts(await owner.html(`/o/${slug}/settings/api-keys`), '#api-key-list [data-api-key-scopes]')).toEqual([
      'read',
      'read, write, assign',
    ])
  })
})
