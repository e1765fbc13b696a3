/**
 * What the JSON API answers, as zod schemas its OpenAPI document is generated from (docs/ARCHITECTURE.md "Intake and
 * routing"): a lead, a lead with its assignees and recent activity, a page of leads, the members, and the RFC 9457
 * problem every refusal is; `problems(...)` describes the refusals an operation can answer.
 */
import { z } from '@hono/zod-openapi'
import { LEAD_STATUSES, ROLES } from '../db/schema'

/** An instant as the API writes it: ISO 8601, UTC. */
const instant = z.string().describe('ISO 8601, UTC')

/** The lead the document's examples show. */
const LEAD_EXAMPLE = {
  id: '0193a2f0-7c1e-7a51-9d2b-3c4d5e6f7a8b',
  name: 'Dana Reyes',
  email: 'dana@example.com',
  phone: '+1 555 0100',
  company: 'Reyes & Co',
  source: 'website',
  status: 'new' as const,
  inPool: false,
  createdAt: '2026-12-07T14:00:00.000Z',
}

/** A lead as the API answers it. */
export const apiLeadSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string(),
    company: z.string(),
    source: z.string(),
    status: z.enum(LEAD_STATUSES),
    inPool: z.boolean(),
    createdAt: instant,
  })
  .openapi('Lead', { example: LEAD_EXAMPLE })
export type ApiLead = z.infer<typeof apiLeadSchema>

/** A person named on a lead (assignee, actor). */
const personSchema = z.object({ id: z.string(), name: z.string() })

/** One entry of a lead's timeline. */
const activitySchema = z
  .object({
    id: z.string(),
    type: z.string().describe('e.g. created, assigned, status_changed, note_added (docs/ARCHITECTURE.md)'),
    actor: z
      .string()
      .nullable()
      .describe('Who acted: a member, an integration (an API key’s name), or null for Leadpool'),
    data: z.record(z.string(), z.unknown()).describe('Before and after values of the change'),
    at: instant,
  })
  .openapi('Activity')

/** A lead with its assignees, archive state and newest activities. */
export const apiLeadDetailSchema = apiLeadSchema
  .extend({
    assignees: z.array(personSchema.extend({ kind: z.enum(['primary', 'collaborator']) })),
    archived: z.boolean(),
    recentActivity: z.array(activitySchema).describe('Newest first, at most 20'),
  })
  .openapi('LeadDetail', {
    example: {
      ...LEAD_EXAMPLE,
      status: 'contacted',
      assignees: [{ id: '0193a2f0-0000-7000-8000-000000000001', name: 'Kim Lee', kind: 'primary' }],
      archived: false,
      recentActivity: [
        {
          id: '0193a2f0-0000-7000-8000-000000000002',
          type: 'status_changed',
          actor: 'Zapier',
          data: { from: 'new', to: 'contacted' },
          at: '2026-12-07T14:05:00.000Z',
        },
      ],
    },
  })

/** A lead of a list page: the lead, its primary assignee (null: none) and when its latest activity happened. */
export const apiListedLeadSchema = apiLeadSchema
  .extend({ assignee: personSchema.nullable(), lastActivityAt: instant })
  .openapi('ListedLead', {
    example: {
      ...LEAD_EXAMPLE,
      assignee: { id: '0193a2f0-0000-7000-8000-000000000001', name: 'Kim Lee' },
      lastActivityAt: '2026-12-07T14:05:00.000Z',
    },
  })

/** A page of leads and the cursor of the next one. */
export const apiLeadPageSchema = z
  .object({
    leads: z.array(apiListedLeadSchema),
    nextCursor: z.string().nullable().describe('Send as `cursor` for the next page; null on the last page'),
  })
  .openapi('LeadPage')

/** A member of the organization. */
export const apiMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    active: z.boolean().describe('Deactivated members cannot be assigned leads'),
  })
  .openapi('Member', {
    example: {
      id: '0193a2f0-0000-7000-8000-000000000001',
      name: 'Kim Lee',
      email: 'kim@example.com',
      role: 'agent',
      active: true,
    },
  })

/** The members of the organization, by name. */
export const apiMemberListSchema = z.object({ members: z.array(apiMemberSchema) }).openapi('MemberList')

/** An RFC 9457 problem document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.string()).optional().describe('A message per invalid field'),
  })
  .openapi('Problem', {
    example: {
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Enter a valid email address',
      errors: { email: 'Enter a valid email address' },
    },
  })

/** What each refusal status means, in every operation that can answer it. */
const PROBLEMS = {
  400: 'The body is not JSON (empty, truncated)',
  401: 'No valid API key',
  403: 'The key lacks the scope this operation needs',
  404: 'The organization has no such lead (or member)',
  409: 'The change conflicts with the lead’s state (archived, assigned, or concurrent changes kept winning)',
  412: 'If-Match no longer matches the lead’s ETag: someone changed it since it was read',
  413: 'The body is over 64 KiB',
  415: 'The body is not sent as application/json',
  422: 'Invalid input, with a message per field, or a body that is not UTF-8',
  429: 'Too many requests; wait for Retry-After seconds',
} as const

/** A refusal status an operation can answer. */
export type ProblemStatus = keyof typeof PROBLEMS

/** The responses of `statuses`, each a problem document with its description (override one with `overrides`). */
export function problems(statuses: ProblemStatus[], overrides: Partial<Record<ProblemStatus, string>> = {}) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: overrides[status] ?? PROBLEMS[status],
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  ) as Record<
    ProblemStatus,
    { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } }
  >
}
