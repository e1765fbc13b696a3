/**
 * Authorization before validation for the form posts that act on one lead
 * (`/o/{slug}/leads/{leadId}/...`): the lead is looked up through the visibility policy before any
 * route reads the form, so a lead the viewer cannot see answers 404 and a role that may not act
 * answers 403 whatever the body holds (invalid values, broken UTF-8). The domain functions check
 * again when they write.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { isId } from '../lib/ids'
import type { Unit } from '../access/unit'
import { isAgent } from '../access/viewer'
import { activeManagers } from '../orgs/members'
import { findVisibleLead, type LeadDetail } from './lead-detail'
import { canEdit, factsOf } from './policy'

/** What an action needs the viewer to be allowed on the lead: `see` it, or `edit` it (fields and status). */
export type LeadNeed = 'see' | 'edit'

/**
 * Lead `leadId` as the viewer sees it, if they may do what `need` says.
 * @throws Refusal 404 when the lead is not visible to the viewer; 403 when `need` is `edit` and they
 *   may only read it (the wording of `changeStatus`)
 */
export async function authorizeLead(c: Context<App>, leadId: string, need: LeadNeed = 'see'): Promise<LeadDetail> {
  const { viewer } = c.var.unit
  const lead = await findVisibleLead(c.var.unit, leadId)
  if (!lead) throw await leadNotFound(c.var.unit)
  if (need === 'edit' && !canEdit(viewer, factsOf(lead))) {
    throw new Refusal(403, 'Only the lead’s assignee, an Owner or an Admin can change this lead.')
  }
  return lead
}

/** "Ana", "Ana or Bo", "Ana, Bo or Cy". */
function orList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
}

/**
 * The 404 of a lead `unit`'s viewer cannot see, the same whether or not it exists. Owners and Admins see
 * every lead, so theirs is the plain "Page not found"; an Agent is told why an Agent might not see a
 * lead and whom to ask (the organization's active Owners and Admins, by name), in `details.explanation`.
 */
export async function leadNotFound(unit: Pick<Unit, 'db' | 'viewer'>): Promise<Refusal> {
  const { db, viewer } = unit
  if (!isAgent(viewer)) return notFound()
  const managers = (await activeManagers(db, viewer.orgId)).map((m) => m.name)
  const pool = viewer.poolEnabled ? ', and the leads in the pool' : ''
  const explanation =
    `As an Agent you see the leads assigned to you (or that you work on with their owner), the leads you ` +
    `created and the leads you were assigned before${pool}. A lead may have been given to someone else, or ` +
    `the link may be wrong. To be given a lead, ask an Owner or Admin${managers.length ? `: ${orList(managers)}` : ''}.`
  return new Refusal(404, 'This lead is not one you can see', { details: { explanation } })
}

/**
 * Middleware for `/o/{slug}/leads/{leadId}/*`: a POST to a lead the viewer cannot see answers 404
 * before the route parses its body. Left to their routes: paths whose `leadId` position holds no id
 * (`/leads/new`, `/leads/import/...`, `/leads/bulk-assign`), and `claim`, which reads no form and
 * tells an Agent who lost a claim who won (409) although the lead is no longer visible to them
 * (pool/claim.ts).
 * @throws Refusal 404
 */
export function visibleLeadOnly(): MiddlewareHandler<App> {
  return async (c, next) => {
    const leadId = c.req.param('leadId')
    const claim = c.req.path.endsWith(`/${leadId}/claim`)
    if (c.req.method === 'POST' && leadId && isId(leadId) && !claim) await authorizeLead(c, leadId)
    await next()
  }
}
