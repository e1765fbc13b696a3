// Browser test: an email BCC'd to the organization's inbound address appears live on the open lead page (no reload),
// delivered through the local endpoint `wrangler dev` exposes for the Worker's email handler
// (`POST /cdn-cgi/local/email?from=…&to=…`, README "Inbound email"); an email from a stranger waits in Unmatched email,
// whose page fits 1280 px and 390 px windows and passes axe-core (WCAG 2.1 A and AA, serious and critical).
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { baseURL, createLead, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'
import { seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

/** Delivers `raw` (an RFC 5322 message) to `to` from `from` as Email Routing would, locally. */
async function deliver(from, to, raw) {
  const url = new URL('/cdn-cgi/local/email', baseURL)
  url.searchParams.set('from', from)
  url.searchParams.set('to', to)
  const res = await fetch(url, { method: 'POST', body: raw.replace(/\r?\n/g, '\r\n') })
  assert.equal(res.status, 200, `local email endpoint answered ${res.status}: ${await res.text()}`)
}

/** A plain message with a fresh Message-ID. */
const message = ({ from, to, subject, text }) =>
  [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <e2e.${runId}.${Math.random()}@mail.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\n')

describe('inbound email', () => {
  test('a BCC shows on the open lead page live; an unknown sender waits in Unmatched email', async (t) => {
    const ana = {
      name: 'Ana Inbox',
      email: `ana.inbound+${runId}@example.com`,
      password: 'correct horse battery',
      // Short names: the top bar names the person and the organization, and long ones widen it on a phone.
      organization: `Inbox ${runId.slice(-3)}`,
    }
    const { page, context } = await newPage(t)
    // The lead page's socket opened (htmx's ws extension): from then on a change arrives live.
    await context.addInitScript(() => document.addEventListener('htmx:wsOpen', () => (window.__liveOpen = true)))
    const slug = await signUp(page, ana)
    const prospect = `prospect+${runId}@example.org`
    const leadId = await createLead(page, slug, { name: `Pat ${runId}`, email: prospect })

    await page.goto(`/o/${slug}/settings/email`)
    await page.getByRole('button', { name: 'Create the address' }).click()
    const address = await page.locator('[data-inbound-address]').getAttribute('data-inbound-address')
    assert.match(address, /@/)

    // The lead page is open, its live socket connected, when the email arrives.
    await page.goto(`/o/${slug}/leads/${leadId}`)
    await page.waitForFunction(() => window.__liveOpen === true)
    await page.evaluate(() => (window.__notReloaded = true))
    await deliver(
      ana.email,
      address,
      message({ from: `${ana.name} <${ana.email}>`, to: prospect, subject: `Proposal ${runId}`, text: 'Here it is.' }),
    )
    await page.locator('#communications [data-communication-id]', { hasText: `Proposal ${runId}` }).waitFor()
    await page.locator('#timeline-items li', { hasText: 'An email to this lead was logged by itself' }).waitFor()
    assert.ok(await page.evaluate(() => window.__notReloaded === true), 'the email appeared without a reload')

    const stranger = `stranger+${runId}@example.net`
    await deliver(
      stranger,
      address,
      message({ from: stranger, to: address, subject: `Hello ${runId}`, text: '<b>not bold</b>' }),
    )
    await page.goto(`/o/${slug}/inbox`)
    const entry = page.locator('[data-unmatched-email]', { hasText: `Hello ${runId}` })
    await entry.waitFor()
    assert.match(await entry.locator('[data-unmatched-reason]').innerText(), /is not a member/)

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(`/o/${slug}/inbox`)
      await entry.waitFor()
      await screenshot(page, `inbound-email-inbox-${viewport.name}`)
      const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        wide: [...document.querySelectorAll('main *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
          .map((el) => el.tagName),
      }))
      assert.ok(scrollWidth <= innerWidth, `Unmatched email at ${viewport.name}: ${scrollWidth} px wide (${wide})`)
      assert.deepEqual(await seriousViolations(page), [], `axe at ${viewport.name}`)
    }
  })
})
