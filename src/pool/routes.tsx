/**
 * The pool's routes: `/o/{slug}/pool` (the page, and `/live`, its WebSocket), and on `/o/{slug}/leads/{leadId}`
 * the claim and the release. Claims are handed to the organization's PoolRoom (pool/pool-room.ts), which runs them
 * one at a time and re-sends the pool to its viewers; the route turns a refused claim back into a Refusal.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { raw } from 'hono/html'
import { z } from 'zod'
import { authorizeUpgrade } from '../access/upgrade'
import { isManager, type Viewer } from '../access/viewer'
import type { App, RefusalPage } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { optionalMultiLine } from '../lib/text'
import { forwardUpgrade } from '../lib/websocket-room'
import { shownHoldersField } from '../leads/holders'
import { rememberDone } from '../views/done'
import { parseForm } from '../views/form-input'
import { renderError } from '../views/render-error'
import { leadPageFor, leadPageOnRefusal, refusalPage } from '../views/refusal-page'
import { claimsLeft } from './claim'
import { awayUntil } from '../orgs/away'
import { poolSettings, readPool } from './queries'
import { releaseLead } from './release'
import { PoolLive, PoolPage } from './views'

/** `/o/{slug}/pool`: the page and its live stream. */
export const poolRoutes = new Hono<App>()

/** `/o/{slug}/leads/{leadId}/claim` and `/release`. */
export const poolLeadRoutes = new Hono<App>()

/** The longest release note. */
export const MAX_RELEASE_NOTE = 2000

const releaseSchema = z.object({
  note: optionalMultiLine('note', MAX_RELEASE_NOTE),
  shown_assignees: shownHoldersField,
})

/** The organization's PoolRoom. */
export function poolRoom(c: Context<App>) {
  const orgId = c.var.orgContext.org.id
  return c.env.POOL_ROOM.get(c.env.POOL_ROOM.idFromName(orgId))
}

/** Agents know the pool only when the organization opens it to them. @throws Refusal 404 */
function requirePoolVisible(viewer: Viewer): void {
  if (!isManager(viewer) && !viewer.poolEnabled) throw notFound()
}

/** The pool as the viewer sees it now, and how many more leads they may claim (null: no cap). */
async function poolNow(c: Context<App>) {
  const unit = c.var.unit
  const { db, now } = unit
  const settings = (await poolSettings(db, unit.org.id))!
  const [pool, left, away] = await Promise.all([
    readPool(db, settings, now),
    claimsLeft(unit, settings.poolClaimCap),
    awayUntil(db, unit.org.id, unit.viewer.userId, now),
  ])
  return { pool, now, left, away }
}

/** The pool page with `alert` (a refused claim), answered with `status`. */
async function poolPage(c: Context<App>, alert?: string, status: 200 | Refusal['status'] = 200) {
  const { pool, now, left, away } = await poolNow(c)
  c.status(status)
  return c.render(<PoolPage pool={pool} now={now} claimsLeft={left} away={away} alert={alert} />, {
    title: 'Pool',
    live: true,
  })
}

/** Said under a refused claim shown on the pool: the list there is already as it is now. */
const POOL_IS_LIVE = 'The pool already shows this: it keeps itself up to date.'

/**
 * A claim refused on the pool's boosted form (htmx): the reason in the page's alert region
 * ("Already claimed by Ava Agent.", views/render-error.tsx), and the pool as it is now swapped in out of
 * band, so the lost lead is gone even when the live stream did not reach this tab.
 */
async function refusedOnPool(c: Context<App>, refusal: Refusal) {
  const { pool, now } = await poolNow(c)
  // What happened, and that the pool below already shows it: never "reload" (the pool is live).
  const alert = await (await renderError(c, refusal.status, refusal.message, { explanation: POOL_IS_LIVE })).text()
  return c.html(
    <>
      {raw(alert)}
      <PoolLive slug={c.var.orgContext.org.slug} pool={pool} now={now} oob />
    </>,
    refusal.status,
  )
}

poolRoutes.get('/', async (c) => {
  requirePoolVisible(c.var.unit.viewer)
  // The pool is one list, oldest first (no pages): an old link with a cursor lands on it.
  if (c.req.query('cursor') !== undefined) return c.redirect(`/o/${c.var.orgContext.org.slug}/pool`, 303)
  return poolPage(c)
})

// The pool page's WebSocket: authorized here (access/upgrade.ts), then handed to the PoolRoom, which streams the
// pool's changes to the member's session while they may see the pool.
poolRoutes.get('/live', async (c) => {
  requirePoolVisible(c.var.unit.viewer)
  const owner = await authorizeUpgrade(c)
  const res = await forwardUpgrade(poolRoom(c), c.req.raw, owner)
  // A fresh Response, so the app's middleware may still add its headers.
  return new Response(null, { status: res.status, webSocket: res.webSocket })
})

/** The message an Agent reads when the pool was closed between showing it and their claim. */
const POOL_CLOSED = 'The pool has been switched off, so leads can no longer be claimed from it.'

/**
 * Middleware for a claim sent from the pool page (`?from=pool`): an Agent's claim after the organization closed
 * the pool to Agents says so (409, answered by the page named before it).
 */
const poolStillOpen = (): MiddlewareHandler<App> => async (c, next) => {
  const { viewer } = c.var.unit
  if (c.req.query('from') === 'pool' && !isManager(viewer) && !viewer.poolEnabled) {
    const slug = c.var.orgContext.org.slug
    throw new Refusal(409, POOL_CLOSED, { details: { nextHref: `/o/${slug}/leads`, nextLabel: 'Go to your leads' } })
  }
  await next()
}

/**
 * The page of a refused claim: sent from the pool (`?from=pool`), the pool, which stays open (htmx: the reason in
 * its alert region); else the lead page.
 */
const claimRefused: RefusalPage = (c, refusal, values) => {
  if (c.req.query('from') !== 'pool') return leadPageFor()(c, refusal, values)
  return c.req.header('HX-Request') === 'true'
    ? refusedOnPool(c, refusal)
    : poolPage(c, refusal.message, refusal.status)
}

// Reloading a claim's address (no JavaScript) lands on the page it was sent from, not on a POST-only address.
poolLeadRoutes.get('/:leadId/claim', (c) => {
  const slug = c.var.orgContext.org.slug
  return c.redirect(
    c.req.query('from') === 'pool' ? `/o/${slug}/pool` : `/o/${slug}/leads/${c.req.param('leadId')}`,
    303,
  )
})

/** What a refused claim's own page offers (its page when the lead is no longer the viewer's to see): the pool. */
function lostClaim(c: Context<App>) {
  const pool = `/o/${c.var.orgContext.org.slug}/pool`
  return { details: { explanation: POOL_IS_LIVE, nextHref: pool, nextLabel: 'Back to the pool' } }
}

// A pool closed to Agents is said on the lead page; any other refusal on the page the claim was sent from.
poolLeadRoutes.post('/:leadId/claim', leadPageOnRefusal(), poolStillOpen(), refusalPage(claimRefused), async (c) => {
  const leadId = c.req.param('leadId')
  // Reads no form (leads/authorize.ts): the claim is authorized in the PoolRoom, and `?from=pool` names the page.
  const { org, viewer, actor } = c.var.unit
  const answer = await poolRoom(c).claim({ org, viewer, actor }, leadId)
  if (!answer.won) throw answer.status === 404 ? notFound() : new Refusal(answer.status, answer.message, lostClaim(c))
  const lead = `/o/${c.var.orgContext.org.slug}/leads/${leadId}`
  rememberDone(c, lead, 'claimed')
  // From the pool's boosted form (htmx): the browser goes to the lead as a whole page, address bar included.
  if (c.req.header('HX-Request') === 'true') {
    c.header('HX-Redirect', lead)
    return c.body(null, 204)
  }
  return c.redirect(lead, 303)
})

poolLeadRoutes.post('/:leadId/release', leadPageOnRefusal({ keep: ({ note }) => ({ release: note }) }), async (c) => {
  const leadId = c.req.param('leadId')
  const { note, shown_assignees } = await parseForm(c, releaseSchema)
  await releaseLead(c.var.unit, leadId, note, { shown: shown_assignees })
  await poolRoom(c)
    .refresh(c.var.unit.org.id)
    .catch((error: unknown) => console.error('pool not refreshed', error))
  const lead = `/o/${c.var.orgContext.org.slug}/leads/${leadId}`
  rememberDone(c, lead, 'released')
  return c.redirect(lead, 303)
})
