/**
 * A small typed client of the JSON API (`/api/v1`, src/api/api.ts) for the tests: each operation's request is typed
 * from the zod schema the route validates with, and each answer is parsed with the schema the OpenAPI document
 * describes it by (src/api/schemas.ts), so a field the server leaves out or misnames fails the test. A refusal is
 * parsed as an RFC 9457 problem.
 */
import { expect } from 'vitest'
import type { z } from 'zod'
import { assigneeBody, communicationBody, noteBody, poolBody } from '../src/api/action-routes'
import { leadPatch, listQuery } from '../src/api/lead-routes'
import {
  apiLeadDetailSchema,
  apiLeadPageSchema,
  apiLeadSchema,
  apiMemberListSchema,
  problemSchema,
} from '../src/api/schemas'
import type { ApiScope } from '../src/db/schema'
import { intakeSchema } from '../src/intake/leads'
import { dom, textOf } from './dom'
import { Client } from './helpers'

/** An answer: the parsed body of a success, or the problem of a refusal, with the status and the ETag. */
export type Answer<T> =
  | { ok: true; status: number; etag: string | null; body: T }
  | { ok: false; status: number; etag: string | null; problem: z.infer<typeof problemSchema> }

/** Creates an API key named `name` with `scopes` on the settings page as an Owner; returns the key. */
export async function createKey(owner: Client, slug: string, name: string, scopes: ApiScope[]) {
  const fields: Record<string, string> = { name }
  for (const scope of scopes) fields[`scope_${scope}`] = '1'
  const res = await owner.post(`/o/${slug}/settings/api-keys`, fields)
  expect(res.status).toBe(201)
  return textOf(dom(await res.text()).querySelector('[data-api-key]'))
}

/** The API as an integration holding `key` sees it. */
export function apiClient(key: string, client = new Client()) {
  async function call<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<Answer<T>> {
    const headers = new Headers(init.headers)
    headers.set('Authorization', `Bearer ${key}`)
    if (init.body) headers.set('Content-Type', 'application/json')
    const res = await client.request(`/api/v1${path}`, { ...init, headers })
    const etag = res.headers.get('ETag')
    if (res.ok) return { ok: true, status: res.status, etag, body: schema.parse(await res.json()) }
    expect(res.headers.get('Content-Type')).toBe('application/problem+json')
    return { ok: false, status: res.status, etag, problem: problemSchema.parse(await res.json()) }
  }
  const send = (method: string, body: unknown, headers: HeadersInit = {}) => ({
    method,
    body: JSON.stringify(body),
    headers,
  })
  return {
    listLeads: (query: Partial<Record<keyof z.input<typeof listQuery>, string>> = {}) =>
      call(apiLeadPageSchema, `/leads?${new URLSearchParams(query as Record<string, string>).toString()}`),
    createLead: (lead: z.input<typeof intakeSchema>) => call(apiLeadSchema, '/leads', send('POST', lead)),
    getLead: (leadId: string) => call(apiLeadDetailSchema, `/leads/${leadId}`),
    updateLead: (leadId: string, change: z.input<typeof leadPatch>, ifMatch?: string) =>
      call(apiLeadDetailSchema, `/leads/${leadId}`, send('PATCH', change, ifMatch ? { 'If-Match': ifMatch } : {})),
    setAssignee: (leadId: string, change: z.input<typeof assigneeBody>) =>
      call(apiLeadDetailSchema, `/leads/${leadId}/assignee`, send('PUT', change)),
    setInPool: (leadId: string, change: z.input<typeof poolBody>) =>
      call(apiLeadDetailSchema, `/leads/${leadId}/pool`, send('PUT', change)),
    addNote: (leadId: string, note: z.input<typeof noteBody>) =>
      call(apiLeadDetailSchema, `/leads/${leadId}/notes`, send('POST', note)),
    logCommunication: (leadId: string, communication: z.input<typeof communicationBody>) =>
      call(apiLeadDetailSchema, `/leads/${leadId}/communications`, send('POST', communication)),
    listMembers: () => call(apiMemberListSchema, '/members'),
  }
}

/** The body of a success, failing the test (with the problem) otherwise. */
export function bodyOf<T>(answer: Answer<T>): T {
  if (!answer.ok) expect.fail(`answered ${answer.status}: ${answer.problem.detail}`)
  return answer.body
}
