/**
 * When D1 or another binding fails (docs/ARCHITECTURE.md "Nothing lost"): a failure before a change commits answers
 * 503 "This change was not saved; try again." with the form as it was sent and nothing written; a failure after it
 * (a queue send, a live publish) leaves the change saved and the answer the usual one. The app runs here with an env
 * whose binding fails, as the Worker's fetch would with a database that stopped taking writes.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { bindingFailure, NOT_LOADED, NOT_SAVED, SAVED_NOT_SHOWN } from '../src/db/errors'
import type { Env } from '../src/env'
import { postWith } from './app-with-bindings'
import { dom, textOf, type Page } from './dom'
import { type Client, createLead, env, joinAs, ORIGIN, signUp } from './helpers'
import { setOrg } from './pool-fixtures'

/** The error D1 raises when it cannot be reached (its own wording). */
const d1Down = () => new Error('D1_ERROR: Network connection lost.')

const WRITE = /^\s*(insert|update|delete|replace)\b/i

/**
 * Whether a batch writes: a page's independent reads go to D1 as a batch too (src/db/reads.ts). D1's statements hold
 * their SQL in `statement`.
 */
const writes = (statements: D1PreparedStatement[]) =>
  statements.some((s) => WRITE.test((s as unknown as { statement: string }).statement))

/**
 * A D1 session (or database) whose writes fail: every batch that writes, and every single INSERT/UPDATE/DELETE.
 * Reads work.
 */
function writesFail<T extends D1Database | D1DatabaseSession>(d1: T): Pick<T, 'prepare' | 'batch'> {
  const fail = () => Promise.reject(d1Down())
  const failing = { bind: () => failing, run: fail, all: fail, raw: fail, first: fail }
  return {
    prepare: (query: string) => (WRITE.test(query) ? failing : d1.prepare(query)),
    batch: <R>(statements: D1PreparedStatement[]) => (writes(statements) ? fail() : d1.batch<R>(statements)),
  }
}

/** The test env with D1 taking no writes (the reads of the re-rendered form still work). */
function envWithFailingWrites(): Env {
  const db = {
    ...writesFail(env.DB),
    withSession(start?: string) {
      const session = env.DB.withSession(start)
      return { ...writesFail(session), getBookmark: () => session.getBookmark() }
    },
  }
  return { ...env, DB: db as unknown as D1Database }
}

/** The test env with D1 failing every statement once a batch has committed (the change is saved, the answer not). */
function envFailingAfterCommit(): Env {
  const db = {
    withSession(start?: string) {
      const session = env.DB.withSession(start)
      let committed = false
      const fail = () => Promise.reject(d1Down())
      const failing = { bind: () => failing, run: fail, all: fail, raw: fail, first: fail }
      return {
        prepare: (query: string) => (committed ? failing : session.prepare(query)),
        batch: async (statements: D1PreparedStatement[]) => {
          const results = await session.batch(statements)
          committed = committed || writes(statements)
          return results
        },
        getBookmark: () => session.getBookmark(),
      }
    },
  }
  return { ...env, DB: db as unknown as D1Database }
}

/** The test env with D1 going down at the change's batch: it fails, and so does every statement after it. */
function envGoingDownAtTheWrite(): Env {
  const db = {
    withSession(start?: string) {
      const session = env.DB.withSession(start)
      let down = false
      const fail = () => Promise.reject(d1Down())
      const failing = { bind: () => failing, run: fail, all: fail, raw: fail, first: fail }
      return {
        prepare: (query: string) => (down ? failing : session.prepare(query)),
        batch: (statements: D1PreparedStatement[]) =>
          down || writes(statements) ? ((down = true), fail()) : session.batch(statements),
        getBookmark: () => session.getBookmark(),
      }
    },
  }
  return { ...env, DB: db as unknown as D1Database }
}

/** The test env with D1 failing every batch that writes of a request after its first (which commits). */
function envFailingAfterFirstBatch(): Env {
  const db = {
    withSession(start?: string) {
      const session = env.DB.withSession(start)
      let batches = 0
      return {
        prepare: (query: string) => session.prepare(query),
        batch: (statements: D1PreparedStatement[]) =>
          writes(statements) && ++batches > 1 ? Promise.reject(d1Down()) : session.batch(statements),
        getBookmark: () => session.getBookmark(),
      }
    },
  }
  return { ...env, DB: db as unknown as D1Database }
}

/** The test env with `binding` answering `stub` from `get` (a Durable Object namespace whose stubs fail or spy). */
function envWithRoom(binding: 'LEAD_ROOM' | 'POOL_ROOM', stub: object): Env {
  const real = env[binding]
  const namespace = { idFromName: (name: string) => real.idFromName(name), get: () => stub }
  return { ...env, [binding]: namespace }
}

/** Every table's rows but the sessions' (JSON), to compare D1 before and after a failed change. */
async function everything(): Promise<string> {
  const { results } = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
     AND name NOT LIKE 'd1_%' AND name <> 'sessions' ORDER BY name`,
  ).all<{ name: string }>()
  const parts = await Promise.all(
    results.map(async ({ name }) => [name, (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results]),
  )
  return JSON.stringify(parts)
}

/** The value of the form control `selector` as the page shows it (a select: its selected option; a box: ticked). */
function shown(page: Page, selector: string): string | boolean | null {
  const control = page.querySelector(selector)
  if (!control) return null
  if (control.tagName === 'SELECT') return control.querySelector('option[selected]')?.getAttribute('value') ?? null
  if (control.tagName === 'TEXTAREA') return control.textContent
  if (control.getAttribute('type') === 'checkbox') return control.hasAttribute('checked')
  return control.getAttribute('value')
}

type World = { owner: Client; slug: string; agentId: string; leadId: string; poolLeadId: string }

/** A post: where, and the form sent. */
type Sent = { path: string; fields: URLSearchParams }

/** A write a person makes, and what its re-rendered form must show of what they sent. */
type WriteCase = {
  name: string
  send: (w: World) => Sent | Promise<Sent>
  kept: (w: World) => Record<string, string | boolean>
}

const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) body.append(key, one)
  return body
}

const WRITES: WriteCase[] = [
  {
    name: 'lead create',
    send: (w) => ({
      path: `/o/${w.slug}/leads`,
      fields: form({ name: 'Dana Typed', email: 'dana.typed@example.com', formToken: crypto.randomUUID() }),
    }),
    kept: () => ({ 'input[name=name]': 'Dana Typed', 'input[name=email]': 'dana.typed@example.com' }),
  },
  {
    name: 'status change',
    send: (w) => ({
      path: `/o/${w.slug}/leads/${w.leadId}/status`,
      fields: form({ status: 'qualified', from: 'new', reason: 'Asked for a quote' }),
    }),
    kept: () => ({
      '#status-form select[name=status]': 'qualified',
      '#status-form input[name=reason]': 'Asked for a quote',
    }),
  },
  {
    name: 'note',
    send: (w) => ({
      path: `/o/${w.slug}/leads/${w.leadId}/notes`,
      fields: form({ body: 'Call back on Tuesday about pricing' }),
    }),
    kept: () => ({ 'textarea[name=body]': 'Call back on Tuesday about pricing' }),
  },
  {
    name: 'assignment',
    send: (w) => ({
      path: `/o/${w.slug}/leads/${w.leadId}/assign`,
      fields: form({ assigneeId: w.agentId, note: 'Over to you' }),
    }),
    kept: (w) => ({ 'select[name=assigneeId]': w.agentId }),
  },
  {
    name: 'bulk status',
    send: (w) => ({
      path: `/o/${w.slug}/leads/bulk-status`,
      fields: form({ leadIds: [w.leadId], status: 'won' }),
    }),
    kept: (w) => ({ [`input[name=leadIds][value="${w.leadId}"]`]: true }),
  },
  {
    name: 'settings',
    send: (w) => ({ path: `/o/${w.slug}/settings`, fields: form({ poolEnabled: '1', multipleAssignees: '1' }) }),
    kept: () => ({ 'input[name=multipleAssignees]': true, 'input[name=poolEnabled]': true }),
  },
  {
    name: 'import confirm',
    send: async (w) => {
      const upload = await w.owner.upload(
        `/o/${w.slug}/leads/import`,
        'few.csv',
        'Name,Email,Notes\nIvo,ivo@example.com,x\n',
      )
      expect(upload.status).toBe(303)
      // "Notes" is not imported: the choice the re-rendered mapping step must keep.
      return {
        path: upload.headers.get('Location')!,
        fields: form({ column: ['name', 'email', ''], routing: 'unassigned' }),
      }
    },
    kept: () => ({ 'tr[data-header="Notes"] select[name=column]': '' }),
  },
]

let world: World

beforeAll(async () => {
  const { client: owner, slug } = await signUp('Failing Binding Co')
  const agent = await joinAs(owner, slug, 'agent', 'Ava Agent')
  const leadId = await createLead(owner, slug, { name: 'Kept Lead' })
  const poolLeadId = await createLead(owner, slug, { name: 'Pool Lead' })
  await setOrg(slug, { pool_enabled: 1 })
  expect((await owner.post(`/o/${slug}/leads/${poolLeadId}/pool`, { inPool: '1' })).status).toBe(303)
  world = { owner, slug, agentId: agent.userId, leadId, poolLeadId }
})

describe('a database failure before the change commits', () => {
  it.each(WRITES)('$name: 503, "not saved", the form as sent, nothing written', async (write) => {
    const { path, fields } = await write.send(world)
    const before = await everything()
    const res = await postWith(envWithFailingWrites(), world.owner, path, fields)
    const html = await res.text()
    expect(res.status, html.slice(0, 500)).toBe(503)
    const page = dom(html)
    expect(textOf(page)).toContain(NOT_SAVED)
    for (const [selector, value] of Object.entries(write.kept(world)))
      expect(shown(page, selector), selector).toBe(value)
    expect(await everything()).toBe(before)
  })

  it('a claim whose PoolRoom fails mid-claim: 503 "not saved" on the pool page, the lead still claimable', async () => {
    const failingRoom = { claim: () => Promise.reject(d1Down()), refresh: () => Promise.resolve(0) }
    const before = await everything()
    const res = await postWith(
      envWithRoom('POOL_ROOM', failingRoom),
      world.owner,
      `/o/${world.slug}/leads/${world.poolLeadId}/claim?from=pool`,
      new URLSearchParams(),
    )
    expect(res.status).toBe(503)
    const page = dom(await res.text())
    expect(textOf(page.querySelector('[role=alert]'))).toContain(NOT_SAVED)
    expect(page.querySelector(`#pool-list [data-lead-id="${world.poolLeadId}"]`)).not.toBeNull()
    expect(await everything()).toBe(before)
  })

  it('answers htmx with the page and JSON clients with { error }, both 503', async () => {
    const note = `/o/${world.slug}/leads/${world.leadId}/notes`
    const htmx = await postWith(envWithFailingWrites(), world.owner, note, form({ body: 'typed' }), {
      'HX-Request': 'true',
    })
    expect(htmx.status).toBe(503)
    // The address bar stays on the lead page.
    expect(htmx.headers.get('HX-Replace-Url')).toBe(`/o/${world.slug}/leads/${world.leadId}`)
    expect(textOf(dom(await htmx.text()))).toContain(NOT_SAVED)
    const read = `/o/${world.slug}/notifications/read`
    const json = await postWith(envWithFailingWrites(), world.owner, read, form({ all: '1' }), {
      Accept: 'application/json',
    })
    expect(json.status).toBe(503)
    expect(await json.json()).toEqual({ error: NOT_SAVED })
  })

  it("when the form's page cannot be read either, the error page says the change was not saved (503)", async () => {
    const before = await everything()
    const res = await postWith(
      envGoingDownAtTheWrite(),
      world.owner,
      `/o/${world.slug}/leads/${world.leadId}/notes`,
      form({ body: 'Lost with the database' }),
    )
    expect(res.status).toBe(503)
    expect(textOf(dom(await res.text()).querySelector('h1'))).toBe(NOT_SAVED)
    expect(await everything()).toBe(before)
  })

  it('the JSON API answers a 503 problem saying the lead was not saved, and writes nothing', async () => {
    const created = await world.owner.post(`/o/${world.slug}/settings/api-keys`, {
      name: 'CRM',
      scope_read: '1',
      scope_write: '1',
      scope_assign: '1',
    })
    const key = textOf(dom(await created.text()).querySelector('[data-api-key]'))
    const before = await everything()
    const ctx = createExecutionContext()
    const res = await buildApp().fetch(
      new Request(new URL('/api/v1/leads', ORIGIN), {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'k-503' },
        body: JSON.stringify({ name: 'Api Down Lead', email: 'api.down@example.com' }),
      }),
      envWithFailingWrites(),
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(503)
    expect(res.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ status: 503, detail: NOT_SAVED })
    expect(await everything()).toBe(before)
  })

  it('keeps whatever name was typed into a refused new-lead form', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[^\p{C}]*\S[^\p{C}]*$/u.test(s) && s.trim() === s),
        async (name) => {
          const fields = form({ name, formToken: crypto.randomUUID() })
          const res = await postWith(envWithFailingWrites(), world.owner, `/o/${world.slug}/leads`, fields)
          expect(res.status).toBe(503)
          expect(shown(dom(await res.text()), 'input[name=name]')).toBe(name)
        },
      ),
      { numRuns: 12 },
    )
  })
})

describe('recognising a failure of the database or a binding', () => {
  it('tells D1, Durable Object and Queue failures from faults in the code', () => {
    const d1 = d1Down()
    const failures = [
      d1,
      new Error('Failed query: insert into "notes" …', { cause: d1 }),
      new Error('D1_EXEC_ERROR: Error in line 1: SQLITE_BUSY'),
      new Error('D1 DB is overloaded. Requests queued for too long.'),
      Object.assign(new Error('Durable Object reset because its code was updated.'), { retryable: true }),
      Object.assign(new Error('Durable Object is overloaded.'), { overloaded: true }),
      new Error('Queue sendBatch failed: internal error'),
    ]
    for (const error of failures) expect(bindingFailure(error), error.message).toBe(true)
    const faults = [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      new RangeError('Invalid time value'),
      'a string thrown',
      null,
    ]
    for (const fault of faults) expect(bindingFailure(fault), String(fault)).toBe(false)
  })

  it('a page that cannot be read answers 503 "could not be loaded"', async () => {
    const fail = () => Promise.reject(d1Down())
    const failing = { bind: () => failing, run: fail, all: fail, raw: fail, first: fail }
    const down = { prepare: () => failing, batch: fail, getBookmark: () => null }
    const bindings = { ...env, DB: { ...down, withSession: () => down } as unknown as D1Database }
    const ctx = createExecutionContext()
    const res = await buildApp().fetch(
      new Request(new URL(`/o/${world.slug}/leads`, ORIGIN), {
        headers: { Cookie: [...world.owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      }),
      bindings,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(503)
    expect(textOf(dom(await res.text()).querySelector('h1'))).toBe(NOT_LOADED)
  })
})

describe('a failure after the change committed', () => {
  it('D1 failing while the answer is read: 503 saying the change was saved, and it is', async () => {
    const leadId = await createLead(world.owner, world.slug, { name: 'Saved Then Down' })
    const res = await postWith(
      envFailingAfterCommit(),
      world.owner,
      `/o/${world.slug}/leads/bulk-status`,
      form({ leadIds: [leadId], status: 'won' }),
    )
    expect(res.status).toBe(503)
    const page = dom(await res.text())
    expect(textOf(page)).toContain(SAVED_NOT_SHOWN)
    expect(textOf(page)).not.toContain(NOT_SAVED)
    // No form to send the change twice.
    expect(page.querySelector('input[name=leadIds]')).toBeNull()
    const row = await env.DB.prepare('SELECT status FROM leads WHERE id = ?').bind(leadId).first<{ status: string }>()
    expect(row?.status).toBe('won')
  })

  it('an import whose rows fail to be written once it started: answered as started, the queue writes them', async () => {
    const upload = await world.owner.upload(
      `/o/${world.slug}/leads/import`,
      'later.csv',
      'Name,Email\nLena Later,lena.later@example.com\nMo Later,mo.later@example.com\n',
    )
    const path = upload.headers.get('Location')!
    const res = await postWith(
      envFailingAfterFirstBatch(),
      world.owner,
      path,
      form({ column: ['name', 'email'], routing: 'unassigned' }),
    )
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(path)
    // The import page reloads, as its progress bar does, until the report shows.
    const deadline = Date.now() + 60_000
    let page = dom(await world.owner.html(path))
    while (!page.querySelector('[data-status="done"]') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      page = dom(await world.owner.html(path))
    }
    expect(textOf(page.querySelector('[data-count="created"]'))).toBe('2')
    expect(textOf(page.querySelector('[data-count="rejected"]'))).toBe('0')
  })

  it('a queue that cannot take the email: the assignment is saved and answered as usual, its email queued in D1', async () => {
    const queue = {
      send: () => Promise.reject(new Error('Queue send failed')),
      sendBatch: () => Promise.reject(new Error('Queue sendBatch failed')),
    }
    const leadId = await createLead(world.owner, world.slug, { name: 'Queue Down Lead' })
    const res = await postWith(
      { ...env, EMAIL_QUEUE: queue as unknown as Env['EMAIL_QUEUE'] },
      world.owner,
      `/o/${world.slug}/leads/${leadId}/assign`,
      form({ assigneeId: world.agentId }),
    )
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(`/o/${world.slug}/leads/${leadId}`)
    const page = dom(await world.owner.html(`/o/${world.slug}/leads/${leadId}`))
    expect(page.querySelector(`[data-assignee-id="${world.agentId}"]`)).not.toBeNull()
    const queued = await env.DB.prepare(`SELECT status FROM email_outbox WHERE kind = 'assigned' AND text LIKE ?`)
      .bind('%Queue Down Lead%')
      .all<{ status: string }>()
    expect(queued.results.map((r) => r.status)).toEqual(['queued'])
  })

  it('a LeadRoom that cannot be reached: the note is saved and answered as usual', async () => {
    const failingRoom = new Proxy({}, { get: () => () => Promise.reject(new Error('Network connection lost.')) })
    const res = await postWith(
      envWithRoom('LEAD_ROOM', failingRoom),
      world.owner,
      `/o/${world.slug}/leads/${world.leadId}/notes`,
      form({ body: 'Saved while the room was down' }),
    )
    expect(res.status).toBe(303)
    const page = dom(await world.owner.html(`/o/${world.slug}/leads/${world.leadId}`))
    expect(textOf(page.querySelector('#timeline'))).toContain('Saved while the room was down')
  })
})
