/**
 * Nothing an Agent sees depends on leads they cannot see: not counts, not the order of rows (the
 * team page sorted by open leads), not which filters or options are offered. Two organizations'
 * worth of hidden leads (generated) leave every page an Agent sees byte for byte the same.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LEAD_STATUSES } from '../src/db/schema'
import { type Client, createLead, env, joinAs, signUp } from './helpers'

/** Org A with the pool on: Olga (Owner), Agents Abe, Gus (who looks), Zed; Gus has two leads; one lead in the pool. */
async function world() {
  const a = await signUp('Scope A', 'Olga Owner')
  const abe = await joinAs(a.client, a.slug, 'agent', 'Abe Agent')
  const gus = await joinAs(a.client, a.slug, 'agent', 'Gus Agent')
  const zed = await joinAs(a.client, a.slug, 'agent', 'Zed Agent')
  expect((await a.client.post(`/o/${a.slug}/settings`, { poolEnabled: '1' })).status).toBe(303)
  const mine = await createLead(gus.client, a.slug, { name: 'Gus First', email: 'gus.first@example.com' })
  const second = await createLead(gus.client, a.slug, { name: 'Gus Second', company: 'Lead Co' })
  expect((await gus.client.post(`/o/${a.slug}/leads/${second}/status`, { status: 'contacted' })).status).toBe(303)
  const pooled = await createLead(a.client, a.slug, { name: 'Pool Lead' })
  expect((await a.client.post(`/o/${a.slug}/leads/${pooled}/pool`, { inPool: '1' })).status).toBe(303)
  const b = await signUp('Scope B', 'Bea Owner')
  const bAgent = await joinAs(b.client, b.slug, 'agent', 'Aaron B')
  const ids = async (slug: string) =>
    (await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>())!.id
  const owner = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(a.email).first<{ id: string }>()
  return {
    a,
    abe,
    gus,
    zed,
    b,
    bAgent,
    mine,
    pooled,
    ownerId: owner!.id,
    orgA: await ids(a.slug),
    orgB: await ids(b.slug),
  }
}
type World = Awaited<ReturnType<typeof world>>

/** Every page (and fragment) Gus sees that lists, counts, orders or offers anything. */
function pages(w: World): [string, HeadersInit?][] {
  const base = `/o/${w.a.slug}`
  return [
    [`${base}/team`],
    [`${base}/team?sort=open`],
    [`${base}/leads`],
    [`${base}/leads?q=lead`],
    [`${base}/leads?status=new`],
    [`${base}/leads?status=contacted`],
    [`${base}/leads?assignee=me`],
    [`${base}/leads?assignee=pool`],
    [`${base}/leads?assignee=unassigned`],
    [`${base}/leads?assignee=${w.zed.userId}`],
    [`${base}/leads?q=lead`, { 'HX-Request': 'true', 'HX-Target': 'lead-results' }],
    [`${base}/leads/export.csv`],
    [`${base}/leads/${w.mine}`],
    [`${base}/leads/${w.pooled}`],
    [`${base}/pool`],
    [`${base}/leads/new`],
  ]
}

async function snapshot(client: Client, w: World): Promise<string[]> {
  const out: string[] = []
  for (const [path, headers] of pages(w)) {
    const res = await client.get(path, headers)
    expect(res.status, path).toBe(200)
    // A create form's one-time token is new on every rendering, whoever looks: not a difference.
    // Volatile: form tokens, the communication form's default time (now, to the minute), and the one-time
    // confirmation shown on the first visit after creating a lead (views/done.ts).
    const html = (await res.text())
      .replace(/<p class="notice notice-success" role="status">[^<]*<\/p>/g, '')
      .replace(/name="formToken" value="[^"]*"/g, 'name="formToken" value=""')
      .replace(/name="occurredAt" value="[^"]*"/g, 'name="occurredAt" value=""')
    out.push(`${path}\n${html}`)
  }
  return out
}

/** How many hidden leads to add, per kind. */
const hidden = fc.record({
  zed: fc.array(fc.constantFrom(...LEAD_STATUSES), { maxLength: 12 }),
  abe: fc.array(fc.constantFrom(...LEAD_STATUSES), { maxLength: 6 }),
  unassigned: fc.nat({ max: 5 }),
  otherOrg: fc.array(fc.constantFrom(...LEAD_STATUSES), { maxLength: 12 }),
  named: fc.constantFrom('Gus', 'Lead', 'Pool', 'Zed'),
})

/** Adds leads Gus cannot see: assigned to Zed or Abe, unassigned (not pooled), and in org B (to its Agent or nobody). */
async function addHidden(w: World, h: HiddenSpec) {
  const now = Date.now()
  const statements: D1PreparedStatement[] = []
  const insert = (orgId: string, status: string, assignee: string | null, createdBy: string | null) => {
    const id = crypto.randomUUID()
    const name = `${h.named} hidden ${id.slice(0, 8)}`
    statements.push(
      env.DB.prepare(
        "INSERT INTO leads (id, org_id, name, email, email_normalized, phone, company, source, status, in_pool, created_by, created_at, updated_at) VALUES (?, ?, ?, '', NULL, '', 'Lead Co', '', ?, 0, ?, ?, ?)",
      ).bind(id, orgId, name, status, createdBy, now, now),
    )
    if (assignee)
      statements.push(
        env.DB.prepare(
          "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_by, assigned_at) VALUES (?, ?, ?, 'primary', NULL, ?)",
        ).bind(orgId, id, assignee, now),
      )
  }
  for (const status of h.zed) insert(w.orgA, status, w.zed.userId, null)
  for (const status of h.abe) insert(w.orgA, status, w.abe.userId, w.abe.userId)
  for (let i = 0; i < h.unassigned; i++) insert(w.orgA, 'new', null, null)
  for (const status of h.otherOrg) insert(w.orgB, status, w.bAgent.userId, null)
  if (statements.length) await env.DB.batch(statements)
}
/** User ids of the team table's rows, in order. */
function memberOrder(html: string): string[] {
  return [...html.matchAll(/<tr data-member-id="([^"]+)"/g)].map((m) => m[1]!)
}

type HiddenSpec = { zed: string[]; abe: string[]; unassigned: number; otherOrg: string[]; named: string }

describe('what an Agent sees depends only on leads they can see', () => {
  it('hidden leads (their own organization and another) change nothing on team, list, filters, pool', async () => {
    const w = await world()
    const before = await snapshot(w.gus.client, w)
    // The sorted team page already orders by Gus's visible leads only: Gus (2) first, then by name.
    expect(memberOrder(before[1]!)).toEqual([w.gus.userId, w.abe.userId, w.ownerId, w.zed.userId])
    await fc.assert(
      fc.asyncProperty(hidden, async (h) => {
        await addHidden(w, h)
        const after = await snapshot(w.gus.client, w)
        for (let i = 0; i < before.length; i++) expect(after[i], pages(w)[i]![0]).toBe(before[i])
      }),
      { numRuns: 6 },
    )
    // Managers do see them: the team page ranks Zed first by open leads once he has some.
    await addHidden(w, { zed: ['new', 'new', 'new'], abe: [], unassigned: 0, otherOrg: [], named: 'Zed' })
    const ownerTeam = memberOrder(await w.a.client.html(`/o/${w.a.slug}/team?sort=open`))
    expect(ownerTeam.indexOf(w.zed.userId)).toBeLessThan(ownerTeam.indexOf(w.gus.userId))
  })
})
