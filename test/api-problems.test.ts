/**
 * Bad input to the JSON API (src/api/): whatever an integrator sends (any method, path, query, content type and body,
 * generated with fast-check), the answer is never 5xx, and every refusal is RFC 9457 problem JSON whose `status` is
 * the answer's, with a title and a detail.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { apiClient, bodyOf, createKey } from './api-client'
import { Client, joinAs, signUp } from './helpers'

/** A body an integrator might send: JSON of any shape, near-miss lead changes, text, or bytes. */
const bodies = (memberId: string) =>
  fc.oneof(
    fc.json().map((text) => ({ text, type: 'application/json' })),
    fc
      .record(
        {
          name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          email: fc.oneof(fc.emailAddress(), fc.string()),
          status: fc.oneof(fc.constantFrom('new', 'won', 'lost', 'open'), fc.string()),
          reason: fc.string(),
          assigneeId: fc.oneof(fc.constant(memberId), fc.uuid(), fc.constant(null), fc.string()),
          note: fc.string(),
          inPool: fc.oneof(fc.boolean(), fc.string()),
          body: fc.string(),
          kind: fc.constantFrom('call', 'email', 'fax'),
          direction: fc.constantFrom('inbound', 'outbound', 'sideways'),
          summary: fc.string(),
          occurredAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string(),
          ),
        },
        { requiredKeys: [] },
      )
      .map((value) => ({ text: JSON.stringify(value), type: 'application/json' })),
    fc
      .tuple(fc.string(), fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded'))
      .map(([text, type]) => ({ text, type })),
    fc.constant({ text: '', type: '' }),
  )

/** A path an integrator might call: the API's own, with real, malformed and unknown ids and generated queries. */
const paths = (leadId: string) =>
  fc
    .tuple(
      fc.constantFrom(
        '/leads',
        `/leads/${leadId}`,
        `/leads/${leadId}/assignee`,
        `/leads/${leadId}/pool`,
        `/leads/${leadId}/notes`,
        `/leads/${leadId}/communications`,
        '/members',
        '/leads/0190f0f0-0000-7000-8000-000000000000',
        '/leads/not-an-id/notes',
        '/contacts',
      ),
      fc.dictionary(
        fc.constantFrom('q', 'status', 'assignee', 'sort', 'cursor', 'limit', 'updated_since', 'from', 'archived'),
        fc.oneof(fc.string(), fc.constantFrom('name', '-activity', 'pool', '2026-12-07', '0', '101', 'true')),
        { maxKeys: 4 },
      ),
    )
    .map(([path, query]) => `/api/v1${path}?${new URLSearchParams(query).toString()}`)

describe('bad input to the API', () => {
  it('never answers 5xx, and refuses with problem JSON whose status is the answer’s', async () => {
    const { client: owner, slug } = await signUp('Fuzz Org')
    const kim = await joinAs(owner, slug, 'agent', 'Kim Agent')
    const key = await createKey(owner, slug, 'Fuzzer', ['read', 'write', 'assign'])
    const leadId = bodyOf(await apiClient(key).createLead({ name: 'Fuzzed Lead' })).id
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        paths(leadId),
        bodies(kim.userId),
        fc.constantFrom(`Bearer ${key}`, `Bearer ${key}`, 'Bearer lp_nope', ''),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (method, path, body, authorization, ifMatch) => {
          const headers: Record<string, string> = { Authorization: authorization }
          if (body.type) headers['Content-Type'] = body.type
          if (ifMatch !== undefined) headers['If-Match'] = ifMatch
          // A client (an address) per request, so the rate limit does not turn the run into 429s.
          const res = await new Client().request(path, {
            method,
            headers,
            body: method === 'GET' ? undefined : body.text,
          })
          // Client fails the test on a 5xx answer itself.
          if (res.ok) return void (await res.body?.cancel())
          expect(res.headers.get('Content-Type')).toBe('application/problem+json')
          const problem = await res.json<{ type: string; title: string; status: number; detail: string }>()
          expect(problem.status).toBe(res.status)
          expect(problem.type).toBe('about:blank')
          expect(problem.title.length * problem.detail.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 150 },
    )
  })
})
