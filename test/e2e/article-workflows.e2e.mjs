// The help article "Sharing Leads with Your Team", sections "Assignment Workflows" and "Troubleshooting", step by
// step as the roles it names (README "The help article as the specification"). Where Leadpool differs on purpose, the
// step's name says what it does.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newPage, runId } from './browser.mjs'
import {
  addNote,
  assertNoProblems,
  assignOnLeadPage,
  logCommunication,
  notifiedOf,
  openPage,
  setSetting,
  setStatus,
  stepsOf,
  submitAndWait,
  typeInLead,
  useTeam,
} from './article-team.mjs'

const team = useTeam('Article Workflows')

/** The timeline entries of type `type` on `who`'s page, with `text` in them if given. */
const entries = (who, type, text) =>
  who.page.locator(`#timeline li[data-activity-type="${type}"]`, text ? { hasText: text } : {})

/** `who` (an Owner or Admin), on the page of an unassigned lead, puts it in the pool. */
async function putInPool(who) {
  await submitAndWait(who.page, who.page.getByRole('button', { name: 'Put in the pool' }))
  await who.page.locator('#assignment ul.assignees').getByText('Unassigned — in the pool').waitFor()
}

test('Assignment Workflows', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  const lead = { name: `Wanda Website ${runId}`, email: `wanda.${runId}@example.org` }

  // New Lead Assignment
  await step('New Lead Assignment: 1. Lead comes in (via form or manual entry)', async () => {
    await openPage(team, owner, '/settings/intake')
    await owner.page.getByRole('button', { name: 'Create the web form' }).click()
    const snippet = await owner.page.locator('textarea[data-form-snippet]').inputValue()
    // A visitor of the organization's website sends the form pasted there.
    const visitor = await newPage(t)
    await visitor.page.setContent(`<!DOCTYPE html><title>Wanda’s supplier</title>${snippet}`)
    await visitor.page.getByLabel('Name').fill(lead.name)
    await visitor.page.getByLabel('Email').fill(lead.email)
    await visitor.page.getByLabel('Message').fill('Please call me about prices for 40 seats.')
    await visitor.page.getByRole('button', { name: 'Send' }).click()
    // The thank-you page is the organization's, with nothing of Leadpool for the website's visitor to follow.
    await visitor.page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor()
    assert.equal((await visitor.page.locator('header').innerText()).trim(), `Article Workflows ${runId}`)
    assert.match(await visitor.page.locator('main').innerText(), /Your message was sent to Article Workflows/)
    assert.equal(await visitor.page.getByRole('link').count(), 0, 'no Log in or Sign up link, no link at all')
    assert.deepEqual(visitor.problems, [])
    await openPage(team, owner, `/leads?q=${encodeURIComponent(lead.name)}`)
    const row = owner.page.locator('#lead-list tr[data-lead-id]', { hasText: lead.name })
    lead.id = await row.getAttribute('data-lead-id')
    assert.match(await row.locator('td.assigned > span').innerText(), /^Unassigned \d+ min\b/)
    // The prospect's words open the lead's Notes, marked as theirs.
    await openPage(team, owner, `/leads/${lead.id}`)
    const first = owner.page.locator('section#notes li[data-note-id]').first()
    assert.equal(await first.getAttribute('data-from-prospect'), 'true')
    assert.equal(await first.locator('[data-note-author]').innerText(), 'Message from the prospect')
    assert.match(await first.innerText(), /Please call me about prices for 40 seats\./)
  })
  await step('New Lead Assignment: 2. Assign to appropriate team member', async () => {
    await assignOnLeadPage(team, owner, lead, ava)
  })
  await step('New Lead Assignment: 3. Team member gets notification', async () => {
    await notifiedOf(team, ava, `${owner.name} assigned you ${lead.name}`)
  })
  await step('New Lead Assignment: 4. They can start working on it', async () => {
    await openPage(team, ava, `/leads/${lead.id}`)
    await logCommunication(ava, 'Call', 'Called back about the 40 seats')
  })
  await step('New Lead Assignment: 5. Update status as progress made', async () => {
    await setStatus(ava, 'Contacted')
  })

  // Lead Transfer
  const why = 'Bo covers the north region from Monday; Wanda wants a call before Friday.'
  await step('Lead Transfer: 1. Current owner wants to transfer (an Agent asks for reassignment)', async () => {
    const section = ava.page.locator('#handoff')
    await section.getByLabel('Note to the Owners and Admins').fill('I am moving to the south region.')
    await submitAndWait(ava.page, section.getByRole('button', { name: 'Ask for reassignment' }))
    await ava.page.locator('[data-reassignment-requested]').waitFor()
    await notifiedOf(team, admin, `${ava.name} asks for ${lead.name} to be reassigned`)
  })
  await step('Lead Transfer: 2. Reassign to new team member; 3. Add note explaining transfer', async () => {
    await assignOnLeadPage(team, admin, lead, bo, why)
    await entries(admin, 'transferred', `from ${ava.name} to ${bo.name}`).locator('blockquote[data-note]').waitFor()
  })
  await step('Lead Transfer: 4. New owner takes over', async () => {
    await notifiedOf(team, bo, `${admin.name} transferred ${lead.name} to you from ${ava.name}`)
    await openPage(team, bo, `/leads/${lead.id}`)
    assert.match(await bo.page.locator('[data-handoff="waiting-for-you"]').innerText(), /north region/)
    await submitAndWait(bo.page, bo.page.getByRole('button', { name: 'Got it' }))
    await entries(bo, 'handoff_acknowledged').waitFor()
  })
  await step('Lead Transfer: 5. Original owner can still view', async () => {
    const res = await openPage(team, ava, `/leads/${lead.id}`)
    assert.equal(res.status(), 200)
    assert.match(await ava.page.locator('[data-transferred-to]').innerText(), new RegExp(`to ${bo.name}`))
  })

  // Shared Responsibility
  let shared
  await step('Shared Responsibility: 1. Assign lead to primary owner', async () => {
    shared = await typeInLead(team, admin, 'Shared Responsibility Lead')
    await assignOnLeadPage(team, admin, shared, ava)
  })
  await step('Shared Responsibility: 2. Add notes with team context', async () => {
    await addNote(admin, 'Their contract with the old supplier ends in June.')
  })
  await step('Shared Responsibility: 3. Multiple people can add communications', async () => {
    await logCommunication(admin, 'Email', 'Sent our references')
    await openPage(team, ava, `/leads/${shared.id}`)
    await logCommunication(ava, 'Meeting', 'Visited their office')
  })
  await step('Shared Responsibility: 4. Coordinate via notes/comments', async () => {
    await addNote(ava, 'They liked the references; I will send the offer in May.')
  })
  await step('Shared Responsibility: 5. Maintain single source of truth', async () => {
    await openPage(team, owner, `/leads/${shared.id}`)
    assert.equal(await entries(owner, 'note_added').count(), 2)
    assert.equal(await entries(owner, 'communication_logged').count(), 2)
    assert.equal(await owner.page.locator('#communications-items li[data-communication-id]').count(), 2)
  })

  // Unassigned Pool
  const pooled = []
  const poolRow = (who, l) => who.page.locator(`#pool-list tr[data-lead-id="${l.id}"]`)
  await step('Unassigned Pool: 1. Keep some leads unassigned (in the pool, opened to the Agents)', async () => {
    for (const name of ['Pool Lead One', 'Pool Lead Two']) {
      const l = await typeInLead(team, admin, name)
      await putInPool(admin)
      pooled.push(l)
    }
    await setSetting(team, owner, 'poolEnabled', true)
  })
  await step('Unassigned Pool: 2. Team can browse and claim', async () => {
    await openPage(team, bo, '/pool')
    await poolRow(bo, pooled[1]).waitFor()
    await Promise.all([
      bo.page.waitForURL(`**/leads/${pooled[0].id}`),
      poolRow(bo, pooled[0])
        .getByRole('button', { name: `Claim ${pooled[0].name}` })
        .click(),
    ])
    await bo.page.getByText('Claimed from the pool: it is yours now.').waitFor()
  })
  await step('Unassigned Pool: 3. Good for shared opportunities (every Agent browses the same pool)', async () => {
    await openPage(team, ava, '/pool')
    await poolRow(ava, pooled[1]).waitFor()
    assert.equal(await poolRow(ava, pooled[0]).count(), 0, 'the claimed lead left the pool')
  })
  await step('Unassigned Pool: 4. Assign when owner identified', async () => {
    await assignOnLeadPage(team, admin, pooled[1], ava)
    await openPage(team, ava, '/pool')
    assert.equal(await poolRow(ava, pooled[1]).count(), 0, 'the assigned lead left the pool')
  })
  await step('Unassigned Pool: 5. Useful for team collaboration (the timeline says who took it)', async () => {
    await openPage(team, owner, `/leads/${pooled[0].id}`)
    await entries(owner, 'claimed', `${bo.name} claimed this lead from the pool`).waitFor()
  })

  assertNoProblems(team)
})

test('Troubleshooting', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  let lead
  await step('(An Admin types in a lead and assigns it to Ava; Bo, an Agent, looks for it)', async () => {
    lead = await typeInLead(team, admin, 'Troubled Lead')
    await assignOnLeadPage(team, admin, lead, ava)
  })

  // Can't See a Lead (Bo, an Agent)
  const explanation = bo.page.locator('[data-explanation]')
  await step('Can’t See a Lead: check if lead is assigned to you', async () => {
    await openPage(team, bo, '/leads?assignee=me')
    await bo.page.locator('#lead-list').waitFor()
    assert.equal(await bo.page.locator(`#lead-list tr[data-lead-id="${lead.id}"]`).count(), 0)
  })
  await step('Can’t See a Lead: verify your role permissions (the page says what an Agent sees)', async () => {
    const res = await openPage(team, bo, `/leads/${lead.id}`)
    assert.equal(res.status(), 404)
    await bo.page.getByRole('heading', { level: 1, name: 'This lead is not one you can see' }).waitFor()
    assert.match(await explanation.innerText(), /As an Agent you see the leads assigned to you/)
  })
  await step('Can’t See a Lead: Owners/Admins can see all leads', async () => {
    assert.equal((await openPage(team, owner, `/leads/${lead.id}`)).status(), 200)
  })
  await step('Can’t See a Lead: Agents see only assigned leads', async () => {
    await assignOnLeadPage(team, admin, lead, bo)
    assert.equal((await openPage(team, bo, `/leads/${lead.id}`)).status(), 200)
  })

  // Can't Assign Lead
  await step('Can’t Assign Lead: check your role (need Owner/Admin)', async () => {
    assert.equal(await bo.page.locator('#assignment select[name=assigneeId]').count(), 0, 'an Agent has no picker')
    // An assignment sent anyway (a page kept from before a role change) is refused, naming the role.
    const [status, text] = await bo.page.evaluate(async (url) => {
      const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ assigneeId: '' }) })
      return [res.status, await res.text()]
    }, `/o/${team.slug}/leads/${lead.id}/assign`)
    assert.equal(status, 403)
    assert.match(text, /Only an Owner or Admin can assign leads\./)
  })
  await step('Can’t Assign Lead: verify team member exists', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    const choices = await admin.page.locator('#assignment select[name=assigneeId] option').allInnerTexts()
    assert.deepEqual(choices.sort(), ['Unassigned', admin.name, ava.name, bo.name, owner.name].sort())
  })
  await step('Can’t Assign Lead: ensure they’re active', async () => {
    // The Admin's page is open; meanwhile the Owner deactivates Ava.
    await openPage(team, owner, '/team')
    const row = owner.page.locator(`#team-list tr[data-member-id="${ava.userId}"]`)
    owner.page.once('dialog', (dialog) => void dialog.accept())
    await submitAndWait(owner.page, row.getByRole('button', { name: 'Deactivate' }))
    await owner.page.locator(`#team-list tr[data-member-id="${ava.userId}"][data-status="deactivated"]`).waitFor()
    const panel = admin.page.locator('#assignment')
    await panel.locator('select[name=assigneeId]').selectOption({ label: ava.name })
    await submitAndWait(admin.page, panel.getByRole('button', { name: 'Save assignment' }))
    await admin.page
      .getByText(`${ava.name} is deactivated and cannot be assigned leads: an Owner or Admin must reactivate them`)
      .first()
      .waitFor()
    await submitAndWait(owner.page, row.getByRole('button', { name: 'Reactivate' }))
    await owner.page.locator(`#team-list tr[data-member-id="${ava.userId}"][data-status="active"]`).waitFor()
  })
  await step('Can’t Assign Lead: contact owner/admin if needed (an Agent is told whom to ask)', async () => {
    const hidden = await typeInLead(team, admin, 'Hidden Lead')
    await openPage(team, bo, `/leads/${hidden.id}`)
    const text = await explanation.innerText()
    for (const who of [owner, admin]) assert.ok(text.includes(who.name), `${who.name} is named: ${text}`)
  })

  // Assignment Not Updating
  await step(
    'Assignment Not Updating: refresh the page (Leadpool: the open lead page shows the change by itself)',
    async () => {
      await openPage(team, bo, `/leads/${lead.id}`)
      await bo.page.evaluate(() => (window.__notReloaded = true))
      await assignOnLeadPage(team, admin, lead, ava, 'Ava is back.')
      await entries(bo, 'transferred', `from ${bo.name} to ${ava.name}`).waitFor()
      assert.ok(await bo.page.evaluate(() => window.__notReloaded), 'without a reload')
      await bo.page.reload()
      assert.match(await bo.page.locator('[data-transferred-to]').innerText(), new RegExp(ava.name))
    },
  )
  await step('Assignment Not Updating: check if you have permissions', async () => {
    assert.equal(await bo.page.locator('#status-form').count(), 0, 'a former assignee may read, not change it')
  })
  await step('Assignment Not Updating: verify team member is active', async () => {
    await openPage(team, owner, '/team')
    const row = owner.page.locator(`#team-list tr[data-member-id="${ava.userId}"]`)
    assert.equal(await row.getAttribute('data-status'), 'active')
  })
  await step('Assignment Not Updating: try reassigning', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    const panel = admin.page.locator('#assignment')
    await panel.locator('select[name=assigneeId]').selectOption({ label: ava.name })
    await submitAndWait(admin.page, panel.getByRole('button', { name: 'Save assignment' }))
    await admin.page.getByText('No change: the lead already had that assignee.').waitFor()
  })

  // Team Member Not Getting Notifications (Ava)
  await step('Team Member Not Getting Notifications: check notification settings', async () => {
    await openPage(team, ava, '/notifications')
    await ava.page.getByRole('link', { name: 'Notification preferences' }).click()
    for (const channel of ['in the app', 'by email'])
      assert.ok(await ava.page.getByLabel(`A lead is assigned to you: ${channel}`).isChecked(), channel)
  })
  await step('Team Member Not Getting Notifications: verify email address', async () => {
    await submitAndWait(ava.page, ava.page.getByRole('button', { name: 'Send me a test email' }))
    const status = ava.page.locator('#test-email-status')
    assert.match(await status.innerText(), new RegExp(ava.email.replace(/[+.]/g, '\\$&')))
  })
  await step(
    'Team Member Not Getting Notifications: check spam folder (outside Leadpool: the test email’s status says what became of it)',
    async () => {
      await ava.page.locator('#test-email-status[data-email-status="captured"]').waitFor({ timeout: 30_000 })
    },
  )
  await step('Team Member Not Getting Notifications: review notification preferences', async () => {
    assert.equal(await ava.page.getByLabel('Pause all email.', { exact: false }).isChecked(), false)
  })

  assertNoProblems(team, [
    /GET \/o\/[^/]+\/leads\/[^/]+ answered 404/,
    /POST \/o\/[^/]+\/leads\/[^/]+\/assign answered 403/,
    // Ava's open page asks for her badge while she is deactivated.
    /GET \/o\/[^/]+\/notifications\/count answered 404/,
  ])
})
