// Shared set-up of the browser tests (test/e2e/*.e2e.mjs): one headless Chromium per test file,
// a fresh context (own cookies) per person, and a watch on every page that collects browser-side
// problems (JavaScript errors, failed requests, unexpected >= 400 answers) for the test to assert on.
// Not a test file itself (run.mjs only runs *.e2e.mjs).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'

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
 * requests and answers >= 400 (except /favicon.ico, which browsers may still ask for although the
 * pages link /favicon.svg, and 422, which answers an invalid form on purpose).
 */
export function watchPage(page, problems = []) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (msg) => {
    // Failed loads are reported by the 'response' handler below, with their URL.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console error: ${msg.text()}`)
  })
  page.on('response', (res) => {
    const { pathname } = new URL(res.url())
    if (res.status() >= 400 && pathname !== '/favicon.ico' && res.status() !== 422) {
      problems.push(`${res.request().method()} ${pathname} answered ${res.status()}`)
    }
  })
  page.on('requestfailed', (req) => problems.push(`${req.method()} ${req.url()} failed: ${req.failure()?.errorText}`))
  return problems
}

/**
 * A fresh browser context (own cookies: a different person) and a watched page in it, with the app
 * as base URL. The context is closed when test `t` ends.
 */
export async function newPage(t) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
  t.after(() => context.close())
  // Remember the URL of the last request htmx swapped in, so a test can wait for one search to settle.
  await context.addInitScript(() => {
    document.addEventListener('htmx:afterSettle', (event) => {
      window.__lastSettledURL = event.detail.xhr?.responseURL || event.detail.pathInfo?.finalRequestPath
    })
  })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.setDefaultNavigationTimeout(20_000)
  // Browser-side errors make a test fail with a clear message instead of a mysterious timeout.
  const problems = watchPage(page)
  return { page, problems, context }
}

/** The rows of the lead list (CONTRACT.md hook). */
export const leadRows = (page) => page.locator('#lead-list tr[data-lead-id]')

/** Saves a full-page screenshot as test-results/{name}.png. */
export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true })
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true })
}
