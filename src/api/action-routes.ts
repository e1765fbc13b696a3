/**
 * What the API does to a lead besides editing it (docs/ARCHITECTURE.md "Intake and routing"), each with the lead
 * page's own domain function, so the same rules, activities and notifications hold: assign or unassign
 * (assignment/assign.ts `assignLead`), put in or take out of the pool (assignment/pool.ts `setInPool`), add a note
 * (collaboration/notes.ts `addNote`), log a communication (collaboration/communications.ts `logCommunication`). Each
 * answers the lead as it now is, with its ETag.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { assignLead } from '../assignment/assign'
import { logCommunication } from '../collaboration/communications'
import { noteSchema } from '../collaboration/inputs'
import { addNote } from '../collaboration/notes'
import { setInPool } from '../assignment/pool'
import { COMMUNICATION_KINDS, DIRECTIONS } from '../db/schema'
import { isId } from '../lib/ids'
import { multiLine, optionalMultiLine } from '../lib/text'
import { leadIdOf } from './lead-routes'
import { leadDetail } from './representations'
import { apiRouter, jsonBody, needs, type ApiEnv } from './router'
import { apiLeadDetailSchema, problems } from './schemas'

export const actionRoutes = apiRouter()

const leadParams = z.object({
  leadId: z
    .string()
    .max(64)
    .openapi({ param: { name: 'leadId', in: 'path' } }),
})

/** The lead `leadId` as it now is, with its ETag, answered with `status`. */
async function answerLead<S extends 200 | 201>(c: Context<ApiEnv>, leadId: string, status: S) {
  const { body, etag } = await leadDetail(c.var.apiUnit, leadId)
  c.header('ETag', etag)
  return c.json(body, status)
}

/** The answer of an action: the lead as it now is. */
const leadAnswer = (description: string) => ({
  description,
  headers: { ETag: { schema: { type: 'string' as const }, description: 'The lead’s version' } },
  content: { 'application/json': { schema: apiLeadDetailSchema } },
})

export const assigneeBody = z
  .object({
    assigneeId: z
      .string()
      .refine(isId, 'Send a member’s id (GET /members), or null to unassign')
      .nullable()
      .describe('The member who gets the lead; null unassigns it'),
    note: optionalMultiLine('handoff note', 2000).describe(
      'Why, and what the new owner needs to know; required on a change of hands when the organization says so',
    ),
  })
  .strict()
  .openapi('AssigneeChange', { example: { assigneeId: '0193a2f0-0000-7000-8000-000000000001', note: 'Wants a demo' } })

const assignRoute = createRoute({
  method: 'put',
  path: '/leads/{leadId}/assignee',
  operationId: 'setAssignee',
  summary: 'Assign or unassign a lead',
  description:
    'Makes a member the lead’s primary assignee (a transfer when it had one), or unassigns it (`null`), as the lead page does: the handoff note is kept on the timeline and sent to the new assignee.',
  security: [{ apiKey: [] }],
  middleware: [needs('assign'), ...jsonBody] as const,
  request: {
    params: leadParams,
    body: { required: true, content: { 'application/json': { schema: assigneeBody } } },
  },
  responses: {
    200: leadAnswer('The lead as assigned'),
    ...problems([400, 401, 403, 404, 409, 413, 415, 422, 429], {
      422: 'Invalid input, a member who is deactivated or not in the organization, a missing required handoff note, or a note nothing would carry',
    }),
  },
})

actionRoutes.openapi(assignRoute, async (c) => {
  const leadId = leadIdOf(c.req.valid('param').leadId)
  const { assigneeId, note } = c.req.valid('json')
  const noteRequired = c.var.apiCaller.settings.handoffNoteRequired
  await assignLead(c.var.apiUnit, leadId, assigneeId, { note, noteRequired })
  return answerLead(c, leadId, 200)
})

export const poolBody = z
  .object({ inPool: z.boolean().describe('true: open the lead to the team; false: back to unassigned') })
  .strict()
  .openapi('PoolChange', { example: { inPool: true } })

const poolRoute = createRoute({
  method: 'put',
  path: '/leads/{leadId}/pool',
  operationId: 'setInPool',
  summary: 'Put a lead in the pool or take it out',
  description:
    'An unassigned lead goes into the pool (the team may claim it) or back out; an assigned one is refused (409).',
  security: [{ apiKey: [] }],
  middleware: [needs('assign'), ...jsonBody] as const,
  request: { params: leadParams, body: { required: true, content: { 'application/json': { schema: poolBody } } } },
  responses: {
    200: leadAnswer('The lead as moved'),
    ...problems([400, 401, 403, 404, 409, 413, 415, 422, 429]),
  },
})

actionRoutes.openapi(poolRoute, async (c) => {
  const leadId = leadIdOf(c.req.valid('param').leadId)
  await setInPool(c.var.apiUnit, leadId, c.req.valid('json').inPool)
  return answerLead(c, leadId, 200)
})

export const noteBody = noteSchema
  .strict()
  .openapi('NewNote', { example: { body: 'Asked for pricing; @Kim Lee follows up' } })

const noteRoute = createRoute({
  method: 'post',
  path: '/leads/{leadId}/notes',
  operationId: 'addNote',
  summary: 'Add a note to a lead',
  description: 'A note on the lead’s timeline; members it mentions (`@Name`) and the lead’s assignees are told.',
  security: [{ apiKey: [] }],
  middleware: [needs('write'), ...jsonBody] as const,
  request: { params: leadParams, body: { required: true, content: { 'application/json': { schema: noteBody } } } },
  responses: {
    201: leadAnswer('The note was added'),
    ...problems([400, 401, 403, 404, 413, 415, 422, 429], {
      422: 'An empty or too long note, a mentioned member who cannot see the lead, or a body that is not UTF-8',
    }),
  },
})

actionRoutes.openapi(noteRoute, async (c) => {
  const leadId = leadIdOf(c.req.valid('param').leadId)
  await addNote(c.var.apiUnit, leadId, c.req.valid('json').body)
  return answerLead(c, leadId, 201)
})

export const communicationBody = z
  .object({
    kind: z.enum(COMMUNICATION_KINDS, 'Choose call, email, meeting, sms or other'),
    direction: z.enum(DIRECTIONS, 'Choose inbound or outbound'),
    summary: multiLine('summary', 2000),
    occurredAt: z.iso
      .datetime({ offset: true, message: 'Send when it happened as an ISO 8601 date and time' })
      .describe('When it happened, ISO 8601'),
  })
  .strict()
  .openapi('NewCommunication', {
    example: { kind: 'call', direction: 'outbound', summary: 'Left a voicemail', occurredAt: '2026-12-07T14:00:00Z' },
  })

const communicationRoute = createRoute({
  method: 'post',
  path: '/leads/{leadId}/communications',
  operationId: 'logCommunication',
  summary: 'Log a communication with a lead',
  description: 'A call, email, meeting or message with the lead, on its timeline; the lead’s assignees are told.',
  security: [{ apiKey: [] }],
  middleware: [needs('write'), ...jsonBody] as const,
  request: {
    params: leadParams,
    body: { required: true, content: { 'application/json': { schema: communicationBody } } },
  },
  responses: {
    201: leadAnswer('The communication was logged'),
    ...problems([400, 401, 403, 404, 413, 415, 422, 429]),
  },
})

actionRoutes.openapi(communicationRoute, async (c) => {
  const leadId = leadIdOf(c.req.valid('param').leadId)
  const { occurredAt, ...input } = c.req.valid('json')
  await logCommunication(c.var.apiUnit, leadId, { ...input, occurredAt: Date.parse(occurredAt) })
  return answerLead(c, leadId, 201)
})
