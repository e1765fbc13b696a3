// The dashboard (src/dashboard/) on a laptop (1280×800) and a phone (390×844), with every chart's table opened: no
// sideways scrolling of the page (a wide table scrolls inside its own region), the filters' button on screen, and
// no serious or critical axe-core violation (WCAG 2.1 A and AA). Saves a screenshot of each.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, createLead, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'
import { fits, seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

describe('the dashboard fits a laptop and a phone, and passes axe-core', () => {
  it('charts, their tables and the filters', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Dora Dashboard',
      email: `dashboard-owner-${runId}@example.com`,
      password: 'dashboard-owner-password',
      organization: `Dashboard Co ${runId}`,
    })
    for (let i = 0; i < 3; i++) await createLead(page, slug, { name: `Dashboard Lead ${i}` })
    const failures = []
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(appUrl(page, `/o/${slug}/dashboard?period=90`))
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
      for (const summary of await page.locator('details.chart-table > summary').all()) await summary.click()
      await page.locator('#chart-arrivals table').waitFor()
      failures.push(...(await fits(page, viewport, page.getByRole('button', { name: 'Show' }))))
      for (const v of await seriousViolations(page)) failures.push(`${viewport.name}: ${v}`)
      await screenshot(page, `layout-dashboard-${viewport.name}`)
    }
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })
})
