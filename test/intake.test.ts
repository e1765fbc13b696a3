/**
 * Leads that arrive by themselves: the web form `/f/{formKey}`, the JSON API `/api/v1`, and round-robin routing
 * shared by the form, the API, manual entry and imports.
 */
import { describe, expect, it } from 'vitest'
import { addMembers, responsesInParallel, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { Client, env, signUp, uploadAndConfirm } from './helpers'
import { orgIdOf } from './pool-fixtures'

/** Gives the organization a form key through the settings page; returns the form's path. */
async function webForm(owner: Client, slug: string): Promise<string> {
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<{ form_key: string }>()
  return `/f/${row!.form_key}`
}

/** Turns on round-robin over `memberIds` through the pool settings page. */
async function roundRobin(owner: Client, slug: string, memberIds: string[]) {
  const body = new URLSearchParams({ routing: 'round_robin', poolClaimCap: '0' })
  for (const id of memberIds) body.append('routingMemberIds', id)
  const res = await owner.request(`/o/${slug}/settings/pool`, { method: 'POST', body })
  expect(res.status, await res.clone().text()).toBe(303)
}

/** The rotation order the settings page keeps: members by name. */
async function byName(ids: string[]): Promise<string[]> {
  const named = await Promise.all(
    ids.map(async (id) => ({
      id,
      name: (await env.DB.prepare('SELECT name FROM users WHERE id = ?').bind(id).first<{ name: string }>())!.name,
    })),
  )
  return named.sort((a, b) => (a.name < b.name ? -1 : 1)).map((m) => m.id)
}

/** Who the lead with `email` went to: its primary assignee's id, `pool`, or `unassigned`. */
async function routedTo(slug: string, email: string): Promise<string> {
  const [row] = await rows<{ user_id: string | null; in_pool: number }>(
    `SELECT a.user_id, l.in_pool FROM leads l JOIN organizations o ON o.id = l.org_id
     LEFT JOIN lead_assignees a ON a.lead_id = l.id AND a.kind = 'primary' WHERE o.slug = ? AND l.email = ?`,
    slug,
    email,
  )
  return row!.user_id ?? (row!.in_pool ? 'pool' : 'unassigned')
}

const visitor = () => new Client()

/** The API key form's three scope boxes, ticked. */
const ALL_SCOPES = { scope_read: '1', scope_write: '1', scope_assign: '1' }

/** `{"name":"Dana <bytes>","email":"{email}"}` as bytes, with `bytes` (e.g. an invalid UTF-8 sequence) inside a string. */
function jsonWithBytes(email: string, bytes: number[]): Uint8Array {
  const encode = (text: string) => [...new TextEncoder().encode(text)]
  return new Uint8Array([...encode('{"name":"Dana '), ...bytes, ...encode(`","email":"${email}"}`)])
}

/** The notifications `userId` holds, oldest first: type and how many leads each names. */
async function notificationsOf(userId: string) {
  const found = await rows<{ type: string; lead_id: string | null; data: string }>(
    'SELECT type, lead_id, data FROM notifications WHERE user_id = ? ORDER BY created_at, id',
    userId,
  )
  return found.map((n) => ({
    type: n.type,
    leads: n.lead_id ? 1 : ((JSON.parse(n.data) as { leads?: unknown[] }).leads?.length ?? 0),
  }))
}

describe('round-robin routing', () => {
  it('skips a deactivated member (A, C, A, C), and puts leads in the pool when nobody is eligible', async () => {
    const { client: owner, slug } = await signUp('Robin Org')
    const [a, b, c] = await byName(await addMembers(slug, 3))
    await roundRobin(owner, slug, [a!, b!, c!])
    expect((await owner.post(`/o/${slug}/team/${b}/deactivate`)).status).toBe(303)
    const form = await webForm(owner, slug)
    const got: string[] = []
    for (let i = 0; i < 4; i++) {
      const email = `robin.${i}@example.com`
      const res = await visitor().post(form, { name: `Visitor ${i}`, email })
      expect(res.status).toBe(303)
      got.push(await routedTo(slug, email))
    }
    expect(got).toEqual([a, c, a, c])
    // Each member is told of each lead routed to them; the one skipped of none.
    for (const id of [a, c])
      expect(await notificationsOf(id!)).toEqual([1, 1].map((leads) => ({ type: 'assigned', leads })))
    expect(await notificationsOf(b!)).toEqual([])
    for (const id of [a, c]) expect((await owner.post(`/o/${slug}/team/${id}/deactivate`)).status).toBe(303)
    await visitor().post(form, { name: 'Nobody left', email: 'robin.none@example.com' })
    expect(await routedTo(slug, 'robin.none@example.com')).toBe('pool')
  })

  it('a 6-row import gives 2 leads to each of 3 members, and the next form post continues the rotation', async () => {
    const { client: owner, slug } = await signUp('Import Robin Org')
    const [a, b, c] = await byName(await addMembers(slug, 3))
    await roundRobin(owner, slug, [a!, b!, c!])
    const csv = ['name,email', ...Array.from({ length: 6 }, (_, i) => `Row ${i},row.${i}@example.com`)].join('\n')
    // The mapping step offers the organization's routing, chosen by default while Settings route new leads.
    await uploadAndConfirm(owner, slug, 'six.csv', csv, (fields) => expect(fields.get('routing')).toBe('organization'))
    const got = []
    for (let i = 0; i < 6; i++) got.push(await routedTo(slug, `row.${i}@example.com`))
    expect(got).toEqual([a, b, c, a, b, c])
    // Each member is told once of the two leads the import routed to them.
    for (const id of [a, b, c]) expect(await notificationsOf(id!)).toEqual([{ type: 'assigned', leads: 2 }])
    await visitor().post(await webForm(owner, slug), { name: 'After import', email: 'after@example.com' })
    expect(await routedTo(slug, 'after@example.com')).toBe(a)
    // A lead the Owner types in takes the next turn too.
    await owner.post(`/o/${slug}/leads`, { name: 'Typed in', email: 'typed@example.com' })
    expect(await routedTo(slug, 'typed@example.com')).toBe(b)
  })

  it('keeps the rotation fair under simultaneous submissions: 9 posts at once over 3 members → 3 each', async () => {
    const { client: owner, slug } = await signUp('Busy Robin Org')
    const members = await byName(await addMembers(slug, 3))
    await roundRobin(owner, slug, members)
    const form = await webForm(owner, slug)
    const answers = await responsesInParallel(9, (i) =>
      visitor().post(form, { name: `Busy ${i}`, email: `busy.${i}@example.com` }),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(9).fill(303))
    const counts = await rows<{ user_id: string; n: number }>(
      `SELECT a.user_id, count(*) AS n FROM lead_assignees a JOIN leads l ON l.id = a.lead_id
       WHERE l.org_id = ? GROUP BY a.user_id`,
      await orgIdOf(slug),
    )
    expect(counts.map((r) => r.n)).toEqual([3, 3, 3])
  })
})

describe('the web form /f/{formKey}', () => {
  it('the same post 3 times within 2 s makes one lead; the later messages become notes', async () => {
    const { client: owner, slug } = await signUp('Form Org')
    const form = await webForm(owner, slug)
    const fields = { name: 'Dana Visitor', email: 'Dana@Example.com', message: 'Call me back' }
    const answers = await responsesInParallel(3, () => visitor().post(form, fields))
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303])
    expect(answers[0]!.headers.get('Location')).toBe(`${form}/thanks`)
    const leads = await rows<{ id: string; source: string }>(
      'SELECT id, source FROM leads WHERE email_normalized = ?',
      'dana@example.com',
    )
    expect(leads).toHaveLength(1)
    expect(leads[0]!.source).toBe('Web form')
    const notes = await rows<{ body: string }>('SELECT body FROM notes WHERE lead_id = ?', leads[0]!.id)
    expect(notes.map((n) => n.body)).toEqual(['Call me back', 'Call me back', 'Call me back'])
    const thanks = await visitor().get(`${form}/thanks`)
    expect(await thanks.text()).toContain('Thank you')
  })

  it('answers a filled honeypot as accepted and creates nothing', async () => {
    const { client: owner, slug } = await signUp('Honeypot Org')
    const form = await webForm(owner, slug)
    const res = await visitor().post(form, { name: 'Bot', email: 'bot@example.com', website: 'http://spam.example' })
    expect(res.status).toBe(303)
    const json = await visitor().request(form, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://other.example' },
      body: JSON.stringify({ name: 'Bot', email: 'bot2@example.com', website: 'x' }),
    })
    expect(json.status).toBe(201)
    expect(await rows('SELECT id FROM leads WHERE email IN (?, ?)', 'bot@example.com', 'bot2@example.com')).toEqual([])
  })

  it('takes JSON from any site (201, CORS) and refuses bad input (422); an unknown or rotated key is 404', async () => {
    const { client: owner, slug } = await signUp('Cors Org')
    const form = await webForm(owner, slug)
    const preflight = await visitor().request(form, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(preflight.headers.get('Access-Control-Allow-Credentials')).toBeNull()
    const post = (body: unknown) =>
      visitor().request(form, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example', Accept: 'application/json' },
        body: JSON.stringify(body),
      })
    const ok = await post({ name: 'Json Visitor', email: 'json@example.com' })
    expect(ok.status).toBe(201)
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const bad = await post({ name: '', email: 'not-an-email' })
    expect(bad.status).toBe(422)
    await webForm(owner, slug)
    expect((await post({ name: 'Old key', email: 'old@example.com' })).status).toBe(404)
  })
})

describe('JSON that is not UTF-8', () => {
  it('is refused (422) by the web form, with the reason in its problem JSON, and nothing is stored as U+FFFD', async () => {
    const { client: owner, slug } = await signUp('Bytes Form Org')
    const form = await webForm(owner, slug)
    for (const bytes of [[0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      const res = await visitor().request(form, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example' },
        body: jsonWithBytes('bytes@example.com', bytes),
      })
      expect(res.status, String(bytes)).toBe(422)
      expect(res.headers.get('Content-Type'), String(bytes)).toBe('application/problem+json')
      expect((await res.json<{ detail: string }>()).detail, String(bytes)).toBe(
        'The body holds bytes that are not valid UTF-8 text, so nothing was saved. Send the JSON encoded as UTF-8.',
      )
    }
    expect(await rows('SELECT id FROM leads WHERE org_id = ?', await orgIdOf(slug))).toEqual([])
  })
})

describe('the JSON API /api/v1', () => {
  async function apiKey(owner: Client, slug: string, name = 'CRM sync'): Promise<string> {
    const res = await owner.post(`/o/${slug}/settings/api-keys`, { name, ...ALL_SCOPES })
    expect(res.status).toBe(201)
    const key = textOf(dom(await res.text()).querySelector('[data-api-key]'))
    expect(key).toMatch(/^lp_[A-Za-z0-9_-]+$/)
    return key
  }

  it('creates a lead once per Idempotency-Key, answering the same each time', async () => {
    const { client: owner, slug } = await signUp('Api Org')
    const key = await apiKey(owner, slug)
    const send = () =>
      visitor().request('/api/v1/leads', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'abc-123' },
        body: JSON.stringify({
          name: 'Api Lead',
          email: 'api@example.com',
          company: 'Api Co',
          message: 'From the CRM',
        }),
      })
    const answers = await responsesInParallel(3, send)
    const again = await send()
    const bodies = await Promise.all([...answers, again].map((r) => r.text()))
    expect([...answers, again].map((r) => r.status)).toEqual([201, 201, 201, 201])
    expect(new Set(bodies).size).toBe(1)
    const lead = JSON.parse(bodies[0]!) as { id: string; source: string }
    expect(lead.source).toBe('API')
    expect(await rows('SELECT id FROM leads WHERE email = ?', 'api@example.com')).toHaveLength(1)
    const read = await visitor().get(`/api/v1/leads/${lead.id}`, { Authorization: `Bearer ${key}` })
    expect(read.status).toBe(200)
    expect(await read.json()).toMatchObject({ id: lead.id, name: 'Api Lead', company: 'Api Co' })
  })

  it('answers problem JSON: 401 without a key or with a revoked one, 422 with a message per field, 404', async () => {
    const { client: owner, slug } = await signUp('Problem Org')
    const key = await apiKey(owner, slug)
    const none = await visitor().request('/api/v1/leads', { method: 'POST', body: '{}' })
    expect(none.status).toBe(401)
    expect(none.headers.get('Content-Type')).toContain('application/problem+json')
    expect(await none.json()).toMatchObject({ status: 401, title: 'Unauthorized' })
    const bad = await visitor().request('/api/v1/leads', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '', email: 'nope' }),
    })
    expect(bad.status).toBe(422)
    const problem = await bad.json<{ errors: Record<string, string> }>()
    expect(Object.keys(problem.errors).sort()).toEqual(['email', 'name'])
    const missing = await visitor().get('/api/v1/leads/0190f0f0-0000-7000-8000-000000000000', {
      Authorization: `Bearer ${key}`,
    })
    expect(missing.status).toBe(404)
    const list = await owner.html(`/o/${slug}/settings/api-keys`)
    expect(texts(list, '#api-key-list tbody td:nth-child(2)')).toEqual([`…${key.slice(-4)}`])
    // The key itself is nowhere in the answer, attributes included.
    expect(list).not.toContain(key)
    const keyId = dom(list).querySelector('#api-key-list [data-api-key-id]')!.getAttribute('data-api-key-id')!
    expect((await owner.post(`/o/${slug}/settings/api-keys/${keyId}/revoke`)).status).toBe(303)
    const revoked = await visitor().get('/api/v1/leads/0190f0f0-0000-7000-8000-000000000000', {
      Authorization: `Bearer ${key}`,
    })
    expect(revoked.status).toBe(401)
  })

  /** A problem answer as an API client reads it: status, media type, and the problem's members. */
  async function problemOf(res: Response) {
    const body = await res.json<{ type: string; title: string; status: number; detail: string; errors?: object }>()
    return { mediaType: res.headers.get('Content-Type'), answered: res.status, ...body }
  }

  it('answers a malformed request with problem JSON and its status, never 500', async () => {
    const { client: owner, slug } = await signUp('Malformed Org')
    const key = await apiKey(owner, slug)
    const send = (
      body: BodyInit | null,
      headers: Record<string, string> = {},
      method = 'POST',
      path = '/api/v1/leads',
    ) => visitor().request(path, { method, body, headers: { Authorization: `Bearer ${key}`, ...headers } })
    const json = { 'Content-Type': 'application/json' }
    const cases: [string, Promise<Response>, number][] = [
      ['truncated JSON', send('{"name":"Dana","email":', json), 400],
      ['an empty body', send('', json), 400],
      ['not JSON at all', send('name=Dana', json), 400],
      ['text/plain', send('{"name":"Dana"}', { 'Content-Type': 'text/plain' }), 415],
      ['application/xml', send('<lead/>', { 'Content-Type': 'application/xml' }), 415],
      ['multipart without boundary', send('x', { 'Content-Type': 'multipart/form-data' }), 415],
      ['no Content-Type', send(null), 415],
      ['a body over 64 KiB', send(JSON.stringify({ name: 'x'.repeat(70_000) }), json), 413],
      ['a JSON array', send('[]', json), 422],
      ['DELETE on /leads', send(null, {}, 'DELETE'), 405],
      ['an unknown path', send(null, {}, 'GET', '/api/v1/contacts'), 404],
      ['the API root', send(null, {}, 'GET', '/api/v1'), 404],
    ]
    for (const [what, answer, status] of cases) {
      const problem = await problemOf(await answer)
      expect(problem, what).toMatchObject({
        mediaType: 'application/problem+json',
        answered: status,
        status,
        type: 'about:blank',
      })
      expect(problem.title.length, what).toBeGreaterThan(0)
      expect(problem.detail.length, what).toBeGreaterThan(0)
    }
    const wrongMethod = await send(null, {}, 'PUT')
    expect(wrongMethod.headers.get('Allow')).toBe('GET, POST, HEAD')
    expect(await rows('SELECT id FROM leads WHERE org_id = ?', await orgIdOf(slug))).toEqual([])
  })

  it('answers 401 with WWW-Authenticate, and over 120 requests a minute 429 with Retry-After, as problem JSON', async () => {
    const client = visitor()
    const unauthorized = await client.get('/api/v1/leads/0190f0f0-0000-7000-8000-000000000000')
    expect(unauthorized.headers.get('WWW-Authenticate')).toBe('Bearer')
    expect(await problemOf(unauthorized)).toMatchObject({ answered: 401, mediaType: 'application/problem+json' })
    const answers = await responsesInParallel(125, () => client.get('/api/v1/openapi.json'))
    const limited = answers.find((r) => r.status === 429)!
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(await problemOf(limited)).toMatchObject({
      answered: 429,
      mediaType: 'application/problem+json',
      title: 'Too Many Requests',
      detail: 'Too many API requests in a short time. Try again in a minute.',
    })
  })

  it('refuses JSON that is not UTF-8 (422) instead of storing U+FFFD', async () => {
    const { client: owner, slug } = await signUp('Bytes Api Org')
    const key = await apiKey(owner, slug)
    const res = await visitor().request('/api/v1/leads', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: jsonWithBytes('bytes@example.com', [0xff]),
    })
    expect(await problemOf(res)).toMatchObject({ answered: 422, mediaType: 'application/problem+json' })
    expect(await rows('SELECT id FROM leads WHERE org_id = ?', await orgIdOf(slug))).toEqual([])
  })

  it('refuses an Idempotency-Key reused with another lead (422), also when both arrive at once', async () => {
    const { client: owner, slug } = await signUp('Reuse Org')
    const key = await apiKey(owner, slug)
    const send = (idempotencyKey: string, lead: object) =>
      visitor().request('/api/v1/leads', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': idempotencyKey,
        },
        body: JSON.stringify(lead),
      })
    const first = await send('order-1', { name: 'First Lead', email: 'first@example.com' })
    expect(first.status).toBe(201)
    const reused = await problemOf(await send('order-1', { name: 'Second Lead', email: 'second@example.com' }))
    expect(reused).toMatchObject({ answered: 422, mediaType: 'application/problem+json', status: 422 })
    expect(Object.keys(reused.errors ?? {})).toEqual(['idempotency-key'])
    // The same lead again (other spacing, other key order) is a repeat: the first answer, nothing created.
    const repeat = await send('order-1', { email: 'first@example.com', name: 'First Lead' })
    expect(repeat.status).toBe(201)
    expect(await repeat.json()).toEqual(await first.json())
    // Two different leads sent at once with one new key: one is created, the other refused.
    const raced = await Promise.all(
      ['a', 'b'].map((x) => send('order-2', { name: `Raced ${x}`, email: `raced.${x}@example.com` })),
    )
    expect(raced.map((r) => r.status).sort()).toEqual([201, 422])
    expect(await rows('SELECT email FROM leads WHERE org_id = ? ORDER BY email', await orgIdOf(slug))).toEqual([
      { email: 'first@example.com' },
      { email: expect.stringMatching(/^raced\.[ab]@example\.com$/) as unknown },
    ])
  })

  it('serves its OpenAPI document, generated from the schemas', async () => {
    const res = await visitor().get('/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const doc = await res.json<{
      paths: Record<string, unknown>
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
    }>()
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/leads',
      '/leads/{leadId}',
      '/leads/{leadId}/assignee',
      '/leads/{leadId}/communications',
      '/leads/{leadId}/notes',
      '/leads/{leadId}/pool',
      '/members',
    ])
    expect(JSON.stringify(doc)).toContain('"message"')
    expect(doc.components.schemas.Lead!.properties).toHaveProperty('email')
  })
})
