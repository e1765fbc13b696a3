/**
 * The API's leads (`/api/v1/leads`, docs/ARCHITECTURE.md "Intake and routing"): list them with the list page's
 * filters, sort and cursor (leads/list-query.ts `listLeads`) and `updated_since`; create one as the web form does
 * (intake/leads.ts `takeInLead`, with an `Idempotency-Key`); read one with its assignees and recent activity; change
 * its fields and status with the forms' domain functions (collaboration/lead-edit.ts `editLead`,
 * collaboration/status.ts `changeStatus`), guarded by `If-Match`.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { unitFor } from '../access/unit'
import { editLead } from '../collaboration/lead-edit'
import { changeStatus } from '../collaboration/status'
import { FORM_TOKEN_TTL_MS, once } from '../db/idempotency'
import { LEAD_STATUSES } from '../db/schema'
import { Refusal } from '../lib/errors'
import { isId } from '../lib/ids'
import { optionalFoldedLine } from '../lib/text'
import { hashToken } from '../lib/tokens'
import { foldedLeadSchema } from '../leads/fields'
import { MAX_SEARCH, searchProblem, SORTS } from '../leads/filters'
import { listLeads } from '../leads/list-query'
import { leadRouter } from '../leads/routing'
import { intakeSchema, takeInLead } from '../intake/leads'
import { apiLead, apiListedLead, etagOf, ifMatches, leadDetail, visibleLead } from './representations'
import { apiRouter, jsonBody, needs } from './router'
import { apiLeadDetailSchema, apiLeadPageSchema, apiLeadSchema, problems } from './schemas'

/** The longest `Idempotency-Key` accepted. */
const MAX_IDEMPOTENCY_KEY = 255

/** The most leads one page of `GET /leads` holds. */
const MAX_PAGE = 100

/** How long an `Idempotency-Key` is kept (hours), for the OpenAPI document. */
const KEY_HOURS = FORM_TOKEN_TTL_MS / 3600_000

export const leadRoutes = apiRouter()

/** A lead id in a path: anything else is no lead of the organization (404, not 422). */
const leadParams = z.object({
  leadId: z
    .string()
    .max(64)
    .openapi({ param: { name: 'leadId', in: 'path' } }),
})

/** The lead `leadId` of a path, or 404. @throws Refusal 404 */
export function leadIdOf(leadId: string): string {
  if (!isId(leadId)) throw new Refusal(404, 'The organization has no such lead.')
  return leadId
}

/** A `YYYY-MM-DD` day that exists. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a day as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'Enter a day that exists')

/** `GET /leads`'s query: the list page's filters (leads/filters.ts), refused (422) rather than dropped when invalid. */
export const listQuery = z.object({
  q: z.string().max(MAX_SEARCH, `Search for at most ${MAX_SEARCH} characters`).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  assignee: z
    .string()
    .refine((a) => a === 'pool' || a === 'unassigned' || isId(a), 'Send pool, unassigned or a member’s id')
    .optional()
    .describe('`pool`, `unassigned`, or a member’s id'),
  source: z.string().max(100).optional(),
  from: day.optional().describe('Created on or after this day (UTC)'),
  to: day.optional().describe('Created on or before this day (UTC)'),
  sort: z.enum(SORTS).optional().describe('A leading `-` means descending; `-created` (newest first) when unset'),
  cursor: z.string().refine(isId, 'Send the nextCursor of the previous page').optional(),
  archived: z.enum(['true', 'false']).optional().describe('`true`: archived leads only (else they are left out)'),
  updated_since: z.iso
    .datetime({ offset: true, message: 'Send an ISO 8601 date and time, e.g. 2026-12-07T14:00:00Z' })
    .optional()
    .describe('Leads whose latest activity is at or after this instant; with `sort=activity` for a sync'),
  limit: z.coerce
    .number<string>()
    .int('Send a whole number')
    .min(1, 'At least 1')
    .max(MAX_PAGE, `At most ${MAX_PAGE}`)
    .optional()
    .describe(`Leads per page, 1–${MAX_PAGE} (50 when unset)`),
})

const listRoute = createRoute({
  method: 'get',
  path: '/leads',
  operationId: 'listLeads',
  summary: 'List leads',
  description:
    'The leads the organization has, filtered, searched and sorted like the list page, a page at a time: send the answer’s `nextCursor` as `cursor` for the next page.',
  security: [{ apiKey: [] }],
  middleware: [needs('read')] as const,
  request: { query: listQuery },
  responses: {
    200: { description: 'A page of leads', content: { 'application/json': { schema: apiLeadPageSchema } } },
    ...problems([401, 403, 422, 429]),
  },
})

leadRoutes.openapi(listRoute, async (c) => {
  const query = c.req.valid('query')
  const q = query.q?.trim().normalize('NFC') || undefined
  const problem = searchProblem({ q })
  if (problem) throw new Refusal(422, problem, { field: 'q' })
  const page = await listLeads(
    c.var.apiUnit,
    {
      q,
      status: query.status,
      assignee: query.assignee,
      source: query.source?.trim() || undefined,
      from: query.from,
      to: query.to,
      sort: query.sort,
      cursor: query.cursor,
      archived: query.archived === 'true' || undefined,
      updatedSince: query.updated_since === undefined ? undefined : Date.parse(query.updated_since),
    },
    query.limit,
  )
  return c.json({ leads: page.leads.map(apiListedLead), nextCursor: page.nextCursor }, 200)
})

const createLeadRoute = createRoute({
  method: 'post',
  path: '/leads',
  operationId: 'createLead',
  summary: 'Create a lead',
  description:
    'Validated and de-duplicated like the web form and the import: a lead whose email the organization already has is not created again (200, the existing lead; the message becomes a note). New leads are routed by the organization’s setting.',
  security: [{ apiKey: [] }],
  middleware: [needs('write'), ...jsonBody] as const,
  request: {
    headers: z.object({
      'idempotency-key': z
        .string()
        .max(MAX_IDEMPOTENCY_KEY)
        .optional()
        .describe(
          `Repeat a request with the same key and lead within ${KEY_HOURS} hours to get the first answer again; the same key with another lead is refused (422)`,
        ),
    }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: intakeSchema,
          example: { name: 'Dana Reyes', email: 'dana@example.com', company: 'Reyes & Co', message: 'Call me' },
        },
      },
    },
  },
  responses: {
    201: { description: 'The lead was created', content: { 'application/json': { schema: apiLeadSchema } } },
    200: {
      description: 'A lead with this email already exists',
      content: { 'application/json': { schema: apiLeadSchema } },
    },
    ...problems([400, 401, 403, 413, 415, 422, 429], {
      422: 'Invalid input (a message per field), a body that is not UTF-8, or a reused Idempotency-Key',
    }),
  },
})

leadRoutes.openapi(createLeadRoute, async (c) => {
  const { org } = c.var.apiCaller
  const input = c.req.valid('json')
  const key = c.req.valid('header')['idempotency-key']
  // The key stands for this lead: the same key with another lead (the fields as validated) is refused.
  const token = key ? { scope: `api:${org.id}`, key, fingerprint: await hashToken(JSON.stringify(input)) } : null
  // The first answer is remembered as `{leadId}` (created) or `{leadId}?existing` (joined an existing lead).
  // The key is remembered in the organization's database, in the lead's batch.
  const { db, directory } = c.var.apiUnit
  const result = await once(db, token, async (remember) => {
    // Leadpool takes the lead in (no viewer's visibility applies); the key's integration is named as its actor.
    const unit = unitFor(c.env, org, { db, directory, actor: c.var.apiUnit.actor })
    const taken = await takeInLead(unit, leadRouter(c.env), input, 'api', {
      also: (leadId, created) => remember(created ? leadId : `${leadId}?existing`),
    })
    return taken.created ? taken.leadId : `${taken.leadId}?existing`
  })
  const [leadId = '', existing] = result.split('?')
  const lead = await visibleLead(c.var.apiUnit, leadId)
  return c.json(apiLead(lead), existing === undefined ? 201 : 200)
})

/** The `ETag` header of an answer carrying a lead. */
const etagHeader = {
  ETag: { schema: { type: 'string' as const }, description: 'The lead’s version: send it as If-Match to change it' },
}

const getLeadRoute = createRoute({
  method: 'get',
  path: '/leads/{leadId}',
  operationId: 'getLead',
  summary: 'Read a lead',
  description: 'The lead with its assignees and its newest activities (who did what, when).',
  security: [{ apiKey: [] }],
  middleware: [needs('read')] as const,
  request: { params: leadParams },
  responses: {
    200: {
      description: 'The lead',
      headers: etagHeader,
      content: { 'application/json': { schema: apiLeadDetailSchema } },
    },
    ...problems([401, 403, 404, 422, 429]),
  },
})

leadRoutes.openapi(getLeadRoute, async (c) => {
  const { body, etag } = await leadDetail(c.var.apiUnit, leadIdOf(c.req.valid('param').leadId))
  c.header('ETag', etag)
  return c.json(body, 200)
})

/** `PATCH /leads/{id}`: the fields to change (as the API creates them: line breaks folded), the status and its reason. */
export const leadPatch = foldedLeadSchema
  .omit({ status: true })
  .partial()
  .extend({
    status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').optional(),
    reason: optionalFoldedLine('reason', 500).describe('Why the status changes; kept in the timeline'),
  })
  .strict()
  .openapi('LeadChange', { example: { status: 'contacted', reason: 'Called back', phone: '+1 555 0100' } })

/** The fields `PATCH` edits (collaboration/lead-edit.ts). */
const EDITED = ['name', 'email', 'phone', 'company', 'source'] as const

const updateLeadRoute = createRoute({
  method: 'patch',
  path: '/leads/{leadId}',
  operationId: 'updateLead',
  summary: 'Change a lead’s fields or status',
  description:
    'Changes the fields sent (the others stay) and the status, as the lead page’s forms do: each change writes its activity and tells the lead’s assignees. With `If-Match` (the ETag of the lead as read), nothing changes when someone changed the lead since (412).',
  security: [{ apiKey: [] }],
  middleware: [needs('write'), ...jsonBody] as const,
  request: {
    params: leadParams,
    headers: z.object({
      'if-match': z.string().max(200).optional().describe('The ETag the lead was read with'),
    }),
    body: { required: true, content: { 'application/json': { schema: leadPatch } } },
  },
  responses: {
    200: {
      description: 'The lead as changed',
      headers: etagHeader,
      content: { 'application/json': { schema: apiLeadDetailSchema } },
    },
    ...problems([400, 401, 403, 404, 409, 412, 413, 415, 422, 429], {
      422: 'Invalid input (a message per field), an email another lead has, a reason for a status that stays, or a body that is not UTF-8',
    }),
  },
})

leadRoutes.openapi(updateLeadRoute, async (c) => {
  const unit = c.var.apiUnit
  const leadId = leadIdOf(c.req.valid('param').leadId)
  const { status, reason, ...parsed } = c.req.valid('json')
  // A field left out stays as it is (the schema fills in '' for it): only the fields sent are changed.
  const sent = Object.keys(await c.req.json<object>())
  const fields = Object.fromEntries(Object.entries(parsed).filter(([field]) => sent.includes(field)))
  if (reason && status === undefined) throw new Refusal(422, 'Send the status the reason is for.', { field: 'reason' })
  const ifMatch = c.req.valid('header')['if-match']
  const lead = await visibleLead(unit, leadId)
  if (ifMatch !== undefined && !ifMatches(ifMatch, await etagOf(lead)))
    throw new Refusal(412, 'Someone changed this lead since you read it: read it again, then send your change.')
  // What the lead was read with is what the forms call `shown`: a field changed meanwhile is never overwritten unseen.
  const shown = Object.fromEntries(EDITED.map((f) => [f, lead[f]])) as Record<(typeof EDITED)[number], string>
  if (Object.keys(fields).length > 0) await editLead(unit, leadId, { ...shown, ...fields }, { shown })
  if (status !== undefined) await changeStatus(unit, leadId, status, { reason, shown: lead.status })
  const detail = await leadDetail(unit, leadId)
  c.header('ETag', detail.etag)
  return c.json(detail.body, 200)
})
