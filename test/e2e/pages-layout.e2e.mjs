// The pages a sales team lives in, on a laptop (1280×800) and a phone (390×844): no sideways scrolling
// (`document.documentElement.scrollWidth <= innerWidth`), each page's main action on screen, and no
// serious or critical accessibility violation found by axe-core (WCAG 2.1 A and AA rules; axe's script
// ships inside the @axe-core/playwright package, nothing is fetched).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  appUrl,
  createLead,
  inviteAndJoin,
  newPage,
  runId,
  screenshot,
  signUp,
  uploadCsv,
  useBrowser,
} from './browser.mjs'
import { fits, seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

/**
 * Checks the page at `path` in every viewport: no horizontal overflow, `action` (a locator factory)
 * visible inside the viewport once scrolled to, no serious axe violation. Saves a screenshot of each.
 */
async function checkPage(page, name, path, action) {
  const failures = []
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport)
    await page.goto(page.url().startsWith('http') ? appUrl(page, path) : path)
    await page.locator('main').waitFor()
    for (const failure of await fits(page, viewport, action(page), { whole: true }))
      failures.push(`${name} at ${failure}`)
    for (const violation of await seriousViolations(page)) failures.push(`${name} at ${viewport.name}: ${violation}`)
    await screenshot(page, `layout-${name}-${viewport.name}`)
  }
  return failures
}

describe('pages fit a laptop and a phone, and pass axe-core', () => {
  it('sign-up and log-in pages', async (t) => {
    const { page, problems } = await newPage(t)
    const failures = [
      ...(await checkPage(page, 'signup', '/signup', (p) => p.getByRole('button', { name: 'Create organization' }))),
      ...(await checkPage(page, 'login', '/login', (p) => p.getByRole('button', { name: 'Log in' }))),
    ]
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })

  it('list, lead page, pool, team, settings (webhooks too), import, notifications, preferences and tasks, for an Owner and an Agent', async (t) => {
    const { page, problems } = await newPage(t)
    const owner = {
      name: 'Olga Owner',
      email: `layout-owner-${runId}@example.com`,
      password: 'layout-owner-password',
      organization: `Layout Co ${runId}`,
    }
    const slug = await signUp(page, owner)
    // Long values must wrap rather than widen the page.
    const leadId = await createLead(page, slug, {
      name: 'Maximiliana Alexandrovna Featherstonehaugh-Wolfeschlegelsteinhausen',
      email: `maximiliana.featherstonehaugh.${runId}@a-very-long-company-domain-name.example.com`,
      company: 'International Business Consolidated Holdings & Partners',
      phone: '+44 20 7946 0958',
    })
    for (let i = 0; i < 3; i++) await createLead(page, slug, { name: `Layout Lead ${i}`, company: `Company ${i}` })
    const agent = await inviteAndJoin(
      t,
      page,
      slug,
      { name: 'Ava Agent', email: `layout-agent-${runId}@example.com`, password: 'layout-agent-password' },
      'Agent',
    )
    // Open the pool to Agents and put one lead in it.
    await page.goto(appUrl(page, `/o/${slug}/settings`))
    await page.locator('input[name=poolEnabled]').check()
    await page.getByRole('button', { name: /save/i }).click()
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor()
    await page.goto(appUrl(page, `/o/${slug}/leads/${leadId}`))
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Put in the pool' }).click()])
    await page.getByRole('button', { name: 'Take out of the pool' }).waitFor()

    // A webhook endpoint with a long address, and a lead created after it, so its delivery log has a row (the
    // address answers nothing: the row says it failed and is retried).
    await page.goto(appUrl(page, `/o/${slug}/settings/webhooks`))
    await page
      .getByLabel('URL (https://…)')
      .fill(`http://127.0.0.1:9/a-rather-long-path/for-webhooks/from-leadpool/${runId}/receiver?token=abcdefghijklmnop`)
    await page.getByLabel('Description').fill('CRM sync for the whole sales organisation')
    await page.getByRole('button', { name: 'Add the endpoint' }).click()
    await page.locator('[data-webhook-secret]').waitFor()
    const endpointPath = new URL(await page.locator('#webhook-list a').first().getAttribute('href'), page.url())
      .pathname
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await createLead(page, slug, { name: 'Webhook Layout Lead' })

    const main = (p) => p.getByRole('main')
    const failures = [
      ...(await checkPage(page, 'list', `/o/${slug}/leads`, (p) => main(p).getByRole('link', { name: 'New lead' }))),
      ...(await checkPage(page, 'lead', `/o/${slug}/leads/${leadId}`, (p) =>
        p.getByRole('button', { name: 'Update status' }),
      )),
      ...(await checkPage(page, 'pool', `/o/${slug}/pool`, (p) => p.locator('#pool-list button').first())),
      ...(await checkPage(page, 'team', `/o/${slug}/team`, (p) => p.getByRole('button', { name: 'Send invitation' }))),
      ...(await checkPage(page, 'settings', `/o/${slug}/settings`, (p) => p.getByRole('button', { name: /save/i }))),
      ...(await checkPage(page, 'import', `/o/${slug}/leads/import`, (p) => p.getByRole('button', { name: 'Import' }))),
      ...(await checkPage(page, 'lead-edit', `/o/${slug}/leads/${leadId}/edit`, (p) =>
        p.getByRole('button', { name: 'Save changes' }),
      )),
      ...(await checkPage(page, 'notifications', `/o/${slug}/notifications`, (p) =>
        main(p).getByRole('link', { name: 'Notification preferences' }),
      )),
      ...(await checkPage(page, 'preferences', `/o/${slug}/preferences`, (p) =>
        p.getByRole('button', { name: 'Save preferences' }),
      )),
      ...(await checkPage(page, 'tasks', `/o/${slug}/tasks`, (p) => p.getByRole('heading', { name: 'My tasks' }))),
      ...(await checkPage(page, 'settings-pool', `/o/${slug}/settings/pool`, (p) =>
        p.getByRole('button', { name: 'Save settings' }),
      )),
      ...(await checkPage(page, 'settings-speed', `/o/${slug}/settings/speed`, (p) =>
        p.getByRole('button', { name: 'Save settings' }),
      )),
      ...(await checkPage(page, 'settings-intake', `/o/${slug}/settings/intake`, (p) =>
        p.getByRole('button', { name: 'Save', exact: true }),
      )),
      ...(await checkPage(page, 'settings-api-keys', `/o/${slug}/settings/api-keys`, (p) =>
        p.getByRole('button', { name: 'Create a key' }),
      )),
      ...(await checkPage(page, 'settings-webhooks', `/o/${slug}/settings/webhooks`, (p) =>
        p.getByRole('button', { name: 'Add the endpoint' }),
      )),
      ...(await checkPage(page, 'settings-webhook-endpoint', endpointPath, (p) =>
        p.getByRole('button', { name: 'Save the endpoint' }),
      )),
      ...(await checkPage(agent.page, 'agent-list', `/o/${slug}/leads`, (p) =>
        main(p).getByRole('link', { name: 'New lead' }),
      )),
      ...(await checkPage(agent.page, 'agent-pool', `/o/${slug}/pool`, (p) => p.locator('#pool-list button').first())),
      ...(await checkPage(agent.page, 'agent-notifications', `/o/${slug}/notifications`, (p) =>
        main(p).getByRole('link', { name: 'Notification preferences' }),
      )),
      ...(await checkPage(agent.page, 'agent-tasks', `/o/${slug}/tasks`, (p) =>
        p.getByRole('heading', { name: 'My tasks' }),
      )),
      ...(await checkPage(agent.page, 'agent-import', `/o/${slug}/leads/import`, (p) =>
        p.getByRole('button', { name: 'Import' }),
      )),
    ]
    assert.deepEqual(
      { failures, owner: problems, agent: agent.problems },
      { failures: [], owner: [], agent: [] },
      'every page fits both windows, shows its main action and has no serious accessibility violation',
    )
  })

  it('the import mapping step and its report fit a phone: each column a card, every "Goes to" select on screen', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Ines Import',
      email: `layout-import-${runId}@example.com`,
      password: 'layout-import-password',
      organization: `Import Layout Co ${runId}`,
    })
    const csv = [
      'Full Name,Primary Email Address,Company Name,Telephone Number,Lead Status,Acquisition Source Channel,Notes',
      `Ana Mapping,ana.mapping.${runId}@an-exceptionally-long-domain-name.example.com,Acme Worldwide Holdings,+44 20 7946 0958,Warm,Trade fair,Met at the stand`,
      // A company written on two lines, as CRM exports do: kept, and the report says the row was cleaned.
      `Bo Mapping,bo.mapping.${runId}@example.com,"Beta\r\nHoldings",+1 555 0100,Cold,Website,`,
    ].join('\r\n')
    await page.setViewportSize({ width: 390, height: 844 })
    await uploadCsv(page, slug, 'wide-export.csv', csv)
    const path = new URL(page.url()).pathname
    const layout = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
      boxes: [...document.querySelectorAll('.table-scroll, #mapping-columns caption')].map((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
      })),
    }))
    assert.ok(layout.page <= layout.window, `no sideways scroll: ${layout.page} px in ${layout.window} px`)
    for (const box of layout.boxes)
      assert.ok(box.scroll <= box.client, `nothing scrolls sideways: ${JSON.stringify(box)}`)
    const selects = page.locator('#import-mapping select')
    assert.ok((await selects.count()) >= 7)
    for (const select of await selects.all()) {
      await select.scrollIntoViewIfNeeded()
      const box = await select.boundingBox()
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `select inside 390 px: ${JSON.stringify(box)}`)
    }
    await screenshot(page, 'layout-import-mapping-phone')
    const failures = await checkPage(page, 'import-mapping', path, (p) => p.getByRole('button', { name: 'Import' }))
    await page.getByRole('button', { name: 'Import' }).click()
    await page.locator('#import-status[data-status="done"]').waitFor()
    assert.match(await page.locator('[data-cleaned-rows]').innerText(), /^1 row of the file had line breaks/)
    failures.push(...(await checkPage(page, 'import-report', path, (p) => p.locator('#undo-import button'))))
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })

  it('the top bar folds into a Menu on a phone and opens to the navigation', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Mona Menu',
      email: `layout-menu-${runId}@example.com`,
      password: 'layout-menu-password',
      organization: `Menu Co ${runId}`,
    })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    const bar = page.locator('header.topbar')
    const closed = await bar.boundingBox()
    assert.ok(closed && closed.height < 80, `the top bar is one line on a phone (${closed?.height} px tall)`)
    const nav = page.getByRole('navigation', { name: 'Main' })
    assert.equal(await nav.isVisible(), false, 'the navigation is folded away')
    await page.getByText('Menu', { exact: true }).click()
    await nav.getByRole('link', { name: 'My tasks' }).click()
    await page.waitForURL(`**/o/${slug}/tasks`)
    await page.getByText('Menu', { exact: true }).click()
    await nav.getByRole('link', { name: 'Team' }).click()
    await page.waitForURL(`**/o/${slug}/team`)
    await page.setViewportSize({ width: 1280, height: 800 })
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), true, 'inline on a laptop')
    assert.equal(await page.getByText('Menu', { exact: true }).isVisible(), false, 'no Menu button on a laptop')
    assert.deepEqual(problems, [])
  })
})
