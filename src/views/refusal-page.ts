/**
 * How a route names the page its refusals are answered with: in its declaration, as middleware before its
 * handler (docs/ARCHITECTURE.md "One error type for refusals"), e.g.
 * `router.post('/edit', refusalPage(editPageAgain), async (c) => ...)`. Nothing guesses the page from the path.
 */
import type { MiddlewareHandler } from 'hono'
import type { App, LeadPageRefusal, RefusalPage } from '../env'

/**
 * Middleware: a refusal (other than 404) raised after it in this request, by the route's handler or the
 * middleware listed after it, is answered with `page` (views/render-error.tsx `renderRefusal`): typically the
 * form again, with the refusal's messages (`refusal.errors`), the values sent and the refusal's status. A page
 * that cannot be shown to this viewer throws (e.g. a Refusal of its own), and the refusal gets the error page.
 */
export function refusalPage(page: RefusalPage): MiddlewareHandler<App> {
  return async (c, next) => {
    c.set('refusalPage', page)
    await next()
  }
}

/**
 * The lead page as a refusal page, for a post on lead `:leadId`: its alert says the refusal, and what the
 * route keeps of the form (`keep`, or the collaboration section `form`) is shown again as it was sent. The page
 * itself is lent to the request by app.ts (pages/lead-page.tsx `lendLeadPage`), above the features that name it.
 */
export function leadPageFor(sent: LeadPageRefusal = {}): RefusalPage {
  return (c, refusal, values) => {
    if (!c.var.leadPage) throw new Error('the lead page is lent only inside /o/{slug} (app.ts)')
    return c.var.leadPage(c, c.req.param('leadId') ?? '', refusal, { values, ...sent })
  }
}

/** Middleware naming the lead page as the page of the route's refusals (`leadPageFor`). */
export function leadPageOnRefusal(sent: LeadPageRefusal = {}): MiddlewareHandler<App> {
  return refusalPage(leadPageFor(sent))
}
