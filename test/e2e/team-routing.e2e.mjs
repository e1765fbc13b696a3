// The team page's routing fold (issue #27) on a laptop (1280×800) and a phone (390×844): an Owner opens a member's
// "Routing and away", sets weight 2 and a cap, marks them away and back, and sets working hours; the routing page
// shows the balance per member. The pages never scroll sideways, their buttons and tables stay on screen, and
// axe-core (WCAG 2.1 A and AA) finds nothing serious or critical.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, createLead, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'
import { fits, seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

describe('the team page sets routing weight, cap and away', () => {
  it('fits 1280 and 390 px with the fold open, and passes axe-core', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Rhea Router',
      email: `team-routing-${runId}@example.com`,
      password: 'team-routing-password',
      organization: `Routing Co ${runId}`,
    })
    const failures = []
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(appUrl(page, `/o/${slug}/team`))
      const row = page.locator('#team-list tbody tr').first()
      await row.getByText('Routing and away').click()
      await row.getByLabel('Routing weight of Rhea Router').selectOption('2')
      await row.getByLabel('Routing cap of Rhea Router').fill('7')
      failures.push(...(await fits(page, viewport, row.getByRole('button', { name: 'Save routing' }))))
      failures.push(...(await fits(page, viewport, row.getByRole('button', { name: 'Mark Rhea Router away' }))))
      for (const v of await seriousViolations(page)) failures.push(`${viewport.name}: ${v}`)
      await screenshot(page, `team-routing-${viewport.name}`)
      await Promise.all([
        page.waitForURL('**/team?done=routing'),
        row.getByRole('button', { name: 'Save routing' }).click(),
      ])
      await page.getByRole('status').filter({ hasText: 'Routing weight and cap saved.' }).waitFor()
      assert.equal((await row.locator('[data-routing-share]').textContent()).trim(), 'weight 2, cap 7')
      await row.getByText('Routing and away').click()
      await Promise.all([
        page.waitForURL('**/team?done=away'),
        row.getByRole('button', { name: 'Mark Rhea Router away' }).click(),
      ])
      assert.equal((await row.locator('[data-away]').textContent()).trim(), 'Away until back')
      await row.getByText('Routing and away').click()
      await Promise.all([
        page.waitForURL('**/team?done=back'),
        row.getByRole('button', { name: 'Mark Rhea Router back' }).click(),
      ])
      assert.equal(await row.locator('[data-away]').count(), 0)
    }
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })

  it('the routing page shows the balance per member, fits 1280 and 390 px and passes axe-core', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Rita Routed',
      email: `routing-page-${runId}@example.com`,
      password: 'routing-page-password',
      organization: `Balance Co ${runId}`,
    })
    // Round-robin over the owner alone, then a lead typed in: routed to her.
    await page.goto(appUrl(page, `/o/${slug}/settings/pool`))
    await page.locator('input[name=routing][value=round_robin]').check()
    await page.locator('input[name=routingMemberIds]').first().check()
    await Promise.all([
      page.waitForURL('**/settings/pool?saved=1'),
      page.getByRole('button', { name: 'Save settings' }).click(),
    ])
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await createLead(page, slug, { name: 'Balance Lead' })
    // Working hours in the team page's fold, with it open: still fits and passes axe-core.
    const failures = []
    await page.goto(appUrl(page, `/o/${slug}/team`))
    const row = page.locator('#team-list tbody tr').first()
    await row.getByText('Routing and away').click()
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      failures.push(...(await fits(page, viewport, row.getByRole('button', { name: 'Save working hours' }))))
      for (const v of await seriousViolations(page)) failures.push(`team ${viewport.name}: ${v}`)
      await screenshot(page, `team-working-hours-${viewport.name}`)
    }
    await row.getByLabel('Route leads to Rita Routed only in working hours (UTC)').check()
    await Promise.all([
      page.waitForURL('**/team?done=hours'),
      row.getByRole('button', { name: 'Save working hours' }).click(),
    ])
    await page.getByRole('status').filter({ hasText: 'Working hours saved' }).waitFor()
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(appUrl(page, `/o/${slug}/routing`))
      assert.equal(await page.locator(`nav[aria-label="Main"] a[href="/o/${slug}/routing"]`).count(), 1)
      await page.getByRole('link', { name: '7 days' }).click()
      await page.waitForURL('**/routing?days=7')
      const member = page.locator('#routing-balance tbody tr').first()
      assert.equal((await member.locator('[data-routed]').textContent()).trim(), '1')
      assert.equal((await member.locator('[data-expected]').textContent()).trim(), '1.0')
      failures.push(...(await fits(page, viewport, member.locator('[data-skipped="deactivated"]'))))
      for (const v of await seriousViolations(page)) failures.push(`routing ${viewport.name}: ${v}`)
      await screenshot(page, `routing-page-${viewport.name}`)
    }
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })
})
