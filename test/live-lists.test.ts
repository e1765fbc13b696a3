/**
 * Live lists (src/leads/org-room.ts, src/leads/live-lists.ts, src/leads/live-rows.tsx): the organization's WebSocket
 * is authorized in the Worker (membership, Origin), each member is told only the changed leads they may see, and a
 * page refetches its rows (updated, new, no longer matching, totals), also after a reconnect.
 */
import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dom, textOf } from './dom'
import { createDb } from '../src/db/client'
import { leadsEachMaySee } from '../src/leads/policy'
import { createLead, env, joinAs, ORIGIN, signUp, type Client } from './helpers'
import { listen, until } from './sockets'
import { addLead } from './concurrency'
import { orgIdOf, setOrg } from './pool-fixtures'
import { agePools } from '../src/pool/aging'

const DAY = 86_400_000

const upgrade = { Upgrade: 'websocket', Origin: ORIGIN }

/** `client`'s socket on the organization `slug`: every change it was told, parsed. */
async function connect(client: Client, slug: string) {
  const { socket, messages } = listen(await client.get(`/o/${slug}/live`, upgrade))
  const told = () => messages.map((m) => JSON.parse(m) as { leads: string[]; recheck: boolean })
  return { socket, told, ids: () => new Set(told().flatMap((c) => c.leads)) }
}

/** What the rows endpoint answers: the rows' names by id, the new rows, the gone ids, the total. */
async function rows(client: Client, slug: string, query: Record<string, string>) {
  const html = await client.html(`/o/${slug}/leads/rows?${new URLSearchParams(query).toString()}`)
  const content = dom(html).querySelector('#live-rows')!
  const names = new Map(
    [...content.querySelectorAll('#lead-list tbody tr[data-lead-id]')].map((tr) => [
      tr.getAttribute('data-lead-id')!,
      textOf(tr.querySelector('td.lead-name a')),
    ]),
  )
  return {
    names,
    fresh: [...content.querySelectorAll('[data-new]')].map((li) => li.getAttribute('data-new')),
    gone: [...content.querySelectorAll('[data-gone]')].map((li) => li.getAttribute('data-gone')),
    total: textOf(content.querySelector('[data-total-count]')),
  }
}

describe('GET /o/{slug}/live', () => {
  it('upgrades a member whose page comes from this site, and no one else', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    const stranger = await signUp('Elsewhere', 'Sam Stranger')
    const live = `/o/${owner.slug}/live`
    expect((await owner.client.get(live, { Upgrade: 'websocket', Origin: 'http://evil.example' })).status).toBe(403)
    // No Origin at all (the test client, like a browser, sends one on an upgrade): a hand-built request.
    const bare = new Request(new URL(live, ORIGIN), {
      headers: { Upgrade: 'websocket', Cookie: owner.client.cookieHeader() },
    })
    expect((await exports.default.fetch(bare)).status).toBe(403)
    expect((await owner.client.get(live, { Origin: ORIGIN })).status).toBe(426)
    // Not a member: as every URL of the organization, it does not exist for them.
    expect((await stranger.client.get(live, upgrade)).status).toBe(404)
    const { socket } = listen(await owner.client.get(live, upgrade))
    socket.close(1000, 'done')
  })
})

describe('telling each member only what they may see', () => {
  it('names a changed lead to those who may see it, never to an Agent who cannot', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const bo = await joinAs(owner.client, owner.slug, 'agent', 'Bo Agent')
    const ownerSocket = await connect(owner.client, owner.slug)
    const avaSocket = await connect(ava.client, owner.slug)
    const boSocket = await connect(bo.client, owner.slug)
    const leadId = await createLead(owner.client, owner.slug, { name: 'Maria Live' })
    await until(() => ownerSocket.ids().has(leadId), 'the Owner is told of the new lead')
    await owner.client.post(`/o/${owner.slug}/leads/${leadId}/assign`, { assigneeId: ava.userId })
    await until(() => avaSocket.ids().has(leadId), 'Ava is told of the lead assigned to her')
    await owner.client.post(`/o/${owner.slug}/leads/${leadId}/status`, { status: 'contacted', from: 'new' })
    await until(() => avaSocket.told().length >= 2, 'Ava is told of the status change')
    expect(boSocket.ids().has(leadId)).toBe(false)
    for (const s of [ownerSocket, avaSocket, boSocket]) s.socket.close(1000, 'done')
  })

  it('names a lead to exactly the members whose pages show it, whatever happens to it (generated)', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const bo = await joinAs(owner.client, owner.slug, 'agent', 'Bo Agent')
    const base = `/o/${owner.slug}/leads`
    const leadId = await createLead(owner.client, owner.slug, { name: 'Moving Target' })
    const orgId = (await env.DB.prepare('SELECT org_id FROM leads WHERE id = ?')
      .bind(leadId)
      .first<{ org_id: string }>())!.org_id
    const db = createDb(env.DB)
    const action = fc.constantFrom('ava', 'bo', 'none', 'pool', 'unpool', 'open', 'close')
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 5 }), async (actions) => {
        for (const a of actions) {
          if (a === 'ava' || a === 'bo' || a === 'none') {
            const assigneeId = a === 'none' ? 'none' : (a === 'ava' ? ava : bo).userId
            await owner.client.post(`${base}/${leadId}/assign`, { assigneeId })
          } else if (a === 'pool' || a === 'unpool') {
            await owner.client.post(`${base}/${leadId}/pool`, { inPool: a === 'pool' ? '1' : '0' })
          } else {
            await env.DB.prepare('UPDATE organizations SET pool_enabled = ? WHERE id = ?')
              .bind(a === 'open' ? 1 : 0, orgId)
              .run()
          }
          const told = await leadsEachMaySee(db, orgId, [leadId], [ava.userId, bo.userId])
          for (const agent of [ava, bo]) {
            const sees = (await agent.client.get(`${base}/${leadId}`)).status === 200
            expect(told.get(agent.userId)!.includes(leadId), `${a}: the room and the page agree`).toBe(sees)
          }
        }
      }),
      { numRuns: 10 },
    )
  })
})

describe('the pool’s aging cron', () => {
  it('tells the lists of the leads it returns to the pool', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    await setOrg(owner.slug, { pool_enabled: 1, pool_return_days: 3 })
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const idle = await addLead(owner.slug, 'Idle Lead', { assignee: ava.userId })
    const now = Date.now()
    // Claimed from the pool 4 days ago, untouched since, and its assignee warned 2 days ago: due back.
    await env.DB.batch([
      env.DB.prepare('UPDATE lead_assignees SET assigned_at = ? WHERE lead_id = ?').bind(now - 4 * DAY, idle),
      env.DB.prepare('UPDATE leads SET return_warned_at = ? WHERE id = ?').bind(now - 2 * DAY, idle),
      env.DB.prepare(
        "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, 'claimed', '{}', ?)",
      ).bind(crypto.randomUUID(), await orgIdOf(owner.slug), idle, ava.userId, now - 4 * DAY),
    ])
    const ownerSocket = await connect(owner.client, owner.slug)
    await agePools(env, now)
    expect(await env.DB.prepare('SELECT in_pool FROM leads WHERE id = ?').bind(idle).first('in_pool')).toBe(1)
    await until(() => ownerSocket.ids().has(idle), 'the Owner’s list is told of the lead returned to the pool')
    ownerSocket.socket.close(1000, 'done')
  })
})

describe('GET /o/{slug}/leads/rows', () => {
  it('updates shown rows, adds new ones on the page, marks those that left the filter, and catches up', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const first = await createLead(owner.client, owner.slug, { name: 'First Lead' })
    const second = await createLead(owner.client, owner.slug, { name: 'Second Lead' })
    const filter = { status: 'new' }
    // A page showing both new leads: the second changes status, a third arrives.
    await owner.client.post(`/o/${owner.slug}/leads/${second}/status`, { status: 'contacted', from: 'new' })
    const third = await createLead(owner.client, owner.slug, { name: 'Third Lead' })
    const told = await rows(owner.client, owner.slug, {
      ...filter,
      ids: [second, third].join(','),
      shown: [first, second].join(','),
    })
    expect(told.gone).toEqual([second])
    expect(told.fresh).toEqual([third])
    expect(told.total).toBe('2 leads')
    // An edit of a shown row comes back as the row now.
    await owner.client.post(`/o/${owner.slug}/leads/${first}/edit`, { name: 'First Renamed', shown_name: 'First Lead' })
    const edited = await rows(owner.client, owner.slug, { ids: first, shown: [first, second].join(',') })
    expect(edited.names.get(first)).toBe('First Renamed')
    // Reconnected (catchup): every row of the page the page lacks, as the viewer may see it (Ava: none of these).
    const caught = await rows(owner.client, owner.slug, { shown: first, catchup: '1' })
    expect(caught.fresh.sort()).toEqual([second, third].sort())
    const agent = await rows(ava.client, owner.slug, { ids: [first, second, third].join(','), shown: '', catchup: '1' })
    expect(agent.names.size).toBe(0)
    expect(agent.fresh).toEqual([])
  })
})

describe('what a commit costs with 50 list viewers connected (BENCHMARKS.md "Live lists")', () => {
  it('tells all 50 sockets once per commit, and measures the commit and the pages’ refetch', async () => {
    const owner = await signUp('Live Lists Co', 'Ana Owner')
    const members: { client: Client }[] = [owner]
    for (let i = 1; i < 10; i++)
      members.push(await joinAs(owner.client, owner.slug, i < 5 ? 'admin' : 'agent', `M${i}`))
    const leadId = await createLead(owner.client, owner.slug, { name: 'Busy Lead' })
    const note = (body: string) => owner.client.post(`/o/${owner.slug}/leads/${leadId}/notes`, { body })
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now()
      await work()
      return performance.now() - started
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!
    const alone: number[] = []
    for (let i = 0; i < 5; i++) alone.push(await timed(() => note(`alone ${i}`)))
    // 5 pages per member: 50 sockets, half of them Agents' who may not see the lead.
    const sockets = []
    for (const m of members) for (let i = 0; i < 5; i++) sockets.push(await connect(m.client, owner.slug))
    const watched: number[] = []
    for (let i = 0; i < 5; i++) watched.push(await timed(() => note(`watched ${i}`)))
    const managers = sockets.slice(0, 25)
    await until(() => managers.every((s) => s.told().length === 5), 'every manager’s page is told of each commit once')
    expect(sockets.slice(25).every((s) => s.told().length === 0)).toBe(true)
    const refetch = await timed(() =>
      Promise.all(
        members.flatMap((m) =>
          Array.from({ length: 5 }, () => m.client.get(`/o/${owner.slug}/leads/rows?ids=${leadId}&shown=${leadId}`)),
        ),
      ),
    )
    console.log(
      `live lists: note commit p50 ${median(alone).toFixed(1)} ms alone, ${median(watched).toFixed(1)} ms with 50 list viewers; 50 pages' refetch ${refetch.toFixed(0)} ms`,
    )
    for (const s of sockets) s.socket.close(1000, 'done')
  })
})
