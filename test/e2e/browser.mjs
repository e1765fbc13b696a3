// Shared set-up of the browser tests (test/e2e/*.e2e.mjs): one headless Chromium per test file,
// a fresh context (own cookies) per person, and a watch on every page that collects browser-side
// problems (JavaScript errors, failed requests, unexpected >= 400 answers) for the test to assert on,
// and steps several tests share (sign up by the emailed link, create a lead, invite someone who joins by
// the emailed link, read links from the dev mailbox).
// Not a test file itself (run.mjs only runs *.e2e.mjs).
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'
import { pollUntil } from './poll.mjs'

export const baseURL = process.env.E2E_BASE_URL
const executablePath = process.env.CHROMIUM_PATH
if (!baseURL || !executablePath) {
  throw new Error('E2E_BASE_URL and CHROMIUM_PATH must be set: run these tests with `npm run test:e2e`.')
}
export const resultsDir = process.env.E2E_RESULTS_DIR || 'test-results'
/** Unique per run, for emails and names: the server's database may outlive one test file. */
export const runId = `${Date.now()}${Math.floor(Math.random() * 1000)}`

let browser

/** Launches Chromium before the file's tests and closes it after them. Call once, at the top level. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    })
  })
  after(async () => {
    await browser?.close()
  })
}

/**
 * Collects browser-side problems of `page` into `problems`: page errors, console errors, failed
 * requests, answers >= 400 (except /favicon.ico, which browsers may still ask for although the
 * pages link /favicon.svg, and 422, which answers an invalid form on purpose), and any page loaded
 * in quirks mode (`document.compatMode` other than `CSS1Compat`: no DOCTYPE).
 */
export function watchPage(page, problems = []) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (msg) => {
    // Failed loads are reported by the 'response' handler below, with their URL; a request htmx saw fail or cut short
    // (which it logs as htmx:afterRequest with htmx:sendError or htmx:sendAbort) by the 'requestfailed' handler.
    const text = msg.text()
    if (msg.type() !== 'error' || text.startsWith('Failed to load resource')) return
    if (/^htmx:(afterRequest|sendError|sendAbort)\b/.test(text)) return
    problems.push(`console error: ${text}`)
  })
  page.on('response', (res) => {
    const { pathname } = new URL(res.url())
    if (res.status() >= 400 && pathname !== '/favicon.ico' && res.status() !== 422) {
      problems.push(`${res.request().method()} ${pathname} answered ${res.status()}`)
    }
  })
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText
    // A navigation cancels the requests of the page it leaves (e.g. its favicon, or a background GET such as the
    // badge poll or the timeline's catch-up): not a failure of the app. An aborted form post still is.
    const background = req.resourceType() !== 'xhr' || req.method() === 'GET'
    if (error === 'net::ERR_ABORTED' && req.resourceType() !== 'document' && background) return
    problems.push(`${req.method()} ${req.url()} failed: ${error}`)
  })
  // Every page must render in standards mode (it starts with <!DOCTYPE html>), never in quirks mode.
  page.on('load', () => {
    const url = page.url()
    page
      .evaluate(() => document.compatMode)
      .then((mode) => {
        if (mode !== 'CSS1Compat') problems.push(`${new URL(url).pathname} renders in quirks mode (${mode})`)
      })
      .catch(() => {}) // navigated on before the check: the next page is checked on its own load
  })
  return problems
}

/**
 * Records every Content-Security-Policy violation in any page of `context` (the `securitypolicyviolation`
 * event, and Chrome's "Refused to ..." console messages) and fails test `t` when it ends if there was one:
 * the app must need no inline script or style, nor anything from another origin.
 */
async function failOnCspViolations(t, context) {
  const violations = []
  await context.exposeBinding('__leadpoolCspViolation', ({ page }, text) => violations.push(`${page.url()}: ${text}`))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__leadpoolCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`,
      )
    })
  })
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`)
  })
  t.after(() => assert.deepEqual(violations, [], 'no Content-Security-Policy violations in the browser'))
  return violations
}

/** Browser contexts opened so far: each gets a client address of its own. */
let contexts = 0

/**
 * A fresh browser context (own cookies: a different person) and a watched page in it, with the app
 * as base URL. The context is closed when test `t` ends; a Content-Security-Policy violation in it
 * fails the test.
 */
export async function newPage(t, { timezoneId } = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId,
  })
  // Each person browses from an address of their own, as people do: the per-address rate limits on the public
  // forms (src/rate-limits.ts) then count one person's attempts, not the whole test run's. Locally the Worker
  // reads the header as sent; on Cloudflare the edge sets it.
  const address = `198.51.100.${++contexts % 250}`
  await context.route(/\/(signup|login|verify-email\/|forgot-password|reset-password\/|invite\/)/, (route) =>
    route.continue({ headers: { ...route.request().headers(), 'cf-connecting-ip': address } }),
  )
  t.after(() => context.close())
  await failOnCspViolations(t, context)
  // Remember the URL of the last request htmx swapped in, so a test can wait for one search to settle. The unread
  // badge's poll and refreshes (every few seconds, and after each live list update) are not such a request: they
  // would overwrite the search's URL before the test sees it.
  await context.addInitScript(() => {
    document.addEventListener('htmx:afterSettle', (event) => {
      const url = event.detail.xhr?.responseURL || event.detail.pathInfo?.finalRequestPath
      if (url && !new URL(url, location.href).pathname.endsWith('/notifications/count')) window.__lastSettledURL = url
    })
  })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.setDefaultNavigationTimeout(20_000)
  // Browser-side errors make a test fail with a clear message instead of a mysterious timeout.
  const problems = watchPage(page)
  return { page, problems, context }
}

/** The rows of the lead list (docs/ARCHITECTURE.md hook). */
export const leadRows = (page) => page.locator('#lead-list tr[data-lead-id]')

/** Saves a full-page screenshot as test-results/{name}.png. */
export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true })
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true })
}

// ---- Shared steps (sign up, leads, invitations) -----------------------------------------------
// Invitation links point at APP_URL (`http://localhost:{port}` under `npm start`), which is another
// origin than E2E_BASE_URL (127.0.0.1): a person who joined by a link has their session cookie on
// that origin only. So these steps only click, and pages are opened with appUrl(page, path), which
// keeps the origin the page is on, never page.goto('/relative').

/** How long an email may take to show up in the dev mailbox (queue consumer). */
export const MAIL_TIMEOUT_MS = 15_000

/** `path` on the origin `page` is on now (so its session cookie goes along). */
export const appUrl = (page, path) => new URL(path, page.url()).href

/**
 * Signs up a new person with a new organization (they become its Owner) as a person does: the form,
 * then the link of the email in /_dev/mail, then "Finish sign-up". Answers the organization's slug.
 * The emailed link points at APP_URL (another origin than E2E_BASE_URL, see above): its path is opened
 * on the origin the page is on, so the session cookie lands where the rest of the test goes on.
 */
export async function signUp(page, person) {
  await page.goto('/signup')
  await page.locator('input[name=name]').fill(person.name)
  await page.locator('input[name=email]').fill(person.email)
  await page.locator('input[name=password]').fill(person.password)
  await page.locator('input[name=organization]').fill(person.organization)
  await page.getByRole('button', { name: 'Create organization' }).click()
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()
  const { link } = await emailedLink(page, person.email, '/verify-email/')
  await page.goto(appUrl(page, new URL(link).pathname))
  await page.getByRole('heading', { level: 1, name: 'Finish sign-up' }).waitFor()
  await Promise.all([
    page.waitForURL(/\/o\/[^/]+\/leads$/),
    page.getByRole('button', { name: 'Finish sign-up' }).click(),
  ])
  const slug = new URL(page.url()).pathname.split('/')[2]
  assert.ok(slug, `no organization slug in ${page.url()}`)
  return slug
}

/**
 * Creates a lead through the "New lead" form, starting from the lead list, and comes back to the
 * list ("All leads"). Answers the new lead's id.
 */
export async function createLead(page, slug, lead) {
  // The button on the page; the navigation bar has a link with the same name.
  await page.getByRole('main').getByRole('link', { name: 'New lead' }).click()
  await page.waitForURL(`**/o/${slug}/leads/new`)
  await page.locator('input[name=name]').fill(lead.name)
  if (lead.email) await page.locator('input[name=email]').fill(lead.email)
  if (lead.company) await page.locator('input[name=company]').fill(lead.company)
  if (lead.phone) await page.locator('input[name=phone]').fill(lead.phone)
  await Promise.all([
    page.waitForURL(new RegExp(`/o/${slug}/leads/(?!new$)[^/]+$`)),
    page.getByRole('button', { name: 'Create lead' }).click(),
  ])
  const leadId = new URL(page.url()).pathname.split('/').pop()
  await page.getByRole('heading', { level: 1, name: lead.name }).waitFor()
  await page.getByRole('link', { name: 'All leads' }).click()
  await page.waitForURL(`**/o/${slug}/leads`)
  await page.locator(`#lead-list tr[data-lead-id="${leadId}"]`).waitFor()
  return leadId
}

/**
 * Uploads `csv` (text, UTF-8) as the file `fileName` on organization `slug`'s import page and waits for the
 * mapping step.
 */
export async function uploadCsv(page, slug, fileName, csv) {
  await page.goto(appUrl(page, `/o/${slug}/leads/import`))
  await page.locator('input[type=file][name=file]').setInputFiles({
    name: fileName,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  })
  await Promise.all([page.waitForURL(/\/leads\/import\/[^/]+$/), page.getByRole('button', { name: 'Import' }).click()])
  await page.locator('#import-mapping').waitFor()
}

/**
 * Opens the dev mailbox and reloads it until the newest email to `address` has been handled by the
 * queue consumer (status `captured`: no RESEND_API_KEY in tests) and carries a link whose path starts
 * with `prefix` (e.g. `/invite/`, `/verify-email/`, `/reset-password/`). Answers that link (absolute,
 * as written in the email) and the email's <article>. Fails after MAIL_TIMEOUT_MS saying what it saw.
 */
export async function emailedLink(page, address, prefix) {
  const to = address.trim().toLowerCase() // the outbox keeps normalized addresses
  const { links, article } = await pollUntil(
    `a processed email with a ${prefix} link to ${to} in /_dev/mail`,
    async () => {
      await page.goto(appUrl(page, '/_dev/mail'))
      await page.getByRole('heading', { level: 1, name: 'Dev mailbox' }).waitFor()
      const article = page.locator(`article[data-email-to="${to}"]`).first() // newest first
      if ((await article.count()) === 0) throw new Error('no email to this address')
      const status = await article.getAttribute('data-status')
      const links = await article.locator(`a[href*="${prefix}"]`).evaluateAll((as) => as.map((a) => a.href))
      if (status !== 'captured' || links.length === 0) throw new Error(`status ${status}, ${links.length} link(s)`)
      return { links, article }
    },
    { timeoutMs: MAIL_TIMEOUT_MS, intervalMs: 500 },
  )
  assert.equal(new Set(links).size, 1, `one ${prefix} link in the email: ${links.join(', ')}`)
  return { link: links[0], article }
}

/** The invitation link of the newest email to `address` in the dev mailbox (see `emailedLink`). */
export function invitationLink(page, address) {
  return emailedLink(page, address, '/invite/')
}

/**
 * The Owner or Admin on `inviterPage` invites `person` ({ name, email, password }) as `role`
 * ('Agent', 'Admin', as labelled on the Team page); the invitee opens the emailed link in a fresh
 * browser context of their own (closed when test `t` ends), creates an account and lands on the
 * organization's lead list. The inviter ends on the Team page, with the new member listed.
 * Answers the invitee's watched { page, problems, context } and their user id.
 */
export async function inviteAndJoin(t, inviterPage, slug, person, role) {
  await inviterPage.getByRole('navigation').getByRole('link', { name: 'Team', exact: true }).click()
  await inviterPage.waitForURL(`**/o/${slug}/team`)
  const invite = inviterPage.locator(`form[action="/o/${slug}/team/invitations"]`)
  await invite.locator('input[name=email]').fill(person.email)
  await invite.locator('select[name=role]').selectOption({ label: role })
  await Promise.all([
    inviterPage.waitForURL((url) => url.pathname === `/o/${slug}/team` && url.searchParams.get('done') === 'invited'),
    invite.getByRole('button', { name: 'Send invitation' }).click(),
  ])
  await inviterPage.locator(`#invitation-list tr[data-invitation-email="${person.email}"]`).waitFor()
  const { link } = await invitationLink(inviterPage, person.email)

  const invitee = await newPage(t)
  await invitee.page.goto(link)
  await invitee.page.getByRole('heading', { level: 1, name: /^Join / }).waitFor()
  assert.equal(
    await invitee.page.locator('input[type=email]').inputValue(),
    person.email,
    'the form shows the invited address',
  )
  await invitee.page.locator('input[name=name]').fill(person.name)
  await invitee.page.locator('input[name=password]').fill(person.password)
  await Promise.all([
    invitee.page.waitForURL((url) => url.pathname === `/o/${slug}/leads`),
    invitee.page.getByRole('button', { name: 'Create account and join' }).click(),
  ])
  await invitee.page.locator('#lead-list').waitFor()

  await inviterPage.goto(appUrl(inviterPage, `/o/${slug}/team`))
  const member = inviterPage.locator(`#team-list tr[data-member-email="${person.email}"]`)
  await member.waitFor()
  const userId = await member.getAttribute('data-member-id')
  assert.ok(userId, `no data-member-id on the Team row of ${person.email}`)
  return { ...invitee, userId }
}
