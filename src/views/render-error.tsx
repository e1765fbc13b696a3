/** Answers an error as HTML for browsers and htmx, or as JSON when the client asked for JSON. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { App } from '../env'
import { ErrorPage, PageAlert } from './error-page'
import { PAGE_ALERT_ID } from './htmx-config'

/**
 * The one error answer: JSON `{ error }` when asked for JSON; for an htmx request (`HX-Request: true`) a fragment
 * that htmx puts into the page's alert region (`HX-Retarget: #page-alert`, `HX-Reswap: outerHTML`, address bar
 * unchanged), whatever element made the request; otherwise the full error page. Always with `status`.
 */
export function renderError(c: Context<App>, status: ContentfulStatusCode, message: string) {
  if (c.req.header('Accept')?.includes('application/json')) return c.json({ error: message }, status)
  if (c.req.header('HX-Request') === 'true') {
    c.header('HX-Retarget', `#${PAGE_ALERT_ID}`)
    c.header('HX-Reswap', 'outerHTML')
    c.header('HX-Push-Url', 'false')
    c.header('HX-Replace-Url', 'false')
    return c.html(<PageAlert status={status} message={message} />, status)
  }
  return c.html(<ErrorPage status={status} message={message} user={c.var.user} />, status)
}
