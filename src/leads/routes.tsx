/** Lead routes inside `/o/{slug}` (CONTRACT.md): list, create, detail. Import lives in import-routes. */
import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { timeline } from '../activity/activities'
import { LEAD_STATUSES } from '../db/schema'
import type { App } from '../env'
import { validForm } from '../lib/validation'
import { leadSchema } from './fields'
import { createLead, findVisibleLead, listLeads, type LeadFilters } from './leads'
import type { Viewer } from './visibility'
import { LeadDetailPage, LeadListPage, LeadResults, NewLeadPage } from './views'

export const leadRoutes = new Hono<App>()

/** The signed-in member as the visibility policy sees them. */
export function viewerOf(c: Context<App>): Viewer {
  const { org, membership } = c.var.orgContext
  return { orgId: org.id, userId: membership.userId, role: membership.role }
}

/** Page chrome shared by every organization page. */
export function shellOf(c: Context<App>) {
  return { user: c.var.user!, org: c.var.orgContext.org }
}

// Unknown or malformed filter values are dropped rather than refused: a stale bookmark still opens.
const filtersSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(LEAD_STATUSES).optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
})

leadRoutes.get('/', async (c) => {
  const filters: LeadFilters = filtersSchema.parse(c.req.query())
  const page = await listLeads(c.var.db, viewerOf(c), filters)
  if (c.req.header('HX-Request') === 'true' && c.req.header('HX-Target') === 'lead-results') {
    return c.html(<LeadResults slug={c.var.orgContext.org.slug} page={page} filters={filters} />)
  }
  return c.html(<LeadListPage {...shellOf(c)} page={page} filters={filters} />)
})

leadRoutes.get('/new', (c) => c.html(<NewLeadPage {...shellOf(c)} />))

leadRoutes.post(
  '/',
  validForm(leadSchema, (c, values, errors) => c.html(<NewLeadPage {...shellOf(c)} values={values} errors={errors} />, 422)),
  async (c) => {
    const id = await createLead(c.var.db, viewerOf(c), c.req.valid('form'))
    return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${id}`, 303)
  },
)

leadRoutes.get('/:leadId', async (c) => {
  const viewer = viewerOf(c)
  const lead = await findVisibleLead(c.var.db, viewer, c.req.param('leadId'))
  if (!lead) throw new HTTPException(404, { message: 'Not found' })
  const items = await timeline(c.var.db, viewer.orgId, lead.id)
  return c.html(<LeadDetailPage {...shellOf(c)} lead={lead} items={items} />)
})
