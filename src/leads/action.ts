/** Shared answer of the form posts that act on one lead (assign, claim, status, pool). */
import type { Context } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { leadPage } from './routes'

/**
 * Runs `act`; on success redirects (303) back to the lead page. A refusal re-renders the lead page
 * with the reason and the refusal's status (403, 409, 422); a lead the viewer may not see stays 404.
 */
export async function leadAction(c: Context<App>, leadId: string, act: () => Promise<unknown>): Promise<Response> {
  try {
    await act()
  } catch (error) {
    if (error instanceof Refusal && error.status !== 404) return leadPage(c, leadId, error.message, error.status)
    throw error
  }
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
}
