/**
 * Every route the app mounts, read from the router (`buildApp().routes`, so a route added later is walked without
 * anyone listing it here), is sent generated malformed requests: path parameters that name real rows of the
 * organization or are unknown or malformed, bodies that are empty, truncated JSON, binary, huge, not UTF-8 or
 * broken percent-escapes, under content types that do not match them, with other methods and headers (htmx, JSON
 * wanted, no Origin), as the signed-in Owner, an Agent and signed out. While D1 and the bindings work, no answer
 * is 5xx; under /api/v1 every error is RFC 9457 problem JSON (docs/ARCHITECTURE.md "One error type for refusals").
 */
import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { hashSessionId } from '../src/auth/session-adapter'
import { rows } from './concurrency'
import { createLead, env, joinAs, ORIGIN, signUp, uploadAndConfirm, type Client } from './helpers'

/** A route as the router lists it: its method (`ALL` for middleware) and its path pattern. */
type Route = { method: string; path: string }

/** Every distinct method and path the app mounts. */
const routes: Route[] = [
  ...new Map(buildApp().routes.map((r) => [`${r.method} ${r.path}`, { method: r.method, path: r.path }])).values(),
]

/** Who sends the request: a member (their session cookie, kept alive by `restore`) or nobody. */
type Persona = { name: string; cookie: string | null; restore: () => Promise<void> }

/** Rows of the organization the walk points path parameters at, by parameter name. */
let real: Record<string, string[]> = {}
let apiKey = ''
const personas: Persona[] = []

const wellFormedUnknownId = '0190f0f0-0000-7000-8000-000000000000'
/** Path segments that no route expects: broken and control percent-escapes, dot segments, too long, non-ASCII. */
const malformedSegments = [
  '',
  '%ff',
  '%E2%82',
  '%00',
  '%0d%0a',
  '..',
  '%2e%2e',
  'a'.repeat(300),
  'M%C3%BCller',
  '-',
  ' ',
]

/** A value for parameter `name` (with the alternatives of a constrained one, `:action{assign|claim}`). */
function paramValue(name: string, alternatives: string[]): fc.Arbitrary<string> {
  const known = [...alternatives, ...(real[name] ?? [])].map((v) => encodeURIComponent(v))
  const unknown = name === 'token' ? 'A'.repeat(43) : name.endsWith('Id') || name === 'id' ? wellFormedUnknownId : 'x'
  return fc.oneof(
    { weight: 3, arbitrary: known.length ? fc.constantFrom(...known) : fc.constant(unknown) },
    { weight: 1, arbitrary: fc.constantFrom(unknown, ...malformedSegments) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)) },
  )
}

/** A concrete path for `pattern`: each `:name` (or `:name{a|b}`) and `*` replaced by a generated segment. */
function pathFor(pattern: string): fc.Arbitrary<string> {
  const segments = pattern.split('/').map((segment) => {
    const param = /^:(\w+)(?:\{(.*)\})?$/.exec(segment)
    if (param) return paramValue(param[1]!, param[2]?.split('|') ?? [])
    if (segment === '*') return fc.constantFrom('', 'x', 'new', wellFormedUnknownId, ...malformedSegments)
    return fc.constant(segment)
  })
  return fc.tuple(...segments).map((parts) => parts.join('/') || '/')
}

const encode = (text: string) => new TextEncoder().encode(text)
const bytesOf = (...parts: (string | number[] | Uint8Array)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...encode(p)] : [...p])))

const fieldNames = ['name', 'email', 'note', 'status', 'assigneeId', 'leadIds', 'role', 'title', 'body', 'all', 'q']
/** A form's fields: the names routes read, with short, empty or over-long values. */
const fields = fc.dictionary(
  fc.constantFrom(...fieldNames, 'formToken', 'password', 'column', 'routing', 'userId', 'kind', 'dueAt'),
  fc.oneof(fc.string({ maxLength: 30 }), fc.constant(''), fc.constant('x'.repeat(20_000))),
  { maxKeys: 5 },
)

/** A multipart body with `boundary`: generated fields, and a file part named `file`. */
const multipart = (boundary: string) =>
  fc
    .tuple(fields, fc.uint8Array({ maxLength: 64 }))
    .map(([values, file]) =>
      bytesOf(
        ...Object.entries(values).map(
          ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        ),
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        file,
        `\r\n--${boundary}--\r\n`,
      ),
    )

/** Request bodies that are wrong in one way or another (or right, under a content type that says otherwise). */
const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array()),
  fc.json().chain((json) => fc.nat(json.length).map((n) => encode(json.slice(0, n)))), // truncated JSON
  fc.json().map(encode),
  fc.uint8Array({ maxLength: 256 }), // binary
  fields.map((f) => encode(new URLSearchParams(f).toString())),
  fc.constantFrom('name=%FF&email=a%40b.c', 'name=%E2%82', 'note=%', 'name=%zz').map(encode), // broken escapes
  fc.constant(bytesOf('name=Dana', [0xff, 0xfe], '&email=x')), // invalid UTF-8 bytes in a form
  fc.constant(bytesOf('{"name":"Dana', [0xc0, 0xaf], '","email":"d@example.com"}')), // ... in JSON
  fc.constant(encode(`{"name":"${'x'.repeat(100_000)}"}`)), // a huge field
  multipart('walk-boundary'),
)

const contentTypes = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=walk-boundary',
  'multipart/form-data; boundary=other',
  'application/json',
  'application/json',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'application/xml',
  'application/octet-stream',
)

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Headers a browser, htmx, an API client or a stranger sends. */
const headers = fc.record(
  {
    'HX-Request': fc.constant('true'),
    'HX-Current-URL': fc.constantFrom(`${ORIGIN}/o/x/leads`, 'javascript:alert(1)', '%ff'),
    Accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/problem+json'),
    Origin: fc.constantFrom(ORIGIN, ORIGIN, 'https://evil.example', 'null'),
    'Sec-Fetch-Site': fc.constantFrom('same-origin', 'cross-site'),
    Authorization: fc.constantFrom('REAL_KEY', 'REAL_KEY', 'REAL_KEY', 'Bearer lp_nonsense', 'Basic x'),
    'Idempotency-Key': fc.oneof(fc.string({ maxLength: 10 }), fc.constant('k'.repeat(300))),
  },
  { requiredKeys: ['Authorization'] },
)

/** A request for `route`: its method most of the time (any for middleware), a path, a body, a type, headers. */
const requestFor = (route: Route) =>
  fc.record({
    method:
      route.method === 'ALL'
        ? fc.constantFrom(...methods)
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant(route.method) },
            { weight: 1, arbitrary: fc.constantFrom(...methods) },
          ),
    path: pathFor(route.path),
    body: bodies,
    contentType: contentTypes,
    headers,
  })

type WalkRequest = ReturnType<typeof requestFor> extends fc.Arbitrary<infer T> ? T : never

/** Sends `request` as `persona` straight to the Worker (no helper adds an Origin); returns the answer, body read. */
async function send(persona: Persona, request: WalkRequest) {
  await persona.restore()
  const sent = new Headers({ 'CF-Connecting-IP': `10.250.0.${personas.indexOf(persona)}` })
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) sent.set(name, value === 'REAL_KEY' ? `Bearer ${apiKey}` : value)
  if (request.contentType) sent.set('Content-Type', request.contentType)
  if (persona.cookie) sent.set('Cookie', persona.cookie)
  const withBody = request.method !== 'GET' && request.method !== 'HEAD'
  const sentRequest = new Request(`${ORIGIN}${request.path}`, {
    method: request.method,
    headers: sent,
    body: withBody ? request.body : undefined,
    redirect: 'manual',
  })
  const res = await exports.default.fetch(sentRequest)
  const text = await res.text()
  // The path as the Worker saw it: the URL parser resolves dot segments (`%2e%2e`).
  const path = new URL(sentRequest.url).pathname
  return { status: res.status, type: res.headers.get('Content-Type') ?? '', text, path }
}

/** Keeps `client`'s session and the member's role and status as they were, whatever the walk did to them. */
async function personaOf(name: string, client: Client, userId: string, role: string, orgId: string): Promise<Persona> {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const sessionId = client.cookies.get('leadpool_session')!
  const [session] = await rows<{ expires_at: number }>(
    'SELECT expires_at FROM sessions WHERE id = ?',
    await hashSessionId(sessionId),
  )
  const stored = await hashSessionId(sessionId)
  return {
    name,
    cookie,
    restore: async () => {
      await env.DB.batch([
        env.DB.prepare('INSERT OR IGNORE INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)').bind(
          stored,
          userId,
          session!.expires_at,
        ),
        env.DB.prepare("UPDATE memberships SET role = ?, status = 'active' WHERE user_id = ? AND org_id = ?").bind(
          role,
          userId,
          orgId,
        ),
      ])
    },
  }
}

/** Checks a set-up post did what it should (303 to what it made). */
async function made(answer: Promise<Response>) {
  const res = await answer
  expect(res.status, await res.clone().text()).toBe(303)
}

const ids = async (sql: string, ...bind: string[]) => (await rows<{ id: string }>(sql, ...bind)).map((r) => r.id)

beforeAll(async () => {
  const { client: owner, slug } = await signUp('Walk Org')
  const agent = await joinAs(owner, slug, 'agent', 'Ava Agent')
  const [org] = await rows<{ id: string }>('SELECT id FROM organizations WHERE slug = ?', slug)
  const orgId = org!.id
  const ownerId = (await ids('SELECT user_id AS id FROM memberships WHERE org_id = ? AND role = ?', orgId, 'owner'))[0]!
  const leadId = await createLead(owner, slug, { name: 'Walk Lead', email: 'walk@example.com' })
  await made(
    owner.post(`/o/${slug}/leads/${leadId}/tasks`, {
      title: 'Call back',
      dueAt: '2030-03-14',
      assigneeId: ownerId,
    }),
  )
  await made(
    owner.post(`/o/${slug}/leads/${leadId}/communications`, {
      kind: 'call',
      direction: 'outbound',
      summary: 'Talked',
      occurredAt: '2026-01-02T10:00',
    }),
  )
  await made(owner.post(`/o/${slug}/team/invitations`, { email: 'invited@example.com', role: 'agent' }))
  await made(owner.post(`/o/${slug}/settings/intake/rotate`))
  const keyAnswer = await owner.post(`/o/${slug}/settings/api-keys`, {
    name: 'Walk key',
    scope_read: '1',
    scope_write: '1',
    scope_assign: '1',
  })
  apiKey = /data-api-key[^>]*>(lp_[A-Za-z0-9_-]+)</.exec(await keyAnswer.text())![1]!
  const jobPath = await uploadAndConfirm(owner, slug, 'walk.csv', 'name,email\nRow,row@example.com\n')
  real = {
    slug: [slug],
    leadId: await ids('SELECT id FROM leads WHERE org_id = ?', orgId),
    userId: [ownerId, agent.userId],
    taskId: await ids('SELECT id FROM tasks WHERE org_id = ?', orgId),
    communicationId: await ids('SELECT id FROM communications WHERE org_id = ?', orgId),
    id: await ids('SELECT id FROM invitations WHERE org_id = ?', orgId),
    keyId: await ids('SELECT id FROM api_keys WHERE org_id = ?', orgId),
    jobId: [jobPath.split('/').pop()!],
    formKey: await ids('SELECT form_key AS id FROM organizations WHERE id = ?', orgId),
  }
  for (const [name, values] of Object.entries(real)) expect(values.length, `a real ${name}`).toBeGreaterThan(0)
  personas.push(
    await personaOf('the Owner', owner, ownerId, 'owner', orgId),
    await personaOf('an Agent', agent.client, agent.userId, 'agent', orgId),
    { name: 'signed out', cookie: null, restore: () => Promise.resolve() },
  )
}, 60_000)

describe('every route the app mounts, sent malformed requests', () => {
  it('walks at least the routes everyone knows (the router is read, not a list)', () => {
    const listed = routes.map((r) => `${r.method} ${r.path}`)
    expect(listed).toEqual(expect.arrayContaining(['POST /api/v1/leads', 'POST /f/:formKey', 'GET /o/:slug/leads']))
  })

  for (const index of [0, 1, 2])
    it(`never answers 5xx, as ${['the Owner', 'an Agent', 'signed out'][index]}; API errors are problem JSON`, async () => {
      const persona = personas[index]!
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(requestFor(route), async (request) => {
            const answer = await send(persona, request)
            const what = `${request.method} ${request.path} (${route.method} ${route.path}) as ${persona.name}`
            expect(answer.status, `${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(500)
            if (/^\/api\/v1(\/|$)/.test(answer.path) && answer.status >= 400)
              expect(answer.type, `${what} answered ${answer.status}`).toBe('application/problem+json')
          }),
          { numRuns: route.method === 'GET' ? 4 : 12, endOnFailure: true },
        )
      }
    }, 120_000)
})
