/** The API's members (`GET /api/v1/members`): whom a lead can be assigned to, with their role and whether active. */
import { createRoute } from '@hono/zod-openapi'
import { assignableMembers } from '../orgs/members'
import { apiRouter, needs } from './router'
import { apiMemberListSchema, problems } from './schemas'

export const memberRoutes = apiRouter()

const listMembersRoute = createRoute({
  method: 'get',
  path: '/members',
  operationId: 'listMembers',
  summary: 'List members',
  description: 'Every member of the organization by name, deactivated ones too (they cannot be assigned leads).',
  security: [{ apiKey: [] }],
  middleware: [needs('read')] as const,
  responses: {
    200: {
      description: 'The members',
      content: { 'application/json': { schema: apiMemberListSchema } },
    },
    ...problems([401, 403, 429]),
  },
})

memberRoutes.openapi(listMembersRoute, async (c) => {
  const members = await assignableMembers(c.var.apiUnit, { includeDeactivated: true })
  const answer = members.map((m) => ({
    id: m.userId,
    name: m.name,
    email: m.email,
    role: m.role,
    active: m.status === 'active',
  }))
  return c.json({ members: answer }, 200)
})
