/**
 * The routing ledger's fairness balance (issue #27, "The ledger"): each routed lead's activity records the balance
 * after it, in the batch of its assignment, and the routing page (`/o/{slug}/routing`, Owners and Admins) shows per
 * member over 7, 30 or 90 days the leads routed, weight, expected share, difference and skips by reason.
 */
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { routeLeadsNow } from '../src/leads/routing'
import { addLead, addMembers, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { env, signUp } from './helpers'
import { orgIdOf, setOrg, signedInMembers } from './pool-fixtures'

const DAY = 86_400_000

/** Puts `ids` in the rotation of `slug` in that order, with their weights, and turns round-robin on. */
async function rotation(slug: string, members: { id: string; weight: number }[]) {
  const orgId = await orgIdOf(slug)
  await setOrg(slug, { routing: 'round_robin' })
  await env.DB.batch(
    members.flatMap((m, position) => [
      env.DB.prepare('INSERT INTO routing_members (org_id, user_id, position) VALUES (?, ?, ?)').bind(
        orgId,
        m.id,
        position,
      ),
      env.DB.prepare('UPDATE memberships SET routing_weight = ? WHERE user_id = ?').bind(m.weight, m.id),
    ]),
  )
  return orgId
}

/** Routes `n` new leads of `slug` one at a time at `now`, as routing turns do. */
async function arrivals(slug: string, orgId: string, n: number, now = Date.now()) {
  const unit = unitFor(env, { id: orgId, name: 'Balance Org', slug, database: 'DB' }, { now })
  for (let i = 0; i < n; i++) await routeLeadsNow(unit, [await addLead(slug, `Arrival ${i}`)])
}

/** The routing page's row of member `userId`: the text of each cell, by its `data-label`. */
function rowOf(html: string, userId: string): Record<string, string> {
  const row = dom(html).querySelector(`#routing-balance tr[data-member-id="${userId}"]`)
  return Object.fromEntries(
    [...(row?.querySelectorAll('td[data-label]') ?? [])].map((td) => [td.getAttribute('data-label')!, textOf(td)]),
  )
}

describe('the fairness balance in the ledger', () => {
  it('each routed lead records every eligible member’s weight and credit after it, in its assignment’s batch', async () => {
    const { slug } = await signUp('Balance Ledger Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    const orgId = await rotation(slug, [
      { id: ana!, weight: 1 },
      { id: bo!, weight: 2 },
      { id: cy!, weight: 1 },
    ])
    await env.DB.prepare('INSERT INTO away_periods (id, org_id, user_id, starts_at) VALUES (?, ?, ?, ?)')
      .bind(crypto.randomUUID(), orgId, cy, Date.now() - 1000)
      .run()
    await arrivals(slug, orgId, 6)
    const routed = await rows<{ lead_id: string; data: string; assigned: string | null }>(
      `SELECT a.lead_id, a.data, la.user_id AS assigned FROM activities a
       LEFT JOIN lead_assignees la ON la.lead_id = a.lead_id AND la.assigned_at = a.created_at
       WHERE a.org_id = ? AND a.type = 'assigned' ORDER BY a.created_at, a.rowid`,
      orgId,
    )
    expect(routed).toHaveLength(6)
    for (const r of routed) {
      const data = JSON.parse(r.data) as {
        to: { id: string }
        balance: { id: string; weight: number; credit: number }[]
      }
      // Written with the assignment it describes; Cy, away, is not among those who could take it.
      expect(r.assigned).toBe(data.to.id)
      expect(data.balance.map((b) => [b.id, b.weight])).toEqual([
        [ana, 1],
        [bo, 2],
      ])
      // Smooth weighted round-robin: the credits of a stretch always sum to zero.
      expect(data.balance.reduce((sum, b) => sum + b.credit, 0)).toBe(0)
    }
    const last = JSON.parse(routed.at(-1)!.data) as { balance: { credit: number }[] }
    expect(last.balance.map((b) => b.credit)).toEqual([0, 0])
  })
})

describe('the routing page', () => {
  it('shows each member’s leads routed, weight, expected share, difference and skips over the chosen period', async () => {
    const { client: owner, slug } = await signUp('Balance Page Org')
    const [ana, bo, cy] = await signedInMembers(slug, 3)
    const orgId = await rotation(slug, [
      { id: ana!.userId, weight: 1 },
      { id: bo!.userId, weight: 2 },
      { id: cy!.userId, weight: 1 },
    ])
    // Cy is away for the first 6 leads: Ana 2 and Bo 4 of them.
    await env.DB.prepare('INSERT INTO away_periods (id, org_id, user_id, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)')
      .bind(crypto.randomUUID(), orgId, cy!.userId, Date.now() - DAY, Date.now() + 1000)
      .run()
    await arrivals(slug, orgId, 6)
    // Back: 4 more, a new stretch over weights 1, 2, 1: Ana 1, Bo 2, Cy 1.
    await arrivals(slug, orgId, 4, Date.now() + 2000)
    // A lead routed 10 days ago to Ana, Bo at cap: in 30 days, not in 7.
    const [old] = await rows<{ id: string }>("SELECT id FROM leads WHERE name = 'Arrival 0' AND org_id = ?", orgId)
    await env.DB.prepare(
      "INSERT INTO activities (id, org_id, lead_id, type, data, created_at) VALUES (?, ?, ?, 'assigned', ?, ?)",
    )
      .bind(
        crypto.randomUUID(),
        orgId,
        old!.id,
        JSON.stringify({
          via: 'routing',
          to: { id: ana!.userId, name: ana!.name },
          skipped: [{ id: bo!.userId, name: bo!.name, why: 'at_cap' }],
          balance: [{ id: ana!.userId, weight: 1, credit: 0 }],
        }),
        Date.now() - 10 * DAY,
      )
      .run()

    const week = await owner.html(`/o/${slug}/routing?days=7`)
    expect(texts(week, 'nav[aria-label="Period"] a[aria-current="page"]')).toEqual(['7 days'])
    expect(texts(week, '#routing-balance thead th')).toEqual([
      'Member',
      'Leads routed',
      'Weight',
      'Expected share',
      'Difference',
      'Skipped: away',
      'Skipped: at cap',
      'Skipped: outside hours',
      'Skipped: deactivated',
    ])
    const skips = (away: number, cap: number) => ({
      'Skipped: away': String(away),
      'Skipped: at cap': String(cap),
      'Skipped: outside hours': '0',
      'Skipped: deactivated': '0',
    })
    // Expected: 6 × 1/3 + 4 × 1/4 = 3.0 for Ana, 6 × 2/3 + 4 × 2/4 = 6.0 for Bo, 4 × 1/4 = 1.0 for Cy.
    expect(rowOf(week, ana!.userId)).toEqual({
      'Leads routed': '3',
      Weight: '1',
      'Expected share': '3.0',
      Difference: '0.0',
      ...skips(0, 0),
    })
    expect(rowOf(week, bo!.userId)).toMatchObject({ 'Leads routed': '6', 'Expected share': '6.0', ...skips(0, 0) })
    expect(rowOf(week, cy!.userId)).toMatchObject({ 'Leads routed': '1', 'Expected share': '1.0', ...skips(6, 0) })

    const month = await owner.html(`/o/${slug}/routing?days=30`)
    expect(rowOf(month, ana!.userId)).toMatchObject({ 'Leads routed': '4', 'Expected share': '4.0', Difference: '0.0' })
    expect(rowOf(month, bo!.userId)).toMatchObject({
      'Leads routed': '6',
      'Expected share': '6.0',
      ...skips(0, 1),
    })
    // Anything but 7, 30 or 90 shows 30 days.
    expect(texts(await owner.html(`/o/${slug}/routing?days=12`), 'nav[aria-label="Period"] [aria-current]')).toEqual([
      '30 days',
    ])
    // The page links to the routing rules; the nav shows Routing to Owners and Admins.
    const page = dom(month)
    expect(page.querySelector(`main a[href="/o/${slug}/routing/rules"]`)).not.toBeNull()
    expect(texts(month, 'nav[aria-label="Main"] a')).toContain('Routing')
  })

  it('is refused to Agents (403, no nav link) and is 404 to another organization', async () => {
    const { slug } = await signUp('Balance Refusal Org')
    const [agent] = await signedInMembers(slug, 1)
    const refused = await agent!.client.get(`/o/${slug}/routing`)
    expect(refused.status).toBe(403)
    expect(texts(await agent!.client.html(`/o/${slug}/leads`), 'nav[aria-label="Main"] a')).not.toContain('Routing')
    const { client: stranger } = await signUp('Balance Stranger Org', 'Sam Stranger')
    expect((await stranger.get(`/o/${slug}/routing`)).status).toBe(404)
  })
})
