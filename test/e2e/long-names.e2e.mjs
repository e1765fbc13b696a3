// Long names on a phone (390×844): an organization and a person whose names are one long word each (a company's
// legal name, a double-barrelled surname) must wrap in the top bar, not widen every page past the screen.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, createLead, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

describe('long names fit a phone', () => {
  it('the top bar wraps an organization and a person named with one long word', async (t) => {
    const { page, problems } = await newPage(t)
    await page.setViewportSize({ width: 390, height: 844 })
    const slug = await signUp(page, {
      name: 'Maximiliana Featherstonehaugh-Winterbottom-Smythe',
      email: `long-names-${runId}@example.com`,
      password: 'long-names-password',
      organization: `Featherstonehaugh-Winterbottom-International-Holdings-${runId}`,
    })
    const leadId = await createLead(page, slug, { name: 'Bartholomew-Alexander Featherstonehaugh-Winterbottom' })
    const failures = []
    const org = `/o/${slug}`
    const paths = ['/leads', `/leads/${leadId}`, '/notifications', '/settings', '/team', '/dashboard', '/inbox']
    for (const path of [...paths.map((p) => org + p), '/account']) {
      await page.goto(appUrl(page, path))
      await page.locator('main h1').first().waitFor()
      // The person's name is in the menu a phone opens.
      await page.getByText('Menu', { exact: true }).click()
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }))
      if (scrollWidth > innerWidth) {
        failures.push(`${path}: ${scrollWidth} px wide in a ${innerWidth} px window`)
        await screenshot(page, `long-names-too-wide-${failures.length}`)
      }
    }
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await screenshot(page, 'long-names-phone')
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })
})
