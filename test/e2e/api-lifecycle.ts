/**
 * The lead lifecycle over the JSON API through a client generated from its OpenAPI document: openapi-fetch's
 * `createClient` typed by test/e2e/api-types.d.ts (`npm run api:types`), so `npx tsc --noEmit` fails when an
 * operation, parameter or field used here leaves the document. test/e2e/api-client.e2e.mjs runs it against the
 * browser suite's server (Node strips the types).
 */
import assert from 'node:assert/strict'
import createClient from 'openapi-fetch'
import type { paths } from './api-types'

/** The client an integration holding `key` generates, against the server at `baseUrl` (e.g. http://localhost:8787). */
export function generatedClient(baseUrl: string, key: string) {
  return createClient<paths>({ baseUrl: new URL('/api/v1', baseUrl).href, headers: { Authorization: `Bearer ${key}` } })
}

/** The body of a success, failing with the status and the problem otherwise. */
function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  assert.ok(answer.data, `answered ${answer.response.status}: ${JSON.stringify(answer.error)}`)
  return answer.data
}

/**
 * Goes through the lifecycle with `key` in an organization that has a member named `memberName`: lists members, creates a lead, lists (filtered, and since a moment), reads it
 * with its ETag, updates it under `If-Match` (a stale one answers 412 problem JSON), changes its status,
 * assigns it to the member, unassigns it, puts it in the pool, adds a note, logs a communication, and reads it
 * again. Each step asserts what it answers; throws (an AssertionError) at the first that differs. Answers the lead's
 * recent activity as `[type, actor]` pairs, newest first.
 */
export async function runLifecycle(baseUrl: string, key: string, memberName: string) {
  const api = generatedClient(baseUrl, key)
  const { members } = ok(await api.GET('/members'))
  const member = members.find((m) => m.name === memberName)
  assert.ok(member, `listMembers names ${memberName}: ${JSON.stringify(members)}`)

  const before = Date.now()
  const email = `dana+${before}@example.com`
  const created = await api.POST('/leads', { body: { name: 'Dana Reyes', email, company: 'Reyes & Co' } })
  assert.equal(created.response.status, 201)
  const leadId = ok(created).id

  const filtered = ok(await api.GET('/leads', { params: { query: { q: 'Dana Reyes', status: 'new' } } }))
  assert.deepEqual(
    filtered.leads.map((l) => l.id),
    [leadId],
  )
  const since = new Date(before - 1000).toISOString()
  const synced = ok(await api.GET('/leads', { params: { query: { updated_since: since, sort: 'activity' } } }))
  assert.ok(
    synced.leads.some((l) => l.id === leadId),
    'updated_since lists the lead just made',
  )

  const read = await api.GET('/leads/{leadId}', { params: { path: { leadId } } })
  const etag = read.response.headers.get('ETag')
  assert.match(etag ?? '', /^".+"$/, 'getLead answers an ETag')
  assert.deepEqual(ok(read).assignees, [])

  const updated = await api.PATCH('/leads/{leadId}', {
    params: { path: { leadId }, header: { 'if-match': etag! } },
    body: { phone: '+1 555 0100', company: 'Reyes Holdings' },
  })
  assert.deepEqual([ok(updated).phone, ok(updated).company], ['+1 555 0100', 'Reyes Holdings'])
  const stale = await api.PATCH('/leads/{leadId}', {
    params: { path: { leadId }, header: { 'if-match': etag! } },
    body: { company: 'Other Co' },
  })
  assert.equal(stale.response.status, 412, 'a stale If-Match is refused')
  assert.equal(stale.response.headers.get('Content-Type'), 'application/problem+json')
  assert.equal(stale.error?.status, 412)

  const status = ok(
    await api.PATCH('/leads/{leadId}', {
      params: { path: { leadId } },
      body: { status: 'contacted', reason: 'Called back' },
    }),
  )
  assert.equal(status.status, 'contacted')
  const assigned = ok(
    await api.PUT('/leads/{leadId}/assignee', {
      params: { path: { leadId } },
      body: { assigneeId: member.id, note: 'Wants a demo on Friday' },
    }),
  )
  assert.deepEqual(
    assigned.assignees.map((a) => [a.name, a.kind]),
    [[memberName, 'primary']],
  )
  const unassigned = ok(
    await api.PUT('/leads/{leadId}/assignee', { params: { path: { leadId } }, body: { assigneeId: null } }),
  )
  assert.deepEqual(unassigned.assignees, [])
  const pooled = ok(await api.PUT('/leads/{leadId}/pool', { params: { path: { leadId } }, body: { inPool: true } }))
  assert.equal(pooled.inPool, true)
  const noted = await api.POST('/leads/{leadId}/notes', {
    params: { path: { leadId } },
    body: { body: 'Asked for pricing' },
  })
  assert.equal(noted.response.status, 201)
  const logged = await api.POST('/leads/{leadId}/communications', {
    params: { path: { leadId } },
    body: { kind: 'call', direction: 'outbound', summary: 'Left a voicemail', occurredAt: new Date().toISOString() },
  })
  assert.equal(logged.response.status, 201)

  const lead = ok(await api.GET('/leads/{leadId}', { params: { path: { leadId } } }))
  assert.deepEqual([lead.status, lead.inPool, lead.company, lead.assignees], ['contacted', true, 'Reyes Holdings', []])
  return lead.recentActivity.map((a) => [a.type, a.actor])
}
