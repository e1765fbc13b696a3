/** Shared answer of the form posts that act on one lead (assign, claim, status, pool). */
import type { Context } from 'hono'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { viewerOf } from '../orgs/context'
import { renderError } from '../views/render-error'
import { findVisibleLead, type LeadDetail } from './leads'
import { canAssign, canEdit, factsOf } from './policy'
import { leadPage } from './routes'

/**
 * What an action needs the viewer to be allowed on the lead: `see` it, `edit` it (fields and
 * status), or `assign` it (Owners and Admins).
 */
export type LeadNeed = 'see' | 'edit' | 'assign'

/**
 * Authorization before validation: checks that the viewer may act on lead `leadId` before the
 * route reads its form, so a lead they cannot see answers 404 and a role that may not act answers
 * 403 whatever the form holds. (The domain function checks again when it writes.)
 * @param forbidden the 403 message, naming the action (the domain function's own wording)
 * @returns the lead as the viewer sees it
 * @throws Refusal 404 when the lead is not visible; 403 when `need` is not met
 */
export async function authorizeLead(
  c: Context<App>,
  leadId: string,
  need: LeadNeed,
  forbidden = need === 'assign'
    ? 'Only an Owner or Admin can assign leads.'
    : 'Only the lead’s assignee, an Owner or an Admin can change this lead.',
): Promise<LeadDetail> {
  const viewer = viewerOf(c)
  const lead = await findVisibleLead(c.var.db, viewer, leadId)
  if (!lead) throw notFound()
  if (need === 'assign' && !canAssign(viewer)) throw new Refusal(403, forbidden)
  if (need === 'edit' && !canEdit(viewer, factsOf(lead))) throw new Refusal(403, forbidden)
  return lead
}

/**
 * The answer to a refused action on lead `leadId`: the lead page with the reason and the refusal's
 * status (403, 409, 422), or, when the viewer can no longer see the lead (e.g. someone else just
 * claimed it), an error page with that reason.
 */
export async function leadRefusal(c: Context<App>, leadId: string, refusal: Refusal): Promise<Response> {
  // htmx (boosted forms) would show the action's URL; keep the lead page's address instead.
  c.header('HX-Replace-Url', `/o/${c.var.orgContext.org.slug}/leads/${leadId}`)
  try {
    return await leadPage(c, leadId, refusal.message, refusal.status)
  } catch (gone) {
    if (gone instanceof Refusal && gone.status === 404) return renderError(c, refusal.status, refusal.message)
    throw gone
  }
}

/**
 * Runs `act`; on success redirects (303) back to the lead page. A refusal answers with
 * `leadRefusal`; a lead the viewer never could see stays 404.
 */
export async function leadAction(c: Context<App>, leadId: string, act: () => Promise<unknown>): Promise<Response> {
  try {
    await act()
  } catch (error) {
    if (!(error instanceof Refusal) || error.status === 404) throw error
    return leadRefusal(c, leadId, error)
  }
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
}
