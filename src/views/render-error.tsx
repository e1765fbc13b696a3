/** Answers an error as HTML for browsers and htmx, or as JSON when the client asked for JSON. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { App } from '../env'
import { ErrorPage } from './error-page'

export function renderError(c: Context<App>, status: ContentfulStatusCode, message: string) {
  if (c.req.header('Accept')?.includes('application/json')) return c.json({ error: message }, status)
  return c.html(<ErrorPage status={status} message={message} user={c.var.user} />, status)
}
