// Browser test: two Agents look at the pool; one claims a lead; it disappears from the other's page within 2 s
// (the PoolRoom streams the pool over the page's WebSocket); on a page that missed the update, the other's click on
// the stale Claim button shows "Already claimed by …" and stays on the pool; so does a click whose row the live
// update removed while the claim was on its way; an Agent reading a pool lead's page another Agent claims is told
// at once that they can no longer see it, and an Agent on the pool page, once the pool is closed to Agents.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { appUrl, createLead, inviteAndJoin, newPage, runId, screenshot, signUp } from './browser.mjs'
import { useBrowser } from './browser.mjs'

useBrowser()

/** Problems of a watched page, without the 409 the lost claim answers on purpose. */
const unexpected = (problems) => problems.filter((p) => !/POST \/o\/[^/]+\/leads\/[^/]+\/claim answered 409/.test(p))

test('a claimed lead disappears from the other Agent’s pool; a stale click says who claimed it', async (t) => {
  const owner = await newPage(t)
  const slug = await signUp(owner.page, {
    name: 'Olga Owner',
    email: `pool.owner.${runId}@example.com`,
    password: 'correct-horse-9',
    organization: `Pool Live ${runId}`,
  })
  // Open the pool to Agents.
  await owner.page.goto(appUrl(owner.page, `/o/${slug}/settings`))
  await owner.page.locator('input[name=poolEnabled]').check()
  await owner.page.getByRole('button', { name: 'Save settings' }).click()
  await owner.page.waitForURL(/saved=1/)

  const ann = await inviteAndJoin(
    t,
    owner.page,
    slug,
    { name: 'Ann Agent', email: `pool.ann.${runId}@example.com`, password: 'correct-horse-9' },
    'Agent',
  )
  const ben = await inviteAndJoin(
    t,
    owner.page,
    slug,
    { name: 'Ben Agent', email: `pool.ben.${runId}@example.com`, password: 'correct-horse-9' },
    'Agent',
  )

  /** The Owner creates a lead named `name` and puts it in the pool; returns its id. */
  const pooled = async (name) => {
    await owner.page.goto(appUrl(owner.page, `/o/${slug}/leads`))
    const id = await createLead(owner.page, slug, { name: `${name} ${runId}` })
    await owner.page.goto(appUrl(owner.page, `/o/${slug}/leads/${id}`))
    await owner.page.getByRole('button', { name: 'Put in the pool' }).click()
    await owner.page.getByText('Unassigned — in the pool').waitFor()
    return id
  }
  const leadId = await pooled('Pool lead')
  /** `page` clicks Claim in the row `rowOf(page)` and lands on lead `id`'s page. */
  const claimAndOpen = (page, rowOf, id) =>
    Promise.all([
      page.waitForURL(`**/o/${slug}/leads/${id}`),
      rowOf(page)
        .getByRole('button', { name: /^Claim/ })
        .click(),
    ])
  /** `page` is told who won its lost claim and stays on the pool. */
  const toldAnnWon = async (page) => {
    await page.locator('#page-alert').getByText('Already claimed by Ann Agent').waitFor()
    assert.equal(new URL(page.url()).pathname, `/o/${slug}/pool`)
  }

  // Both Agents look at the pool; Ben has a second tab whose live stream never connects (it stays stale).
  const row = (page) => page.locator(`#pool-list tr[data-lead-id="${leadId}"]`)
  const connected = (page) =>
    page.waitForEvent('websocket', (ws) => new URL(ws.url()).pathname === `/o/${slug}/pool/live`)
  const benLive = connected(ben.page)
  await ben.page.goto(appUrl(ben.page, `/o/${slug}/pool`))
  await row(ben.page).waitFor()
  await benLive
  const stale = await ben.context.newPage()
  await stale.routeWebSocket(/\/pool\/live$/, () => {}) // answered by nobody: no updates reach this tab
  await stale.goto(appUrl(ben.page, `/o/${slug}/pool`))
  await row(stale).waitFor()
  await ann.page.goto(appUrl(ann.page, `/o/${slug}/pool`))

  // Ann claims it and lands on the lead.
  await claimAndOpen(ann.page, row, leadId)

  // Within 2 s the lead is gone from Ben's live pool.
  await row(ben.page).waitFor({ state: 'detached', timeout: 2000 })

  // On the stale tab the button is still there; Ben's click is refused, he stays on the pool and is told who won.
  await row(stale)
    .getByRole('button', { name: /^Claim/ })
    .click()
  await toldAnnWon(stale)
  await screenshot(stale, 'pool-lost-claim')

  // The race: Ben clicks Claim on a second lead, but his request is slow; Ann claims it meanwhile, the live
  // update removes the row Ben clicked, and his refusal still reaches his page's alert region.
  const secondId = await pooled('Raced lead')
  const raced = (page) => page.locator(`#pool-list tr[data-lead-id="${secondId}"]`)
  await raced(ben.page).waitFor()
  let release
  const held = new Promise((resolve) => (release = resolve))
  await ben.page.route(`**/leads/${secondId}/claim*`, async (route) => {
    await held
    await route.continue()
  })
  await raced(ben.page)
    .getByRole('button', { name: /^Claim/ })
    .click()
  await ann.page.goto(appUrl(ann.page, `/o/${slug}/pool`))
  await claimAndOpen(ann.page, raced, secondId)
  await raced(ben.page).waitFor({ state: 'detached', timeout: 2000 })
  release()
  await toldAnnWon(ben.page)

  // Ben reads a pool lead's page; Ann claims it: Ben's page says he can no longer see it, at once.
  const thirdId = await pooled('Watched lead')
  await ben.page.goto(appUrl(ben.page, `/o/${slug}/leads/${thirdId}`))
  await ann.page.goto(appUrl(ann.page, `/o/${slug}/leads/${thirdId}`))
  await ann.page.locator('#presence li', { hasText: 'Ben Agent' }).waitFor()
  await Promise.all([
    ann.page.waitForURL(`**/o/${slug}/leads/${thirdId}`),
    ann.page.getByRole('button', { name: /^Claim/ }).click(),
  ])
  await ben.page
    .locator('#page-alert')
    .getByText('Access ended: you can no longer see this lead.')
    .waitFor({ timeout: 5000 })
  assert.equal(await ben.page.locator('#presence li').count(), 0)

  // Ben watches the pool; the Owner closes it to Agents: Ben's page says his access ended, at once, and stays so
  // (the page does not reconnect a socket closed for access).
  const benPool = connected(ben.page)
  await ben.page.goto(appUrl(ben.page, `/o/${slug}/pool`))
  const socket = await benPool
  await owner.page.goto(appUrl(owner.page, `/o/${slug}/settings`))
  await owner.page.locator('input[name=poolEnabled]').uncheck()
  await owner.page.getByRole('button', { name: 'Save settings' }).click()
  await owner.page.waitForURL(/saved=1/)
  const ended = ben.page.locator('#page-alert [role=alert]')
  await ended.getByText('Access ended: you can no longer see the pool.').waitFor({ timeout: 2000 })
  assert.ok(socket.isClosed())
  assert.match(await ended.textContent(), /This page no longer updates live; reload to see where you stand\./)
  await screenshot(ben.page, 'pool-access-ended')

  assert.deepEqual(unexpected(owner.problems), [])
  assert.deepEqual(unexpected(ann.problems), [])
  assert.deepEqual(unexpected(ben.problems), [])
})
