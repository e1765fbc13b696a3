// Browser test: an Agent's notification badge goes from 0 to 1 after an Admin assigns them a lead,
// without the Agent reloading (htmx polls the badge); the feed's "Mark all read" sets it back to 0.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLead, inviteAndJoin, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

describe('notification badge', () => {
  test('an Agent sees the badge go 0 → 1 without reloading when an Admin assigns them a lead; Mark all read → 0', async (t) => {
    const owner = {
      name: 'Olive Owner',
      email: `olive.n+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Badge Co ${runId}`,
    }
    const admin = { name: 'Ada Admin', email: `ada.n+${runId}@example.com`, password: 'staple battery horse' }
    const agent = { name: 'Zoë Agent', email: `zoe.n+${runId}@example.com`, password: 'battery staple horse' }

    const { page: ownerPage } = await newPage(t)
    const slug = await signUp(ownerPage, owner)
    const { page: adminPage } = await inviteAndJoin(t, ownerPage, slug, admin, 'Admin')
    const { page: agentPage, userId: agentId } = await inviteAndJoin(t, ownerPage, slug, agent, 'Agent')

    // The Agent looks at their list; the badge says 0. From here on the Agent's page must not navigate.
    const badge = agentPage.locator('#notification-count')
    assert.equal((await badge.innerText()).trim(), '0')
    let navigations = 0
    agentPage.on('framenavigated', (frame) => {
      if (frame === agentPage.mainFrame()) navigations++
    })

    // The Admin creates a lead and assigns it to the Agent from the lead page.
    const leadId = await createLead(adminPage, slug, { name: `Grace Hopper ${runId}` })
    await adminPage.locator(`#lead-list tr[data-lead-id="${leadId}"]`).getByRole('link').first().click()
    await adminPage.waitForURL(`**/o/${slug}/leads/${leadId}`)
    const panel = adminPage.locator('#assignment')
    await panel.locator('select[name=assigneeId]').selectOption({ label: agent.name })
    // The assignment and its notification are saved once the post has answered: the 5 s count from there (on a
    // busy machine the post itself can take seconds).
    await Promise.all([
      adminPage.waitForResponse(
        (res) =>
          new URL(res.url()).pathname === `/o/${slug}/leads/${leadId}/assign` && res.request().method() === 'POST',
      ),
      panel.getByRole('button', { name: 'Assign', exact: true }).click(),
    ])

    // Within 5 s, without a reload, the Agent's badge says 1.
    await agentPage
      .waitForFunction(() => document.getElementById('notification-count')?.textContent?.trim() === '1', undefined, {
        timeout: 5_000,
        polling: 100,
      })
      .catch(() => assert.fail('the badge did not change within 5 s of the assignment'))
    assert.equal(navigations, 0, 'the Agent did not reload')
    await panel.locator(`[data-assignee-id="${agentId}"]`).waitFor()
    await screenshot(agentPage, 'notification-badge')

    // The Agent opens the feed: one unread notification, its lead linked; Mark all read → 0.
    await agentPage.getByRole('link', { name: /Notifications/ }).click()
    await agentPage.waitForURL(`**/o/${slug}/notifications`)
    const items = agentPage.locator('#notification-list li[data-notification-id]')
    assert.equal(await items.count(), 1)
    assert.equal(await items.first().getAttribute('data-unread'), 'true')
    assert.match(await items.first().innerText(), new RegExp(`Ada Admin assigned you Grace Hopper ${runId}`))
    await Promise.all([
      agentPage.waitForURL(`**/o/${slug}/notifications`),
      agentPage.getByRole('button', { name: 'Mark all read' }).click(),
    ])
    await agentPage.locator('#notification-list li[data-unread="false"]').waitFor()
    assert.equal((await agentPage.locator('#notification-count').innerText()).trim(), '0')
  })
})
