// Browser test: upload a CSV file → the mapping step (one column's field changed) → the report → undo.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, leadRows, newPage, runId, screenshot, signUp, uploadCsv, useBrowser } from './browser.mjs'

useBrowser()

describe('import', () => {
  test('upload, map an unknown column, read the report, undo', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Ivan Importer',
      email: `ivan+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Import Co ${runId}`,
    })
    const csv = [
      'Person - Name,Contact Mail,Organization - Name',
      `Ana Import,ana+${runId}@example.org,Acme`,
      `Bo Import,bo+${runId}@example.org,Beta`,
      `Cy Import,cy+${runId}@example.org,Gamma`,
    ].join('\r\n')

    await uploadCsv(page, slug, 'crm-export.csv', csv)

    // The mapping step: "Contact Mail" is not recognised, so it is listed as not imported.
    assert.equal(await page.locator('#not-imported li').count(), 1)
    assert.equal(await page.locator('#not-imported li').innerText(), 'Contact Mail')
    const mail = page.locator('tr[data-header="Contact Mail"] select[name=column]')
    assert.equal(await mail.inputValue(), '')
    assert.equal(
      await page.locator('tr[data-header="Organization - Name"] select[name=column]').inputValue(),
      'company',
    )
    await mail.selectOption('email')
    await screenshot(page, 'import-mapping')
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('#import-mapping').getByRole('button', { name: 'Import' }).click(),
    ])

    // The report.
    await page.locator('#import-status[data-status="done"]').waitFor()
    assert.equal(await page.locator('[data-count="created"]').innerText(), '3')
    await screenshot(page, 'import-report')
    const jobUrl = page.url()

    await page.goto(appUrl(page, `/o/${slug}/leads`))
    assert.equal(await leadRows(page).count(), 3)
    assert.ok((await page.locator('#lead-list').innerText()).includes(`ana+${runId}@example.org`))

    // Undo.
    await page.goto(jobUrl)
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Undo this import' }).click()])
    await page.locator('#undo-status[data-undo-status="done"]').waitFor()
    assert.equal(await page.locator('[data-count="archived"]').innerText(), '3')
    assert.equal(await page.locator('[data-count="kept"]').innerText(), '0')
    await screenshot(page, 'import-undone')
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    assert.equal(await leadRows(page).count(), 0)
    await page.goto(appUrl(page, `/o/${slug}/leads?archived=1`))
    assert.equal(await leadRows(page).count(), 3)

    assert.deepEqual(problems, [], 'no JavaScript errors or failed requests in the browser')
  })
})
