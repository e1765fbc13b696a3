/**
 * The lead policy as one table: role × relation to the lead × action (docs/ARCHITECTURE.md "One visibility
 * policy"). Each row is one (role, relation) pair; each column what one action answers.
 *
 * Relations are relative to the person acting:
 *   assigned      the lead is assigned to them
 *   former        it was assigned to them, then transferred to someone else
 *   creator       they created it (a CSV import: created, not assigned)
 *   pool          unassigned and in the pool
 *   someone-else  assigned to another member, never theirs
 * Actions: view (lead page), fragment (timeline, htmx), list, search, export (CSV), edit (status),
 * assign (a no-op reassignment to the current assignee), claim.
 * Outcomes: HTTP status for actions on the lead; shown / hidden for list, search and export.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { type Client, createLead, env, joinAs, signUp, uploadAndConfirm } from './helpers'

type Role = 'owner' | 'admin' | 'agent' | 'agent, pool off' | 'deactivated agent' | 'other org'
type Relation = 'assigned' | 'former' | 'creator' | 'pool' | 'someone-else'
type Seen = 'shown' | 'hidden'
type Row = [
  Role,
  Relation,
  view: number,
  fragment: number,
  list: Seen,
  search: Seen,
  exported: Seen,
  edit: number,
  assign: number,
  claim: number,
]

const S = 'shown'
const H = 'hidden'

// prettier-ignore
const MATRIX: Row[] = [
  // role                 relation        view fragment list search export edit assign claim
  ['owner',               'assigned',     200, 200,     S,   S,     S,     303, 303,   409],
  ['owner',               'former',       200, 200,     S,   S,     S,     303, 303,   409],
  ['owner',               'creator',      200, 200,     S,   S,     S,     303, 303,   409],
  ['owner',               'pool',         200, 200,     S,   S,     S,     303, 303,   303],
  ['owner',               'someone-else', 200, 200,     S,   S,     S,     303, 303,   409],
  ['admin',               'assigned',     200, 200,     S,   S,     S,     303, 303,   409],
  ['admin',               'former',       200, 200,     S,   S,     S,     303, 303,   409],
  ['admin',               'creator',      200, 200,     S,   S,     S,     303, 303,   409],
  ['admin',               'pool',         200, 200,     S,   S,     S,     303, 303,   303],
  ['admin',               'someone-else', 200, 200,     S,   S,     S,     303, 303,   409],
  ['agent',               'assigned',     200, 200,     S,   S,     S,     303, 403,   409],
  ['agent',               'former',       200, 200,     S,   S,     S,     403, 403,   409],
  ['agent',               'creator',      200, 200,     S,   S,     S,     403, 403,   409],
  ['agent',               'pool',         200, 200,     S,   S,     S,     403, 403,   303],
  ['agent',               'someone-else', 404, 404,     H,   H,     H,     404, 404,   404],
  ['agent, pool off',     'assigned',     200, 200,     S,   S,     S,     303, 403,   409],
  ['agent, pool off',     'former',       200, 200,     S,   S,     S,     403, 403,   409],
  ['agent, pool off',     'creator',      200, 200,     S,   S,     S,     403, 403,   409],
  ['agent, pool off',     'pool',         404, 404,     H,   H,     H,     404, 404,   404],
  ['agent, pool off',     'someone-else', 404, 404,     H,   H,     H,     404, 404,   404],
  ['deactivated agent',   'assigned',     404, 404,     H,   H,     H,     404, 404,   404],
  ['deactivated agent',   'former',       404, 404,     H,   H,     H,     404, 404,   404],
  ['deactivated agent',   'creator',      404, 404,     H,   H,     H,     404, 404,   404],
  ['deactivated agent',   'pool',         404, 404,     H,   H,     H,     404, 404,   404],
  ['deactivated agent',   'someone-else', 404, 404,     H,   H,     H,     404, 404,   404],
  ['other org',           'assigned',     404, 404,     H,   H,     H,     404, 404,   404],
  ['other org',           'former',       404, 404,     H,   H,     H,     404, 404,   404],
  ['other org',           'creator',      404, 404,     H,   H,     H,     404, 404,   404],
  ['other org',           'pool',         404, 404,     H,   H,     H,     404, 404,   404],
  ['other org',           'someone-else', 404, 404,     H,   H,     H,     404, 404,   404],
]

type Lead = { id: string; name: string; assigneeId: string | null }
type Subject = { client: Client; leads: Record<Relation, Lead> }

let slug: string
let owner: Client
const subjects = {} as Record<Role, Subject>

/** Builds the organization: every person and, for each, one lead in each relation to them. */
beforeAll(async () => {
  const o = await signUp('Matrix Org', 'Olive Owner')
  slug = o.slug
  owner = o.client
  const ownerId = (await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(o.email).first<{ id: string }>())!
    .id
  const other = await joinAs(owner, slug, 'agent', 'Hal Other')
  const admin = await joinAs(owner, slug, 'admin', 'Ada Admin')
  const agent = await joinAs(owner, slug, 'agent', 'Gus Agent')
  const doomed = await joinAs(owner, slug, 'agent', 'Dee Deactivated')
  const stranger = await signUp('Elsewhere Inc', 'Xavier Stranger')

  const assign = (lead: string, to: string) => owner.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: to })
  const pool = await createLead(owner, slug, { name: 'mxpoollead' })
  await owner.post(`/o/${slug}/leads/${pool}/pool`, { inPool: '1' })
  const someoneElse = await createLead(owner, slug, { name: 'mxsomeoneelse' })
  await assign(someoneElse, other.userId)

  async function leadsOf(tag: string, person: { client: Client; userId: string }): Promise<Record<Relation, Lead>> {
    const assigned = await createLead(owner, slug, { name: `mx${tag}assigned` })
    await assign(assigned, person.userId)
    const former = await createLead(owner, slug, { name: `mx${tag}former` })
    await assign(former, person.userId)
    await assign(former, other.userId)
    await uploadAndConfirm(person.client, slug, 'mine.csv', `Name\nmx${tag}creator\n`)
    const creator = (await env.DB.prepare('SELECT id FROM leads WHERE name = ?')
      .bind(`mx${tag}creator`)
      .first<{ id: string }>())!.id
    return {
      assigned: { id: assigned, name: `mx${tag}assigned`, assigneeId: person.userId },
      former: { id: former, name: `mx${tag}former`, assigneeId: other.userId },
      creator: { id: creator, name: `mx${tag}creator`, assigneeId: null },
      pool: { id: pool, name: 'mxpoollead', assigneeId: null },
      'someone-else': { id: someoneElse, name: 'mxsomeoneelse', assigneeId: other.userId },
    }
  }

  const agentLeads = await leadsOf('agent', agent)
  subjects.owner = { client: owner, leads: await leadsOf('owner', { client: owner, userId: ownerId }) }
  subjects.admin = { client: admin.client, leads: await leadsOf('admin', admin) }
  subjects.agent = { client: agent.client, leads: agentLeads }
  subjects['agent, pool off'] = { client: agent.client, leads: agentLeads }
  subjects['deactivated agent'] = { client: doomed.client, leads: await leadsOf('doomed', doomed) }
  subjects['other org'] = { client: stranger.client, leads: agentLeads }
  expect((await owner.post(`/o/${slug}/team/${doomed.userId}/deactivate`)).status).toBe(303)
  await setPool(true)
}, 120_000)

async function setPool(on: boolean) {
  expect((await owner.post(`/o/${slug}/settings`, on ? { poolEnabled: '1' } : {})).status).toBe(303)
}

/** Puts the pool lead back in the pool after a successful claim, so every row starts alike. */
async function refillPool(lead: Lead) {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM lead_assignees WHERE lead_id = ?').bind(lead.id),
    env.DB.prepare('UPDATE leads SET in_pool = 1 WHERE id = ?').bind(lead.id),
  ])
}

/** What each action answers for `client` on `lead`, in the column order of the matrix. */
async function observe(
  client: Client,
  lead: Lead,
): Promise<Row extends [Role, Relation, ...infer Rest] ? Rest : never> {
  const base = `/o/${slug}/leads`
  const seen = async (path: string, needle: string): Promise<Seen> => {
    const res = await client.get(path)
    return res.status === 200 && (await res.text()).includes(needle) ? 'shown' : 'hidden'
  }
  const view = (await client.get(`${base}/${lead.id}`)).status
  const fragment = (await client.get(`${base}/${lead.id}/timeline`, { 'HX-Request': 'true' })).status
  const list = await seen(base, `data-lead-id="${lead.id}"`)
  const search = await seen(`${base}?q=${lead.name}`, `data-lead-id="${lead.id}"`)
  const exported = await seen(`${base}/export.csv`, lead.name)
  const edit = (await client.post(`${base}/${lead.id}/status`, { status: 'contacted' })).status
  const assign = (await client.post(`${base}/${lead.id}/assign`, { assigneeId: lead.assigneeId ?? '' })).status
  const claim = (await client.post(`${base}/${lead.id}/claim`)).status
  if (claim === 303) await refillPool(lead)
  return [view, fragment, list, search, exported, edit, assign, claim]
}

describe('the lead policy matrix', () => {
  it('answers every (role, relation, action) as the table says', async () => {
    const mismatches: string[] = []
    for (const poolOn of [true, false]) {
      await setPool(poolOn)
      for (const [role, relation, ...expected] of MATRIX) {
        if ((role === 'agent, pool off') === poolOn) continue
        const actual = await observe(subjects[role].client, subjects[role].leads[relation])
        const columns = ['view', 'fragment', 'list', 'search', 'export', 'edit', 'assign', 'claim']
        columns.forEach((column, i) => {
          if (actual[i] !== expected[i])
            mismatches.push(`${role} × ${relation} × ${column}: expected ${expected[i]}, got ${actual[i]}`)
        })
      }
    }
    expect(mismatches).toEqual([])
  }, 120_000)
})
