/** The fan-out context of a request inside an organization (`/o/{slug}`), read from its bindings. */
import type { Context } from 'hono'
import type { App } from '../env'
import type { FanOutContext, PersonRef } from './fan-out'

/**
 * Who acts (the signed-in member, or `actor` when given; null for Leadpool itself), the organization
 * of the URL, APP_URL and the email queue: what `fanOut` needs. Call it in a route under `/o/:slug`.
 */
export function fanOutContext(c: Context<App>, actor?: PersonRef | null): FanOutContext {
  const org = c.var.orgContext.org
  const user = c.var.user
  return {
    orgId: org.id,
    orgName: org.name,
    orgSlug: org.slug,
    appUrl: c.env.APP_URL,
    actor: actor !== undefined ? actor : user ? { id: user.id, name: user.name } : null,
    queue: c.env.EMAIL_QUEUE,
  }
}
