/**
 * Concurrency helpers for tests: fire many requests at once and look at what they answered. The
 * `Client` of helpers.ts already fails the test on any 5xx answer.
 */
import { expect } from 'vitest'
import { env } from './helpers'

/**
 * Starts `n` requests at once (`request(i)` for i = 0 … n-1) and waits for all of them.
 * @returns their HTTP statuses, in request order
 */
export async function inParallel(n: number, request: (i: number) => Promise<Response>): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: n }, (_, i) => request(i)))
  await Promise.all(responses.map((r) => (r.body ? r.body.cancel() : Promise.resolve())))
  return responses.map((r) => r.status)
}

/** Like `inParallel`, with the responses (bodies unread). */
export async function responsesInParallel(n: number, request: (i: number) => Promise<Response>): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => request(i)))
}

/**
 * Runs `round(r)` `rounds` times one after the other (r = 0 … rounds-1), each a burst of parallel
 * requests, and checks no answer of any round was 5xx or outside `allowed`.
 */
export async function rounds(count: number, round: (r: number) => Promise<number[]>, allowed = [200, 303, 409, 422]) {
  for (let r = 0; r < count; r++) {
    const statuses = await round(r)
    expect(
      statuses.filter((s) => s >= 500),
      `round ${r}: ${statuses.join(',')}`,
    ).toEqual([])
    expect(
      statuses.filter((s) => !allowed.includes(s)),
      `round ${r}: ${statuses.join(',')}`,
    ).toEqual([])
  }
}

let members = 0
/**
 * Adds `n` active members with `role` to the organization at `slug` straight into D1 (fast
 * fixture: they are assignable but cannot log in).
 * @returns their user ids
 */
export async function addMembers(slug: string, n: number, role: 'owner' | 'admin' | 'agent' = 'agent') {
  const org = await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>()
  const now = Date.now()
  const ids: string[] = []
  const statements: D1PreparedStatement[] = []
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID()
    const k = ++members
    ids.push(id)
    statements.push(
      env.DB.prepare(
        "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?)",
      ).bind(id, `Member ${k}`, `member.${k}.${now}@example.com`, now, now),
      env.DB.prepare(
        "INSERT INTO memberships (id, org_id, user_id, role, status, last_used_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
      ).bind(crypto.randomUUID(), org!.id, id, role, now, now, now),
    )
  }
  await env.DB.batch(statements)
  return ids
}

/** Rows of `sql` (bound to `params`). */
export async function rows<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results
}

/**
 * Adds a lead named `name` to the organization at `slug` straight into D1, with its `created`
 * activity (fast fixture for tests that are not about creating leads): unassigned, or with
 * `assignee` (a user id) as its primary assignee, or in the pool when `inPool`.
 * @returns the lead's id
 */
export async function addLead(slug: string, name: string, options: { assignee?: string; inPool?: boolean } = {}) {
  const org = await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>()
  const now = Date.now()
  const id = crypto.randomUUID()
  const statements = [
    env.DB.prepare(
      'INSERT INTO leads (id, org_id, name, in_pool, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).bind(id, org!.id, name, options.inPool ? 1 : 0, now, now),
    env.DB.prepare(
      "INSERT INTO activities (id, org_id, lead_id, type, data, created_at) VALUES (?, ?, ?, 'created', '{}', ?)",
    ).bind(crypto.randomUUID(), org!.id, id, now),
  ]
  if (options.assignee)
    statements.push(
      env.DB.prepare(
        "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'primary', ?)",
      ).bind(org!.id, id, options.assignee, now),
    )
  await env.DB.batch(statements)
  return id
}

/**
 * Adds `n` unassigned leads named `${prefix} 1` … `${prefix} n` to organization `slug` in one SQL statement (for
 * tests that need many leads; no activities), in that order, so the last is the most recently added.
 * @returns their ids, in the order added
 */
export async function addManyLeads(slug: string, prefix: string, n: number): Promise<string[]> {
  const org = await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>()
  const ids = Array.from({ length: n }, () => crypto.randomUUID())
  await env.DB.prepare(
    `INSERT INTO leads (id, org_id, name, in_pool, created_at, updated_at)
     SELECT value, ?, ? || ' ' || (key + 1), 0, ?, ? FROM json_each(?) ORDER BY key`,
  )
    .bind(org!.id, prefix, Date.now(), Date.now(), JSON.stringify(ids))
    .run()
  return ids
}
