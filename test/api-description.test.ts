/**
 * The API's OpenAPI document (`/api/v1/openapi.json`, src/api/api.ts) is one a client can trust: Redocly's
 * `recommended` rules find nothing in it (test/global-setup-openapi-lint.ts), every operation has an `operationId`
 * and describes the refusals it can answer as problem JSON, and every example parses with the zod schema the server
 * validates or answers with.
 */
import { describe, expect, inject, it } from 'vitest'
import { assigneeBody, communicationBody, noteBody, poolBody } from '../src/api/action-routes'
import { leadPatch } from '../src/api/lead-routes'
import {
  apiLeadDetailSchema,
  apiLeadPageSchema,
  apiLeadSchema,
  apiListedLeadSchema,
  apiMemberListSchema,
  apiMemberSchema,
  problemSchema,
} from '../src/api/schemas'
import { intakeSchema } from '../src/intake/leads'
import { Client } from './helpers'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the OpenAPI linter, e.g. `http://127.0.0.1:41234`. */
    openapiLintUrl: string
  }
}

type Operation = {
  operationId?: string
  requestBody?: { content: Record<string, { example?: unknown }> }
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>
}
type Document = {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { example?: unknown }> }
  info: { license?: { name: string } }
}

/** The document as a client downloads it. */
async function document(): Promise<Document> {
  const res = await new Client().get('/api/v1/openapi.json')
  expect(res.status).toBe(200)
  return res.json()
}

/** Every operation of `doc` as `METHOD path`. */
const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, op })),
  )

/** The zod schema of each named component, to parse its example with. */
const COMPONENTS = {
  Lead: apiLeadSchema,
  LeadDetail: apiLeadDetailSchema,
  LeadPage: apiLeadPageSchema,
  ListedLead: apiListedLeadSchema,
  Member: apiMemberSchema,
  MemberList: apiMemberListSchema,
  Problem: problemSchema,
  LeadChange: leadPatch,
  AssigneeChange: assigneeBody,
  PoolChange: poolBody,
  NewNote: noteBody,
  NewCommunication: communicationBody,
} as const

describe('the OpenAPI document', () => {
  it('passes the linter’s recommended rules with no warning', async () => {
    const res = await fetch(inject('openapiLintUrl'), { method: 'POST', body: JSON.stringify(await document()) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([])
  })

  it('names every operation once and describes the refusals each can answer as problem JSON', async () => {
    const doc = await document()
    const ops = operations(doc)
    const ids = ops.map((o) => o.op.operationId)
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(doc.info.license?.name).toBeTruthy()
    for (const { name, method, op } of ops) {
      const statuses = Object.keys(op.responses)
      // Every key is checked, its scope is checked, the rate limit counts every request; a path id or a query is parsed.
      expect(statuses, name).toEqual(expect.arrayContaining(['401', '403', '429']))
      if (name.includes('{leadId}')) expect(statuses, name).toEqual(expect.arrayContaining(['404', '422']))
      if (op.requestBody) expect(statuses, name).toEqual(expect.arrayContaining(['400', '413', '415', '422']))
      if (method === 'patch') expect(statuses, name).toEqual(expect.arrayContaining(['409', '412']))
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${name} ${status}`).toBeTruthy()
        if (Number(status) >= 400)
          expect(Object.keys(response.content ?? {}), `${name} ${status}`).toEqual(['application/problem+json'])
      }
    }
  })

  it('has examples that parse with the schemas the server validates and answers with', async () => {
    const doc = await document()
    const named = Object.entries(doc.components.schemas).filter(([, schema]) => schema.example !== undefined)
    // Every component has an example but the page and the list, which are made of components that have one.
    const unexampled = ['LeadPage', 'MemberList']
    expect(named.map(([name]) => name).sort()).toEqual(
      Object.keys(COMPONENTS)
        .filter((n) => !unexampled.includes(n))
        .sort(),
    )
    for (const [name, schema] of named) {
      const zod = COMPONENTS[name as keyof typeof COMPONENTS]
      expect(zod.safeParse(schema.example).error, name).toBeUndefined()
    }
    const create = doc.paths['/leads']!.post!.requestBody!.content['application/json']!.example
    expect(intakeSchema.safeParse(create).error).toBeUndefined()
  })
})
