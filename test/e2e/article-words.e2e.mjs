// The help article's troubleshooting words as only a browser can check them (issue #24, item 8): the bulk bar stays
// in view while rows below the fold are ticked, on a laptop (1280×800) and a phone (390×844), without taking over the
// phone's screen; and the Import page, once it lists recent imports, does not scroll sideways on a phone.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { appUrl, newPage, resultsDir, runId, screenshot, signUp, uploadCsv, useBrowser } from './browser.mjs'
import { VIEWPORTS } from './layout.mjs'

useBrowser()

/** A CSV of `n` leads, each with a name and an email of this run. */
function leadsCsv(n) {
  const rows = Array.from({ length: n }, (_, i) => `Scroll Lead ${i + 1},scroll.${i + 1}.${runId}@example.com`)
  return ['Name,Email', ...rows].join('\r\n')
}

/** Imports `csv` as `fileName` through the upload, mapping step and report, as a person does. */
async function importCsv(page, slug, fileName, csv) {
  await uploadCsv(page, slug, fileName, csv)
  await page.getByRole('button', { name: 'Import' }).click()
  await page.locator('#import-status[data-status="done"]').waitFor()
}

describe('Troubleshooting: "Assignment not updating → refresh the page" (the words a browser shows)', () => {
  it('the bulk bar stays in view when rows below the fold are ticked, and leaves the rows in sight on a phone', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Bea Bulk',
      email: `article-bulk-${runId}@example.com`,
      password: 'article-bulk-password',
      organization: `Bulk Words Co ${runId}`,
    })
    await importCsv(page, slug, 'scroll-leads.csv', leadsCsv(30))
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(appUrl(page, `/o/${slug}/leads`))
      const boxes = page.locator('#lead-list input[name="leadIds"]')
      await boxes.first().check()
      const bar = page.getByRole('group', { name: 'Bulk actions' })
      await bar.waitFor()
      // A row far below the fold: scrolled to and ticked, the bar is still on screen, above it.
      const last = boxes.last()
      await last.scrollIntoViewIfNeeded()
      await last.check()
      await page.locator('[data-selected-count]').filter({ hasText: '2 selected' }).waitFor()
      const barBox = await bar.boundingBox()
      const rowBox = await page.locator('#lead-list tr[data-lead-id]').last().boundingBox()
      assert.ok(
        barBox && barBox.y >= 0 && barBox.y < viewport.height,
        `the bar is on screen: ${JSON.stringify(barBox)}`,
      )
      assert.ok(
        barBox.height <= viewport.height / 3 + 1,
        `${viewport.name}: the bar takes at most a third of the window (${barBox.height} px of ${viewport.height})`,
      )
      assert.ok(rowBox && rowBox.y + rowBox.height > barBox.y + barBox.height, 'the ticked row shows below the bar')
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }))
      assert.ok(scrollWidth <= innerWidth, `${viewport.name}: no sideways scroll (${scrollWidth} px)`)
      // The window as the person sees it, the bar stuck at its top.
      await page.screenshot({ path: join(resultsDir, `article-bulk-bar-${viewport.name}.png`) })
      await last.uncheck()
      await boxes.first().uncheck()
    }
    assert.deepEqual(problems, [])
  })

  it('the Import page does not scroll sideways on a 390 px phone once it lists recent imports', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Ida Import',
      email: `article-import-${runId}@example.com`,
      password: 'article-import-password',
      organization: `Import Words Co ${runId}`,
    })
    await importCsv(page, slug, 'spring-trade-fair-visitors-export-from-the-booth-scanner.csv', leadsCsv(3))
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(appUrl(page, `/o/${slug}/leads/import`))
    await page.locator('#import-list tbody tr').first().waitFor()
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }))
    await screenshot(page, 'article-import-list-phone')
    assert.ok(scrollWidth <= innerWidth, `no sideways scroll: ${scrollWidth} px in a ${innerWidth} px window`)
    assert.deepEqual(problems, [])
  })
})
