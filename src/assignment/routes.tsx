/**
 * Assignment actions (docs/ARCHITECTURE.md): assign / unassign / transfer from the lead page or a list row,
 * bulk assignment, collaborators, pool (claims and releases: pool/routes.tsx). Every path calls the same domain functions. A refused
 * action answers with the lead page (pages/lead-page.tsx `leadPageOnRefusal`), the list row (htmx)
 * or the list page (bulk), named with `onRefusal`.
 */
import { Hono, type Context } from 'hono'
import { requireManager, shellOf, viewerOf } from '../access/context'
import type { App } from '../env'
import { filtersSchema } from '../leads/filters'
import { notFound, Refusal } from '../lib/errors'
import { authorizeLead } from '../leads/authorize'
import { canRequestReassignment, factsOf } from '../leads/policy'
import { assigneeCounts, findLeadRow } from '../leads/leads'
import { listPage } from '../leads/list-page'
import { AssigneeFilter, LeadRowView, type ListNotice } from '../leads/list-views'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { activeOnly, assignableMembers } from '../orgs/members'
import { parseForm } from '../views/form-input'
import { onRefusal } from '../views/render-error'
import { assignLead, requireHandOff } from './assign'
import { bulkAssign, type BulkSelection } from './bulk'
import { addCollaborator, removeCollaborator } from './collaborators'
import { acknowledgeHandoff, REASSIGNMENT_REQUESTERS, requestReassignment } from './handoffs'
import {
  assignSchema,
  bulkAssignSchema,
  bulkFilters,
  collaboratorSchema,
  handOffSchema,
  poolSchema,
  reassignmentRequestSchema,
  sentFromSchema,
} from './inputs'
import { setInPool } from './pool'
import { fanOutContext } from '../notifications/context'

export const assignmentRoutes = new Hono<App>()

/** Back to the lead page after an action on it (303). */
function backToLead(c: Context<App>, leadId: string) {
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
}

/** The list filters of the page the htmx request came from (its `HX-Current-URL`). */
function currentFilters(c: Context<App>) {
  const current = URL.parse(c.req.header('HX-Current-URL') ?? '') ?? new URL(c.req.url)
  return filtersSchema.parse(Object.fromEntries(current.searchParams))
}

/** The list row of `leadId` after an assignment from its menu (htmx), with a message. */
async function rowFragment(c: Context<App>, leadId: string, notice: string, status: ContentfulStatusCode = 200) {
  const viewer = viewerOf(c)
  const lead = await findLeadRow(c.var.db, viewer, leadId)
  if (!lead) throw notFound()
  const [everyone, counts] = await Promise.all([
    assignableMembers(c.var.db, viewer.orgId, { includeDeactivated: true }),
    assigneeCounts(c.var.db, viewer.orgId),
  ])
  const assigning = {
    members: activeOnly(everyone),
    total: { count: 0, more: false },
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
  }
  // The row, and the "Assigned to" filter with fresh counts (htmx out-of-band swap).
  return c.html(
    <>
      <LeadRowView slug={c.var.orgContext.org.slug} lead={lead} assigning={assigning} notice={notice} />
      <AssigneeFilter shell={shellOf(c)} filters={currentFilters(c)} members={everyone} counts={counts} oob />
    </>,
    status,
  )
}

// Reloading the page a refused form post left in the address bar (no JavaScript) lands back here.
assignmentRoutes.get('/bulk-assign', (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/leads`, 303))
assignmentRoutes.get(
  '/:leadId/:action{assign|claim|pool|status|assignees|acknowledge|handoff|reassignment-request}',
  (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${c.req.param('leadId')}`, 303),
)

assignmentRoutes.post('/bulk-assign', async (c) => {
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    return listPage(c, bulkFilters(values), { text: refusal.message, error: true })
  })
  // Authorization before validation: an Agent is refused (403) whatever the form holds.
  requireManager(c, 'assign leads')
  const input = await parseForm(c, bulkAssignSchema)
  const filters = bulkFilters(input)
  const selection: BulkSelection = input.all === '1' ? { filters } : { leadIds: input.leadIds }
  const result = await bulkAssign(c.var.db, viewerOf(c), selection, input.assigneeId, {
    note: input.note,
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    notify: fanOutContext(c),
  })
  const leads = `${result.changed} ${result.changed === 1 ? 'lead' : 'leads'}`
  const unchanged = result.selected - result.changed
  const notice: ListNotice = {
    text: `${leads} ${result.to ? `assigned to ${result.to}` : 'unassigned'}${unchanged ? ` (${unchanged} already ${unchanged === 1 ? 'was' : 'were'})` : ''}.`,
  }
  return listPage(c, filters, notice)
})

assignmentRoutes.post('/:leadId/assign', async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation (the lead is visible: leads/authorize.ts `visibleLeadOnly`).
  requireManager(c, 'assign leads')
  // From a list row's menu (htmx) a refusal answers with the row, whatever else the form holds.
  const { from } = await parseForm(c, sentFromSchema)
  const fromList = from === 'list' && c.req.header('HX-Request') === 'true'
  if (fromList) onRefusal(c, (refusal) => rowFragment(c, leadId, refusal.message, refusal.status))
  const input = await parseForm(c, assignSchema)
  const result = await assignLead(c.var.db, viewerOf(c), leadId, input.assigneeId, {
    note: input.note,
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    notify: fanOutContext(c),
  })
  return fromList ? rowFragment(c, leadId, result.changed ? 'Saved.' : 'No change.') : backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/assignees', async (c) => {
  const leadId = c.req.param('leadId')
  requireManager(c, 'change who works a lead')
  const { userId } = await parseForm(c, collaboratorSchema)
  await addCollaborator(c.var.db, viewerOf(c), leadId, userId, fanOutContext(c))
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/assignees/:userId/remove', async (c) => {
  const leadId = c.req.param('leadId')
  await removeCollaborator(c.var.db, viewerOf(c), leadId, c.req.param('userId'), fanOutContext(c))
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/pool', async (c) => {
  const leadId = c.req.param('leadId')
  requireManager(c, 'move leads into or out of the pool')
  const { inPool } = await parseForm(c, poolSchema)
  await setInPool(c.var.db, viewerOf(c), leadId, inPool, fanOutContext(c))
  // The pool page's viewers see the change (the organization's PoolRoom re-sends the pool, pool/pool-room.ts).
  const orgId = c.var.orgContext.org.id
  await c.env.POOL_ROOM.get(c.env.POOL_ROOM.idFromName(orgId))
    .refresh(orgId)
    .catch((error: unknown) => console.error('pool viewers not refreshed', error))
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/acknowledge', async (c) => {
  const leadId = c.req.param('leadId')
  await acknowledgeHandoff(c.var.db, viewerOf(c), leadId, fanOutContext(c))
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/handoff', async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation: an Agent who may not hand it off is refused (403) whatever the form holds.
  requireHandOff(viewerOf(c), await authorizeLead(c, leadId))
  const input = await parseForm(c, handOffSchema)
  await assignLead(c.var.db, viewerOf(c), leadId, input.assigneeId, {
    note: input.note,
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    notify: fanOutContext(c),
    handOff: true,
  })
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/reassignment-request', async (c) => {
  const leadId = c.req.param('leadId')
  if (!canRequestReassignment(viewerOf(c), factsOf(await authorizeLead(c, leadId)))) {
    throw new Refusal(403, REASSIGNMENT_REQUESTERS)
  }
  const { note } = await parseForm(c, reassignmentRequestSchema)
  await requestReassignment(c.var.db, viewerOf(c), leadId, note, fanOutContext(c))
  return backToLead(c, leadId)
})
