// The dashboard (src/dashboard/) on a laptop (1280×800) and a phone (390×844), with every chart's table opened: no
// sideways scrolling of the page (a wide table scrolls inside its own region), the filters' button on screen, and
// no serious or critical axe-core violation (WCAG 2.1 A and AA). Saves a screenshot of each.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import AxeBuilder from '@axe-core/playwright'
import { appUrl, createLead, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]

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
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }))
      if (scrollWidth > innerWidth)
        failures.push(`${viewport.name}: ${scrollWidth} px wide in a ${innerWidth} px window`)
      const show = page.getByRole('button', { name: 'Show' })
      await show.scrollIntoViewIfNeeded()
      const box = await show.boundingBox()
      if (!box || box.x < 0 || box.x + box.width > viewport.width)
        failures.push(`${viewport.name}: the filters' button is outside the viewport (${JSON.stringify(box)})`)
      const { violations } = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze()
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        failures.push(
          `${viewport.name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
        )
      await screenshot(page, `layout-dashboard-${viewport.name}`)
    }
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })
})
