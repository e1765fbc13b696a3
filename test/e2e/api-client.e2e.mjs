// Browser test: an integration generated from the API's OpenAPI document (openapi-typescript + openapi-fetch,
// test/e2e/api-lifecycle.ts) goes through the lead lifecycle with a key made on the settings page; and the committed
// types (test/e2e/api-types.d.ts) are what the running server's document generates.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { apiTypes, apiTypesFile, fetchDocument } from '../../scripts/api-types.mjs'
import { runLifecycle } from './api-lifecycle.ts'
import { appUrl, baseURL, newPage, runId, signUp, useBrowser } from './browser.mjs'

useBrowser()

describe('a client generated from the OpenAPI document', () => {
  test('test/e2e/api-types.d.ts is what the server’s /api/v1/openapi.json generates', async () => {
    const generated = await apiTypes(await fetchDocument(baseURL))
    assert.ok(
      readFileSync(apiTypesFile, 'utf8') === generated,
      'test/e2e/api-types.d.ts differs from what the API’s document generates: run `npm start`, then `npm run api:types`',
    )
  })

  test('goes through the lead lifecycle with a key made in Settings, each change named after the integration', async (t) => {
    const { page, problems } = await newPage(t)
    const owner = {
      name: 'Ines Integrator',
      email: `ines+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Hooked Up ${runId}`,
    }
    const slug = await signUp(page, owner)
    await page.goto(appUrl(page, `/o/${slug}/settings/api-keys`))
    await page.getByLabel('Name (what uses the key)').fill('Zapier')
    for (const box of await page.getByRole('checkbox').all()) assert.ok(await box.isChecked(), 'every scope is ticked')
    await page.getByRole('button', { name: 'Create a key' }).click()
    const key = (await page.locator('[data-api-key]').innerText()).trim()
    assert.match(key, /^lp_/)

    const activity = await runLifecycle(baseURL, key, owner.name)
    // Each change names the integration, its creation too.
    assert.deepEqual(activity.slice(0, 8), [
      ['communication_logged', 'Zapier'],
      ['note_added', 'Zapier'],
      ['moved_to_pool', 'Zapier'],
      ['unassigned', 'Zapier'],
      ['assigned', 'Zapier'],
      ['status_changed', 'Zapier'],
      ['lead_edited', 'Zapier'],
      ['created', 'Zapier'],
    ])
    assert.deepEqual(problems, [], 'no JavaScript errors or failed requests in the browser')
  })
})
