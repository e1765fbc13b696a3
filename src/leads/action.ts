/** Shared answer of the form posts that act on one lead (assign, claim, status, pool). */
import type { Context } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { renderError } from '../views/render-error'
import { leadPage } from './routes'

/**
 * Runs `act`; on success redirects (303) back to the lead page. A refusal re-renders the lead page
 * with the reason and the refusal's status (403, 409, 422), or, when the viewer can no longer see
 * the lead (e.g. someone else just claimed it), an error page with that reason; a lead the viewer
 * never could see stays 404.
 */
export async function leadAction(c: Context<App>, leadId: string, act: () => Promise<unknown>): Promise<Response> {
  try {
    await act()
  } catch (error) {
    if (!(error instanceof Refusal) || error.status === 404) throw error
    // htmx (boosted forms) would show the action's URL; keep the lead page's address instead.
    c.header('HX-Replace-Url', `/o/${c.var.orgContext.org.slug}/leads/${leadId}`)
    try {
      return await leadPage(c, leadId, error.message, error.status)
    } catch (gone) {
      if (gone instanceof Refusal && gone.status === 404) return renderError(c, error.status, error.message)
      throw gone
    }
  }
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
}
