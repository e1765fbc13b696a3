/**
 * Authorization comes before validation: a lead the viewer cannot see answers 404 whatever the
 * form holds (valid, invalid values, broken UTF-8), and an Agent on a manager-only route gets 403
 * before any 422. Nothing changes on any of these requests.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Client, createLead, env, joinAs, signUp } from './helpers'

/** Org A: Owner, Agents Gus (with his own lead) and Hal (with a lead Gus cannot see); org B: its Owner. */
async function world() {
  const a = await signUp('Order A', 'Olga Owner')
  const gus = await joinAs(a.client, a.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(a.client, a.slug, 'agent', 'Hal Agent')
  const gusLead = await createLead(gus.client, a.slug, { name: 'Gus Lead' })
  const halLead = await createLead(hal.client, a.slug, { name: 'Hal Lead' })
  const b = await signUp('Order B', 'Bo Owner')
  const invited = await a.client.post(`/o/${a.slug}/team/invitations`, { email: 'later@example.com', role: 'agent' })
  expect(invited.status).toBe(303)
  const invitation = await env.DB.prepare(
    'SELECT i.id FROM invitations i JOIN organizations o ON o.id = i.org_id WHERE o.slug = ?',
  )
    .bind(a.slug)
    .first<{ id: string }>()
  return { a, b, gus, hal, gusLead, halLead, invitationId: invitation!.id }
}
type World = Awaited<ReturnType<typeof world>>

/** A form body: fields (urlencoded) or raw urlencoded text (which may be broken UTF-8). */
type Body = Record<string, string> | string

function send(client: Client, path: string, body: Body) {
  if (typeof body === 'string')
    return client.request(path, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
  return client.post(path, body)
}

/** Valid bodies of the lead actions, for a lead of org A. */
const valid = (w: World): Body => ({
  assigneeId: w.gus.userId,
  userId: w.hal.userId,
  note: 'Handing over',
  status: 'won',
  inPool: '1',
})

/** Invalid bodies: wrong values, text over limits or with control characters, broken UTF-8. */
const invalid: fc.Arbitrary<Body> = fc.oneof(
  fc.record({
    status: fc.constantFrom('bogus', '', 'WON', 'won\u0000'),
    assigneeId: fc.constantFrom('x'.repeat(100), 'nope', '\r\n'),
    note: fc.constantFrom('n'.repeat(3000), 'a\u0000b', 'a\u001bb'),
    userId: fc.constantFrom('', 'not-an-id', '\u0000'),
    role: fc.constantFrom('king', ''),
    email: fc.constantFrom('not-an-email', 'a\u0000@b.c', ''),
    inPool: fc.constantFrom('maybe', '1'),
  }),
  fc.constantFrom('status=%FF', 'note=%E2%82&assigneeId=none', 'role=%C0%80', 'email=%', 'x=%ED%A0%80&status=won'),
)

/** The lead action routes (POST), by lead id. */
const LEAD_ACTIONS = [
  (lead: string) => `${lead}/assign`,
  (lead: string) => `${lead}/assignees`,
  (lead: string) => `${lead}/claim`,
  (lead: string) => `${lead}/pool`,
  (lead: string) => `${lead}/status`,
]

async function unchanged(w: World) {
  const rows = await env.DB.prepare(
    'SELECT l.id, l.status, l.in_pool, (SELECT group_concat(user_id) FROM lead_assignees a WHERE a.lead_id = l.id) AS who FROM leads l WHERE l.id IN (?, ?) ORDER BY l.id',
  )
    .bind(w.gusLead, w.halLead)
    .all<{ status: string; in_pool: number; who: string }>()
  expect(rows.results.map((r) => [r.status, r.in_pool, r.who])).toEqual(
    [w.gusLead, w.halLead].sort().map((id) => ['new', 0, id === w.gusLead ? w.gus.userId : w.hal.userId]),
  )
}

describe('a lead the viewer cannot see answers 404 whatever the form holds', () => {
  it('every lead action × (invisible lead, foreign organization’s lead) × (valid, invalid body)', async () => {
    const w = await world()
    const b = w.b
    /** [who, URL base] pairs that must not reach Hal's lead. */
    const viewers: [string, Client, string][] = [
      ['Agent who cannot see it', w.gus.client, `/o/${w.a.slug}/leads/`],
      ['Owner of another organization, under their own slug', b.client, `/o/${b.slug}/leads/`],
      ['Owner of another organization, under its slug', b.client, `/o/${w.a.slug}/leads/`],
    ]
    const paths = [...LEAD_ACTIONS, (lead: string) => `${lead}/assignees/${w.gus.userId}/remove`]
    for (const [who, client, base] of viewers) {
      for (const action of paths) {
        const path = base + action(w.halLead)
        expect((await send(client, path, valid(w))).status, `${who}: ${path} (valid)`).toBe(404)
        await fc.assert(
          fc.asyncProperty(invalid, async (body) => {
            const res = await send(client, path, body)
            expect(res.status, `${who}: ${path} ${JSON.stringify(body)}`).toBe(404)
          }),
          { numRuns: 6 },
        )
      }
      for (const page of [w.halLead, `${w.halLead}/timeline`])
        expect((await client.get(base + page)).status, `${who}: GET ${page}`).toBe(404)
    }
    await unchanged(w)
  })
})

describe('an Agent on a manager-only route gets 403 before any 422', () => {
  it('every manager-only route × Agent × invalid body', async () => {
    const w = await world()
    const slug = w.a.slug
    // Gus can see his own lead, so the lead routes get past 404 and must answer 403.
    const routes = [
      `/o/${slug}/leads/${w.gusLead}/assign`,
      `/o/${slug}/leads/${w.gusLead}/assignees`,
      `/o/${slug}/leads/${w.gusLead}/assignees/${w.hal.userId}/remove`,
      `/o/${slug}/leads/${w.gusLead}/pool`,
      `/o/${slug}/leads/bulk-assign`,
      `/o/${slug}/team/invitations`,
      `/o/${slug}/team/invitations/${w.invitationId}/revoke`,
      `/o/${slug}/team/${w.hal.userId}/role`,
      `/o/${slug}/team/${w.hal.userId}/deactivate`,
      `/o/${slug}/team/${w.hal.userId}/reactivate`,
      `/o/${slug}/settings`,
    ]
    for (const path of routes) {
      await fc.assert(
        fc.asyncProperty(invalid, async (body) => {
          const res = await send(w.gus.client, path, body)
          expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(403)
        }),
        { numRuns: 8 },
      )
    }
    await unchanged(w)
    const invitation = await env.DB.prepare('SELECT count(*) AS n FROM invitations WHERE id = ?')
      .bind(w.invitationId)
      .first<{ n: number }>()
    expect(invitation!.n).toBe(1)
  })

  it('and an Agent who may see but not edit a lead gets 403 on its status, whatever the status', async () => {
    const w = await world()
    // Olga hands Hal's lead to Gus and back: Gus keeps a read view as a former assignee.
    const path = `/o/${w.a.slug}/leads/${w.halLead}/assign`
    expect((await w.a.client.post(path, { assigneeId: w.gus.userId })).status).toBe(303)
    expect((await w.a.client.post(path, { assigneeId: w.hal.userId })).status).toBe(303)
    expect((await w.gus.client.get(`/o/${w.a.slug}/leads/${w.halLead}`)).status).toBe(200)
    await fc.assert(
      fc.asyncProperty(invalid, async (body) => {
        const res = await send(w.gus.client, `/o/${w.a.slug}/leads/${w.halLead}/status`, body)
        expect(res.status, JSON.stringify(body)).toBe(403)
      }),
      { numRuns: 10 },
    )
  })
})
