// Browser test: an Owner invites an Agent by email; the Agent joins through the link in the dev
// mailbox and sees only their own leads, while the Owner sees everyone's.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLead, invitationLink, leadRows, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

describe('team invitations', () => {
  test('an Owner invites an Agent, who joins by the emailed link and sees only their own leads', async (t) => {
    const owner = {
      name: 'Olive Owner',
      email: `olive+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Invite Co ${runId}`,
    }
    const agent = { name: 'Arlo Agent', email: `arlo+${runId}@example.com`, password: 'staple battery horse' }
    const ownerLeads = [
      { name: `Ada Lovelace ${runId}`, email: `ada+${runId}@example.org`, company: 'Analytical Engines' },
      { name: `Charles Babbage ${runId}`, email: `charles+${runId}@example.org`, company: 'Difference Ltd' },
    ]
    const agentLead = {
      name: `Katherine Johnson ${runId}`,
      email: `katherine+${runId}@example.org`,
      company: 'Orbital Maths',
    }

    // 1. The Owner signs up and adds two leads.
    const { page: ownerPage, problems: ownerProblems } = await newPage(t)
    const slug = await signUp(ownerPage, owner)
    assert.equal(await leadRows(ownerPage).count(), 0, 'a new organization has no leads')
    for (const lead of ownerLeads) await createLead(ownerPage, slug, lead)
    assert.equal(await leadRows(ownerPage).count(), 2)

    // 2. Team page: invite the Agent.
    await ownerPage.getByRole('navigation').getByRole('link', { name: 'Team', exact: true }).click()
    await ownerPage.waitForURL(`**/o/${slug}/team`)
    const invite = ownerPage.locator(`form[action="/o/${slug}/team/invitations"]`)
    await invite.locator('input[name=email]').fill(agent.email)
    await invite.locator('select[name=role]').selectOption({ label: 'Agent' })
    await Promise.all([
      ownerPage.waitForURL((url) => url.pathname === `/o/${slug}/team` && url.searchParams.get('done') === 'invited'),
      invite.getByRole('button', { name: 'Send invitation' }).click(),
    ])
    await ownerPage.getByRole('status').filter({ hasText: 'Invitation sent' }).waitFor()
    const pending = ownerPage.locator(`#invitation-list tr[data-invitation-email="${agent.email}"]`)
    await pending.waitFor()
    assert.match(await pending.innerText(), /\bAgent\b/, 'the pending invitation shows the role')

    // 3. The dev mailbox has the invitation email with its link.
    const { link } = await invitationLink(ownerPage, agent.email)
    assert.match(new URL(link).pathname, /^\/invite\/[^/]+$/, `invitation link ${link}`)
    await screenshot(ownerPage, 'dev-mailbox')

    // 4. The invitee, in a browser of their own (no cookies), follows the link and creates an account.
    // The link is used exactly as the email wrote it (APP_URL, `http://localhost:{port}` under
    // `npm start`), which may be another origin than E2E_BASE_URL (127.0.0.1): from here on the Agent
    // only clicks, never page.goto('/relative'), so their session cookie always goes along.
    const { page: agentPage, problems: agentProblems } = await newPage(t)
    await agentPage.goto(link)
    await agentPage.getByRole('heading', { level: 1, name: `Join ${owner.organization}` }).waitFor()
    await screenshot(agentPage, 'invite-accept')
    assert.equal(
      await agentPage.locator('input[type=email]').inputValue(),
      agent.email,
      'the form shows the invited address',
    )
    await agentPage.locator('input[name=name]').fill(agent.name)
    await agentPage.locator('input[name=password]').fill(agent.password)
    await Promise.all([
      agentPage.waitForURL((url) => url.pathname === `/o/${slug}/leads`),
      agentPage.getByRole('button', { name: 'Create account and join' }).click(),
    ])

    // 5. The Agent sees none of the Owner's leads, adds one, and sees exactly that one.
    await agentPage.locator('#lead-list').waitFor()
    assert.equal(await leadRows(agentPage).count(), 0, "an Agent does not see the Owner's unassigned leads")
    for (const lead of ownerLeads) {
      assert.equal(await agentPage.getByText(lead.name).count(), 0, `${lead.name} is not shown to the Agent`)
    }
    const agentLeadId = await createLead(agentPage, slug, agentLead)
    assert.equal(await leadRows(agentPage).count(), 1, 'the Agent sees exactly their own lead')
    assert.equal(await leadRows(agentPage).first().getAttribute('data-lead-id'), agentLeadId)
    assert.ok((await leadRows(agentPage).first().innerText()).includes(agentLead.name))
    await screenshot(agentPage, 'agent-leads')

    // 6. The Owner sees the Agent on the team page, and all three leads.
    await ownerPage.goto(`/o/${slug}/team`)
    const member = ownerPage.locator(`#team-list tr[data-member-email="${agent.email}"]`)
    await member.waitFor()
    const cells = await member.locator('td').allInnerTexts()
    assert.ok(
      cells.some((text) => text.trim() === agent.name),
      `the member row shows the name: ${cells.join(' | ')}`,
    )
    assert.ok(
      cells.some((text) => text.trim() === 'Agent'),
      `the member row shows the role Agent: ${cells.join(' | ')}`,
    )
    assert.equal(
      await ownerPage.locator(`#invitation-list tr[data-invitation-email="${agent.email}"]`).count(),
      0,
      'the invitation is no longer pending',
    )
    await screenshot(ownerPage, 'team')

    await ownerPage.getByRole('navigation').getByRole('link', { name: 'Leads', exact: true }).click()
    await ownerPage.waitForURL(`**/o/${slug}/leads`)
    await ownerPage.locator(`#lead-list tr[data-lead-id="${agentLeadId}"]`).waitFor()
    assert.equal(await leadRows(ownerPage).count(), 3, "the Owner sees their two leads and the Agent's")

    assert.deepEqual(ownerProblems, [], "no JavaScript errors or failed requests in the Owner's browser")
    assert.deepEqual(agentProblems, [], "no JavaScript errors or failed requests in the Agent's browser")
  })
})
