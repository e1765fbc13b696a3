/**
 * Lead routes inside `/o/{slug}/leads` (CONTRACT.md): list, export, create, detail and its timeline
 * fragment. Import lives in import-routes; assignment and status actions in their own modules.
 */
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { handedOverTo, timeline } from '../activity/activities'
import { Timeline } from '../activity/timeline'
import { LEAD_STATUSES } from '../db/schema'
import type { App } from '../env'
import { notFound } from '../lib/errors'
import { formFields, validForm } from '../lib/validation'
import { formTokenOf, once } from '../db/idempotency'
import { shellOf, viewerOf } from '../orgs/context'
import { activeOnly, assignableMembers } from '../orgs/members'
import { exportLeadsCsv } from './export'
import { leadSchema } from './fields'
import {
  assigneeCounts,
  countLeads,
  createLead,
  DuplicateLeadError,
  findVisibleLead,
  listLeads,
  type LeadFilters,
} from './leads'
import { canAssign, canClaim, canEdit, factsOf, whoCanSee } from './policy'
import { LeadDetailPage, NewLeadPage } from './lead-page'
import { AssigneeFilter, LeadListPage, LeadResults, type ListNotice } from './list-views'

export const leadRoutes = new Hono<App>()

// Unknown or malformed filter values are dropped rather than refused: a stale bookmark still opens.
export const filtersSchema = z.object({
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 200))
    .optional()
    .catch(undefined),
  status: z.enum(LEAD_STATUSES).optional().catch(undefined),
  assignee: z.string().max(64).optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
})

/**
 * The list page (or, for htmx, the results fragment) for the filters in the query; `notice` says
 * what a bulk action just did.
 */
export async function listPage(c: Context<App>, filters: LeadFilters, notice?: ListNotice) {
  const viewer = viewerOf(c)
  const db = c.var.db
  const org = c.var.orgContext.org
  const manager = canAssign(viewer)
  const fragment = c.req.header('HX-Request') === 'true' && c.req.header('HX-Target') === 'lead-results'
  // The filter's counts are shown on the full page, and refreshed after a bulk action (notice).
  const withFilter = manager && (!fragment || Boolean(notice))
  const [page, total, everyone, counts] = await Promise.all([
    listLeads(db, viewer, filters),
    manager ? countLeads(db, viewer, filters) : Promise.resolve(0),
    manager ? assignableMembers(db, viewer.orgId, true) : Promise.resolve([]),
    withFilter ? assigneeCounts(db, viewer.orgId) : Promise.resolve(new Map<string, number>()),
  ])
  const assigning = manager
    ? { members: activeOnly(everyone), total, noteRequired: org.handoffNoteRequired }
    : undefined
  if (fragment) {
    return c.html(
      <>
        <LeadResults slug={org.slug} page={page} filters={filters} assigning={assigning} notice={notice} />
        {withFilter && <AssigneeFilter shell={shellOf(c)} filters={filters} members={everyone} counts={counts} oob />}
      </>,
    )
  }
  return c.html(
    <LeadListPage
      {...shellOf(c)}
      page={page}
      filters={filters}
      assigning={assigning}
      filterMembers={everyone}
      counts={counts}
      notice={notice}
    />,
  )
}

leadRoutes.get('/', (c) => listPage(c, filtersSchema.parse(c.req.query())))

leadRoutes.get('/export.csv', async (c) => {
  const filters = filtersSchema.parse(c.req.query())
  const csv = await exportLeadsCsv(c.var.db, viewerOf(c), { ...filters, cursor: undefined })
  const day = new Date().toISOString().slice(0, 10)
  return c.body(`\uFEFF${csv}`, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="leads-${c.var.orgContext.org.slug}-${day}.csv"`,
  })
})

leadRoutes.get('/new', (c) => c.html(<NewLeadPage {...shellOf(c)} />))

leadRoutes.post(
  '/',
  validForm(leadSchema, (c, values, errors) =>
    c.html(<NewLeadPage {...shellOf(c)} values={values} errors={errors} />, 422),
  ),
  async (c) => {
    const input = c.req.valid('form')
    const viewer = viewerOf(c)
    // The same form sent twice (one formToken) creates one lead; the repeat goes to it too.
    const token = formTokenOf(await formFields(c), viewer.orgId)
    const path = (id: string) => `/o/${c.var.orgContext.org.slug}/leads/${id}`
    try {
      const location = await once(c.var.db, token, async (remember) =>
        path(await createLead(c.var.db, viewer, input, Date.now(), (id) => remember(path(id)))),
      )
      return c.redirect(location, 303)
    } catch (error) {
      if (!(error instanceof DuplicateLeadError)) throw error
      const visible = await findVisibleLead(c.var.db, viewer, error.existingId)
      const duplicate = visible ? { id: visible.id, name: visible.name } : undefined
      return c.html(
        <NewLeadPage {...shellOf(c)} values={input} errors={{ email: error.message }} duplicate={duplicate} />,
        422,
      )
    }
  },
)

/**
 * The lead page, with the actions the policy allows the viewer; `alert` (with its `status`) tells
 * why an action just failed.
 * @throws Refusal 404 when the lead is not visible
 */
export async function leadPage(c: Context<App>, leadId: string, alert?: string, status: ContentfulStatusCode = 200) {
  const viewer = viewerOf(c)
  const db = c.var.db
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  const facts = factsOf(lead)
  const assigning = canAssign(viewer)
  const [items, members, people] = await Promise.all([
    timeline(db, viewer.orgId, lead.id),
    assigning ? assignableMembers(db, viewer.orgId) : Promise.resolve([]),
    whoCanSee(db, viewer, lead.id),
  ])
  const org = c.var.orgContext.org
  const assignment = {
    members,
    canAssign: assigning,
    canClaim: canClaim(viewer, facts),
    multipleAssignees: org.multipleAssignees,
    noteRequired: org.handoffNoteRequired,
    poolEnabled: org.poolEnabled,
    transferredTo: lead.assignees.some((a) => a.userId === viewer.userId) ? null : handedOverTo(items, viewer.userId),
  }
  return c.html(
    <LeadDetailPage
      {...shellOf(c)}
      lead={lead}
      items={items}
      canEdit={canEdit(viewer, facts)}
      assignment={assignment}
      people={people}
      alert={alert}
    />,
    status,
  )
}

leadRoutes.get('/:leadId', (c) => leadPage(c, c.req.param('leadId')))

/** The timeline alone (htmx fragment). */
leadRoutes.get('/:leadId/timeline', async (c) => {
  const viewer = viewerOf(c)
  const lead = await findVisibleLead(c.var.db, viewer, c.req.param('leadId'))
  if (!lead) throw notFound()
  return c.html(<Timeline items={await timeline(c.var.db, viewer.orgId, lead.id)} />)
})
