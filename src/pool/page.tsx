/** The pool page as an answer: shown by `GET /o/{slug}/pool`, and again after a claim from it was refused. */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { viewerOf } from '../access/context'
import { isManager } from '../access/viewer'
import type { App } from '../env'
import { listLeads } from '../leads/leads'
import { notFound } from '../lib/errors'
import { PoolPage } from './views'

/**
 * The pool's first page (or the page after `cursor`), with `alert` saying why a claim was refused
 * ("Already claimed by Ava Agent.") and its `status`.
 * @throws Refusal 404 for an Agent while the organization keeps the pool closed
 */
export async function poolPage(
  c: Context<App>,
  state: { cursor?: string; alert?: string; status?: ContentfulStatusCode } = {},
) {
  const viewer = viewerOf(c)
  // Agents know the pool only when the organization opens it to them.
  if (!isManager(viewer) && !viewer.poolEnabled) throw notFound()
  const page = await listLeads(c.var.db, viewer, { assignee: 'pool', cursor: state.cursor })
  c.status(state.status ?? 200)
  return c.render(<PoolPage page={page} cursor={state.cursor} alert={state.alert} />)
}
