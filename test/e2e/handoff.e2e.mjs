// Browser test: an Admin transfers a lead from the Owner to an Agent with a handoff note; the Agent
// sees from whom and the note on the lead page and clicks "Got it"; the Owner (the previous owner)
// finds the acknowledgement in their notification feed.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, createLead, inviteAndJoin, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** On the lead page open in `page`, assigns the lead to the member labelled `name`, with `note` if any. */
async function assignOnLeadPage(page, name, note) {
  const form = page.locator('#assignment form[action$="/assign"]')
  await form.locator('select[name=assigneeId]').selectOption({ label: name })
  if (note) await form.locator('textarea[name=note]').fill(note)
  await form.getByRole('button', { name: /^(Assign|Save assignment)$/ }).click()
  await page.locator('#assignment ul.assignees li', { hasText: name }).waitFor()
}

describe('handoff acknowledgement', () => {
  test('an Admin transfers a lead to an Agent with a note; the Agent clicks Got it; the previous owner is told', async (t) => {
    const owner = {
      name: 'Olga Owner',
      email: `olga+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Handoff Co ${runId}`,
    }
    const admin = { name: 'Abel Admin', email: `abel+${runId}@example.com`, password: 'horse staple battery' }
    const agent = { name: 'Aino Agent', email: `aino+${runId}@example.com`, password: 'staple battery horse' }
    const note = `Budget signed off; call before Friday (${runId}).`

    // 1. The Owner signs up and invites an Admin and an Agent.
    const { page: ownerPage } = await newPage(t)
    const slug = await signUp(ownerPage, owner)
    const { page: adminPage } = await inviteAndJoin(t, ownerPage, slug, admin, 'Admin')
    const { page: agentPage, userId: agentId } = await inviteAndJoin(t, ownerPage, slug, agent, 'Agent')

    // 2. The Admin creates a lead, assigns it to the Owner, then transfers it to the Agent with a note.
    const leadId = await createLead(adminPage, slug, { name: `Katherine Johnson ${runId}` })
    await adminPage.goto(appUrl(adminPage, `/o/${slug}/leads/${leadId}`))
    await assignOnLeadPage(adminPage, owner.name)
    await assignOnLeadPage(adminPage, agent.name, note)
    await adminPage.locator(`#assignment [data-assignee-id="${agentId}"]`).waitFor()
    await adminPage.locator('#handoff [data-handoff="waiting"]').waitFor()

    // 3. The Agent opens the lead: from whom, the note, and Got it.
    await agentPage.goto(appUrl(agentPage, `/o/${slug}/leads/${leadId}`))
    const banner = agentPage.locator('#handoff [data-handoff="waiting-for-you"]')
    await banner.waitFor()
    assert.match(await banner.innerText(), new RegExp(`${admin.name} \\(from ${owner.name}\\) handed this lead to you`))
    assert.match(await banner.innerText(), new RegExp(`Handoff note: ${note.replace(/[().]/g, '\\$&')}`))
    await banner.getByRole('button', { name: 'Got it' }).click()
    await agentPage.locator('#handoff [data-handoff="acknowledged"]').waitFor()
    assert.equal(await agentPage.getByRole('button', { name: 'Got it' }).count(), 0, 'Got it is gone once pressed')
    await agentPage.locator('#timeline li[data-activity-type="handoff_acknowledged"]').waitFor()

    // 4. The Owner, who had the lead before, finds the acknowledgement in their feed, unread.
    await ownerPage.goto(appUrl(ownerPage, `/o/${slug}/notifications`))
    const item = ownerPage.locator('#notification-list li[data-notification-id]', {
      hasText: `${agent.name} acknowledged the handoff of`,
    })
    await item.waitFor()
    assert.equal(await item.getAttribute('data-unread'), 'true')
    assert.equal(await item.getByRole('link', { name: `Katherine Johnson ${runId}` }).count(), 1, 'the lead is linked')
    await screenshot(ownerPage, 'handoff-acknowledged-feed')
  })
})
