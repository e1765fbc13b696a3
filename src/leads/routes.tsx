/**
 * Lead routes inside `/o/{slug}/leads` (docs/ARCHITECTURE.md): list, export, create, and a lead's timeline
 * fragment. The lead page is in pages/ (it shows the assignment panel); import lives in
 * src/imports/; assignment and status actions in their own folders.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { viewerTimeZone } from '../access/context'
import { isManager } from '../access/viewer'
import { Timeline } from '../activity/timeline'
import { timelineProps } from '../activity/timeline-props'
import type { App, RefusalPage } from '../env'
import { Refusal } from '../lib/errors'
import { formTokenField, formTokenOf, once } from '../db/idempotency'
import { rememberDone } from '../views/done'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { leadNotFound } from './authorize'
import { exportLeadsCsv } from './export'
import { leadSchema, optionalEmail } from './fields'
import { filtersSchema, searchProblem } from './filters'
import { createLead, duplicateLead, leadIdByEmail } from './create'
import { findVisibleLead } from './lead-detail'
import { routeOrLog } from './routing'
import { listPage } from './list-page'
import { liveRows } from './live-rows'
import { NewLeadPage } from './new-lead-page'

export const leadRoutes = new Hono<App>()

leadRoutes.get('/', (c) => listPage(c, filtersSchema.parse(c.req.query())))

// What a live list refetches after its organization's room named changed leads (live-rows.tsx).
leadRoutes.get('/rows', liveRows)

leadRoutes.get('/export.csv', async (c) => {
  const filters = filtersSchema.parse(c.req.query())
  const badSearch = searchProblem(filters)
  if (badSearch) throw new Refusal(422, badSearch)
  const csv = await exportLeadsCsv(c.var.unit, { ...filters, cursor: undefined })
  const day = new Date().toISOString().slice(0, 10)
  return c.body(`\uFEFF${csv}`, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="leads-${c.var.orgContext.org.slug}-${day}.csv"`,
  })
})

leadRoutes.get('/new', (c) => c.render(<NewLeadPage />, { title: 'New lead' }))

/** The new-lead form: the lead's fields and its one-time token. */
/** `routing`: an Owner's or Admin's choice to route the lead (rules, then Settings) or leave it unassigned. */
const newLeadSchema = leadSchema.extend({
  formToken: formTokenField,
  routing: z.enum(['route', 'unassigned'], 'Choose whether to route the lead').default('route'),
})

/** The id of the organization's lead already using `email` when it is a valid address, else null. */
async function takenEmail(c: Context<App>, email: string | undefined): Promise<string | null> {
  const valid = optionalEmail.safeParse(email ?? '')
  return valid.success && valid.data ? leadIdByEmail(c.var.unit, valid.data) : null
}

/** The new-lead form again, with what was typed and every field's message (a duplicate email: a link to that lead). */
const newLeadAgain: RefusalPage = async (c, refusal, values) => {
  // Every field's message at once: a form refused for other fields also says when its email is taken.
  const errors = { ...refusal.errors }
  let existingId = refusal.details.existingId
  if (Object.keys(errors).length > 0 && !errors.email) {
    const taken = await takenEmail(c, values.email)
    if (taken) {
      errors.email = duplicateLead(taken).message
      existingId = taken
    }
  }
  // A duplicate email links to the existing lead when the viewer may see it.
  const visible = existingId ? await findVisibleLead(c.var.unit, existingId) : null
  const duplicate = visible ? { id: visible.id, name: visible.name } : undefined
  c.status(refusal.status)
  const alert = Object.keys(errors).length > 0 ? undefined : refusal.message
  return c.render(<NewLeadPage values={values} errors={errors} duplicate={duplicate} alert={alert} />, {
    title: 'New lead',
  })
}

leadRoutes.post('/', refusalPage(newLeadAgain), async (c) => {
  const unit = c.var.unit
  const viewer = unit.viewer
  const { formToken, routing, ...input } = await parseForm(c, newLeadSchema)
  // The same form sent twice (one formToken) creates one lead; the repeat goes to it too.
  const path = (id: string) => `/o/${c.var.orgContext.org.slug}/leads/${id}`
  const location = await once(unit.db, formTokenOf({ formToken }, viewer.orgId), async (remember) => {
    const leadId = await createLead(unit, input, { also: (id) => remember(path(id)) })
    // A lead an Owner or Admin types in is routed like every new lead when they choose (an Agent's own lead stays theirs).
    if (isManager(viewer) && routing === 'route') await routeOrLog(c.env, viewer.orgId, [leadId], viewer.userId)
    return path(leadId)
  })
  // The lead page says "Lead created." once (views/done.ts).
  rememberDone(c, location, 'created')
  return c.redirect(location, 303)
})

/** The timeline alone (htmx fragment), query `type` (a filter) and `before` (older pages). */
leadRoutes.get('/:leadId/timeline', async (c) => {
  const unit = c.var.unit
  const lead = await findVisibleLead(unit, c.req.param('leadId'))
  if (!lead) throw await leadNotFound(unit)
  const base = `/o/${c.var.orgContext.org.slug}/leads/${lead.id}`
  return c.html(
    <Timeline
      {...await timelineProps(c.var.unit, lead.id, { base, query: c.req.query(), timeZone: viewerTimeZone(c) })}
    />,
  )
})
