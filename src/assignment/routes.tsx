/**
 * Assignment actions (CONTRACT.md): assign / unassign / transfer from the lead page or a list row,
 * bulk assignment, collaborators, claim, pool. Every path calls the same domain functions.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { optionalMultiLine } from '../lib/text'
import { formData, formFields } from '../lib/validation'
import { authorizeLead, leadAction, leadRefusal } from '../leads/action'
import { assigneeCounts, findLeadRow } from '../leads/leads'
import { AssigneeFilter, LeadRowView, type ListNotice } from '../leads/list-views'
import { canAssign } from '../leads/policy'
import { filtersSchema, listPage, searchProblem } from '../leads/routes'
import { shellOf, viewerOf } from '../orgs/context'
import { activeOnly, assignableMembers } from '../orgs/members'
import { assignLead } from './assign'
import { bulkAssign, type BulkSelection } from './bulk'
import { claimLead } from './claim'
import { addCollaborator, removeCollaborator } from './collaborators'
import type { NotifyContext } from './notify'
import { setInPool } from './pool'

export const assignmentRoutes = new Hono<App>()

/** Where assignment emails link to and who they say acted. */
function notifyContext(c: Context<App>): NotifyContext {
  const org = c.var.orgContext.org
  return {
    appUrl: c.env.APP_URL,
    orgName: org.name,
    orgSlug: org.slug,
    actorName: c.var.user!.name,
    queue: c.env.EMAIL_QUEUE,
  }
}

/** The longest handoff note, on every path that takes one (lead page, list row, bulk bar). */
const MAX_NOTE = 2000

const assignSchema = z.object({
  assigneeId: z.string().trim().max(64, 'Choose a member from the list').default(''),
  note: optionalMultiLine('handoff note', MAX_NOTE),
  from: z.string().optional(),
})

/** The list filters of the page the htmx request came from (its `HX-Current-URL`). */
function currentFilters(c: Context<App>) {
  const current = URL.parse(c.req.header('HX-Current-URL') ?? '') ?? new URL(c.req.url)
  return filtersSchema.parse(Object.fromEntries(current.searchParams))
}

/** The list row of `leadId` after an assignment from its menu (htmx), with a message. */
async function rowFragment(c: Context<App>, leadId: string, notice: string, status: 200 | 403 | 409 | 422 = 200) {
  const viewer = viewerOf(c)
  const lead = await findLeadRow(c.var.db, viewer, leadId)
  if (!lead) return c.body(null, 404)
  const [everyone, counts] = await Promise.all([
    assignableMembers(c.var.db, viewer.orgId, true),
    assigneeCounts(c.var.db, viewer.orgId),
  ])
  const assigning = { members: activeOnly(everyone), total: 0, noteRequired: c.var.orgContext.org.handoffNoteRequired }
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
assignmentRoutes.get('/:leadId/:action{assign|claim|pool|status|assignees}', (c) =>
  c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${c.req.param('leadId')}`, 303),
)

assignmentRoutes.post('/bulk-assign', async (c) => {
  // Authorization before validation: an Agent is refused (403) whatever the form holds.
  if (!canAssign(viewerOf(c))) throw new Refusal(403, 'Only an Owner or Admin can assign leads.')
  const form = await formData(c)
  const text = (key: string) => (typeof form.get(key) === 'string' ? (form.get(key) as string) : '')
  const filters = filtersSchema.parse({
    q: text('match_q') || undefined,
    status: text('match_status') || undefined,
    assignee: text('match_assignee') || undefined,
  })
  const selection: BulkSelection =
    text('all') === '1'
      ? { filters }
      : { leadIds: form.getAll('leadIds').filter((v): v is string => typeof v === 'string') }
  let notice: ListNotice
  try {
    const to = text('assigneeId')
    if (to === '') throw new Refusal(422, 'Choose a team member (or Unassigned) to assign the selected leads to.')
    const badFilter = searchProblem(filters)
    if (badFilter) throw new Refusal(422, badFilter)
    const note = optionalMultiLine('handoff note', MAX_NOTE).safeParse(text('note'))
    if (!note.success) throw new Refusal(422, note.error.issues[0]!.message)
    const result = await bulkAssign(c.var.db, viewerOf(c), selection, to === 'none' ? null : to, {
      note: note.data,
      noteRequired: c.var.orgContext.org.handoffNoteRequired,
      notify: notifyContext(c),
    })
    const leads = `${result.changed} ${result.changed === 1 ? 'lead' : 'leads'}`
    const unchanged = result.selected - result.changed
    notice = {
      text: `${leads} ${result.to ? `assigned to ${result.to}` : 'unassigned'}${unchanged ? ` (${unchanged} already ${unchanged === 1 ? 'was' : 'were'})` : ''}.`,
    }
  } catch (error) {
    if (!(error instanceof Refusal) || error.status === 404) throw error
    c.status(error.status)
    notice = { text: error.message, error: true }
  }
  return listPage(c, filters, notice)
})

assignmentRoutes.post('/:leadId/assign', async (c) => {
  const leadId = c.req.param('leadId')
  const org = c.var.orgContext.org
  // From a list row's menu (htmx), the answer is the row; otherwise the lead page.
  let fromList = false
  try {
    await authorizeLead(c, leadId, 'assign')
    const fields = await formFields(c)
    fromList = fields.from === 'list' && c.req.header('HX-Request') === 'true'
    const parsed = assignSchema.safeParse(fields)
    if (!parsed.success) throw new Refusal(422, parsed.error.issues[0]!.message)
    const to = parsed.data.assigneeId
    const result = await assignLead(c.var.db, viewerOf(c), leadId, to === '' || to === 'none' ? null : to, {
      note: parsed.data.note,
      noteRequired: org.handoffNoteRequired,
      notify: notifyContext(c),
    })
    if (fromList) return rowFragment(c, leadId, result.changed ? 'Saved.' : 'No change.')
    return c.redirect(`/o/${org.slug}/leads/${leadId}`, 303)
  } catch (error) {
    if (!(error instanceof Refusal) || error.status === 404) throw error
    if (fromList) return rowFragment(c, leadId, error.message, error.status as 403 | 409 | 422)
    return leadRefusal(c, leadId, error)
  }
})

assignmentRoutes.post('/:leadId/assignees', (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, async () => {
    await authorizeLead(c, leadId, 'assign', 'Only an Owner or Admin can change who works a lead.')
    const { userId = '' } = await formFields(c)
    return addCollaborator(c.var.db, viewerOf(c), leadId, userId, notifyContext(c))
  })
})

assignmentRoutes.post('/:leadId/assignees/:userId/remove', (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, () => removeCollaborator(c.var.db, viewerOf(c), leadId, c.req.param('userId')))
})

assignmentRoutes.post('/:leadId/claim', (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, () => claimLead(c.var.db, viewerOf(c), leadId))
})

assignmentRoutes.post('/:leadId/pool', (c) => {
  const leadId = c.req.param('leadId')
  return leadAction(c, leadId, async () => {
    await authorizeLead(c, leadId, 'assign', 'Only an Owner or Admin can move leads into or out of the pool.')
    const { inPool } = await formFields(c)
    return setInPool(c.var.db, viewerOf(c), leadId, inPool === '1')
  })
})
