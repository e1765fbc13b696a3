/**
 * Ids, tokens and slugs in URLs: a malformed one (CR/LF, NUL, wrong shape, 1,000 characters,
 * unicode, broken percent-escapes) answers 404 on every route that has one, never 5xx, before
 * anything uses it (lib/route-params.ts). Every request through `Client` also fails the test on 5xx.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { newId, isId } from '../src/lib/ids'
import { isSlug, wellFormedParam } from '../src/lib/route-params'
import { isWellFormedToken, newToken } from '../src/lib/tokens'
import { slugify } from '../src/orgs/organizations'
import { Client, createLead, env, invitationLink, joinAs, signUp } from './helpers'

/** A path segment as a request would carry it: percent-encoded text, or raw escapes that decode to junk. */
function segment(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    // A lone surrogate cannot be encoded: send the bytes a broken client would.
    return '%ED%A0%80' + encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''))
  }
}

/** Generated junk for an id, token or slug position, as a path segment. */
const junk = fc.oneof(
  fc.constantFrom(
    '%0d%0a',
    '%0D%0ASet-Cookie:%20stolen=1',
    '%00',
    'x'.repeat(1000),
    '%FF',
    '%E2%82',
    '%',
    'new%0d%0a',
    encodeURIComponent('\r\nLocation: https://evil.example'),
  ),
  // (`.` and `..` are path steps the URL parser resolves, not parameters.)
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 60 })
    .filter((s) => s !== '.' && s !== '..')
    .map(segment),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter((s) => s !== '.' && s !== '..')
    .map(segment),
  fc.string({ minLength: 1000, maxLength: 1200 }).map(segment),
  // Nearly an id: a real one with something before or after it, or upper-cased.
  fc
    .tuple(fc.constantFrom('\r\n', '\u0000', ' ', 'X', '\n', '\u2028'), fc.boolean())
    .map(([extra, before]) => segment(before ? extra + newId() : newId() + extra)),
  fc.constant(newId().toUpperCase()),
)

/** An organization with an Owner, an Agent, a lead, an invitation and an import job: every kind of id. */
async function world() {
  const owner = await signUp('Ids Org', 'Ivy Owner')
  const agent = await joinAs(owner.client, owner.slug, 'agent', 'Abe Agent')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Id Lead' })
  const upload = await owner.client.upload(`/o/${owner.slug}/leads/import`, 'a.csv', 'Name\nImported One\n')
  const jobId = upload.headers.get('Location')!.split('/').pop()!
  const invited = await owner.client.post(`/o/${owner.slug}/team/invitations`, {
    email: 'pending@example.com',
    role: 'agent',
  })
  expect(invited.status).toBe(303)
  const token = (await invitationLink('pending@example.com')).split('/').pop()!
  return { owner, agent, slug: owner.slug, leadId, jobId, token }
}

type World = Awaited<ReturnType<typeof world>>
type Route = { method: 'GET' | 'POST'; path: (w: World, bad: string) => string }

/** Every route with an id, token or slug parameter (from the routers), with `bad` in one parameter. */
const ROUTES: Route[] = [
  { method: 'GET', path: (_w, bad) => `/o/${bad}` },
  { method: 'GET', path: (_w, bad) => `/o/${bad}/leads` },
  { method: 'GET', path: (_w, bad) => `/o/${bad}/team` },
  { method: 'POST', path: (_w, bad) => `/o/${bad}/leads` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/${bad}` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/${bad}/timeline` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/${bad}/assign` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/${bad}/claim` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/${bad}/status` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/assign` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/assignees` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/assignees/${w.agent.userId}/remove` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${w.leadId}/assignees/${bad}/remove` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/claim` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/pool` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/leads/${bad}/status` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/leads/import/${bad}` },
  { method: 'GET', path: (w, bad) => `/o/${w.slug}/team/${bad}/role` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/team/${bad}/role` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/team/${bad}/deactivate` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/team/${bad}/reactivate` },
  { method: 'POST', path: (w, bad) => `/o/${w.slug}/team/invitations/${bad}/revoke` },
  { method: 'GET', path: (_w, bad) => `/invite/${bad}` },
  { method: 'POST', path: (_w, bad) => `/invite/${bad}` },
]

/** The same routes with the well-formed values of `w`: they answer, so a 404 above is the shape check's. */
const GOOD: ((w: World) => [Route['method'], string])[] = [
  (w) => ['GET', `/o/${w.slug}/leads/${w.leadId}`],
  (w) => ['GET', `/o/${w.slug}/leads/${w.leadId}/timeline`],
  (w) => ['GET', `/o/${w.slug}/leads/import/${w.jobId}`],
  (w) => ['GET', `/invite/${w.token}`],
  (w) => ['GET', `/o/${w.slug}/leads/new`],
  (w) => ['GET', `/o/${w.slug}/leads/export.csv`],
  (w) => ['GET', `/o/${w.slug}/leads/import`],
]

function send(client: Client, method: Route['method'], path: string) {
  return method === 'GET'
    ? client.get(path)
    : client.post(path, { status: 'won', role: 'agent', assigneeId: 'none', name: 'X', inPool: '1' })
}

describe('malformed ids, tokens and slugs in the URL', () => {
  it('answer 404 (never 5xx) on every route with an id, token or slug parameter', async () => {
    const w = await world()
    for (const route of ROUTES) {
      await fc.assert(
        fc.asyncProperty(junk, async (bad) => {
          const path = route.path(w, bad)
          // The public /invite routes are rate-limited per address (src/rate-limits.ts): a new address each time.
          const clients = path.startsWith('/invite/') ? [new Client(), new Client()] : [w.owner.client, w.agent.client]
          for (const client of clients) {
            const res = await send(client, route.method, path)
            expect(res.status, `${route.method} ${path}`).toBe(404)
            expect(res.headers.get('Location'), `${route.method} ${path}`).toBeNull()
          }
        }),
        { numRuns: 12 },
      )
    }
    // Nothing was changed by any of them.
    const lead = await env.DB.prepare('SELECT status, in_pool FROM leads WHERE id = ?')
      .bind(w.leadId)
      .first<{ status: string; in_pool: number }>()
    expect(lead).toEqual({ status: 'new', in_pool: 0 })
  })

  it('the CR/LF that used to reach the Location header (and answer 500) now answers 404', async () => {
    const w = await world()
    const res = await w.owner.client.get(`/o/${w.slug}/leads/${w.leadId}%0d%0aSet-Cookie:%20x=1/assign`)
    expect(res.status).toBe(404)
    // No injected header: the only cookie a response may carry here is the D1 bookmark (src/db/d1-session.ts).
    expect(res.headers.getSetCookie().filter((c) => !c.startsWith('leadpool_d1='))).toEqual([])
  })

  it('keeps the routes working for well-formed values, and well-formed unknown ids stay 404', async () => {
    const w = await world()
    for (const good of GOOD) {
      const [method, path] = good(w)
      expect((await send(w.owner.client, method, path)).status, path).toBe(200)
    }
    const res = await w.owner.client.get(`/o/${w.slug}/leads/${w.leadId}/assign`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(`/o/${w.slug}/leads/${w.leadId}`)
    for (const path of [
      `/o/${w.slug}/leads/${newId()}`,
      `/o/${w.slug}/leads/import/${newId()}`,
      `/invite/${newToken()}`,
    ])
      expect((await w.owner.client.get(path)).status, path).toBe(404)
  })
})

describe('the shapes', () => {
  it('accept what Leadpool makes: newId, newToken, slugify (with -N suffixes)', () => {
    fc.assert(fc.property(fc.constant(null), () => isId(newId()) && isWellFormedToken(newToken())))
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat({ max: 10_000 }), (name, n) => {
        const slug = slugify(name)
        expect(isSlug(slug), slug).toBe(true)
        expect(isSlug(`${slug}-${n + 2}`)).toBe(true)
        expect(wellFormedParam('slug', slug)).toBe(true)
      }),
    )
  })

  it('refuse any value with a control character, whatever the parameter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('slug', 'token', 'leadId', 'userId', 'jobId', 'id', 'action'),
        fc.string(),
        fc.integer({ min: 0, max: 0x1f }),
        fc.string(),
        (name, before, code, after) => {
          expect(wellFormedParam(name, before + String.fromCharCode(code) + after)).toBe(false)
        },
      ),
    )
  })
})
