// The help article "Sharing Leads with Your Team", sections "Assigning Leads", "Understanding Assignments",
// "Filtering by Assignment" and "Lead Visibility", step by step as the roles it names (README "The help article as
// the specification"). Where Leadpool differs on purpose, the step's name says so.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { leadRows } from './browser.mjs'
import {
  assertNoProblems,
  assignOnLeadPage,
  filterByAssignee,
  openPage,
  setSetting,
  stepsOf,
  typeInLead,
  useTeam,
} from './article-team.mjs'

const team = useTeam('Article Assigning')

/** The row of lead `lead` in the list on `who`'s page. */
const rowOf = (who, lead) => who.page.locator(`#lead-list tr[data-lead-id="${lead.id}"]`)
/** The ids of the rows in the list on `who`'s page. */
const rowIds = (who) => leadRows(who.page).evaluateAll((trs) => trs.map((tr) => tr.dataset.leadId))
/** The primary assignee shown in each row of the list on `who`'s page (null: nobody), by lead id. */
const assigneesShown = (who) =>
  leadRows(who.page).evaluateAll((trs) =>
    Object.fromEntries(
      trs.map((tr) => [tr.dataset.leadId, tr.querySelector('[data-assignee-id]')?.dataset.assigneeId ?? null]),
    ),
  )

test('Assigning Leads', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { admin, ava, bo } = team
  const leads = {}
  await step('(An Admin has typed in four unassigned leads)', async () => {
    leads.list = await typeInLead(team, admin, 'Listed Lead')
    leads.detail = await typeInLead(team, admin, 'Detailed Lead')
    leads.bulk = [await typeInLead(team, admin, 'Bulk Lead One'), await typeInLead(team, admin, 'Bulk Lead Two')]
  })

  // From Lead List
  await step('From Lead List: 1. Go to Leads page', async () => {
    await openPage(team, admin, '/leads')
    await admin.page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor()
  })
  await step('From Lead List: 2. Find the lead you want to assign', async () => {
    await admin.page.getByRole('searchbox', { name: 'Search' }).fill(leads.list.name)
    await admin.page.waitForFunction(
      (id) =>
        [...document.querySelectorAll('#lead-list tr[data-lead-id]')].map((tr) => tr.dataset.leadId).join() === id,
      leads.list.id,
    )
  })
  const menu = () => rowOf(admin, leads.list).locator('details.row-menu')
  await step('From Lead List: 3. Click on the lead or use the menu', async () => {
    await menu().locator('summary').click()
  })
  await step('From Lead List: 4. Select "Assign to" or "Change Assignment"', async () => {
    await menu().getByLabel('Assign to').waitFor()
  })
  await step('From Lead List: 5. Choose a team member', async () => {
    await menu().getByLabel('Assign to').selectOption({ label: ava.name })
  })
  await step('From Lead List: 6. Lead is now assigned to that person', async () => {
    await menu().getByRole('button', { name: 'Save' }).click()
    await rowOf(admin, leads.list).locator('.row-notice').filter({ hasText: 'Saved.' }).waitFor()
    assert.equal(await rowOf(admin, leads.list).locator(`[data-assignee-id="${ava.userId}"]`).innerText(), ava.name)
  })

  // From Lead Details
  const panel = admin.page.locator('#assignment')
  await step('From Lead Details: 1. Open a lead', async () => {
    await openPage(team, admin, '/leads')
    await rowOf(admin, leads.detail).getByRole('link', { name: leads.detail.name }).click()
    await admin.page.getByRole('heading', { level: 1, name: leads.detail.name }).waitFor()
  })
  await step('From Lead Details: 2. Look for "Assigned to" section', async () => {
    await panel.getByRole('heading', { name: 'Assigned to' }).waitFor()
  })
  await step('From Lead Details: 3. Click on current assignment (or "Unassigned")', async () => {
    assert.equal((await panel.locator('ul.assignees').innerText()).trim(), 'Unassigned')
    const picker = panel.getByLabel('Assign to')
    assert.equal(await picker.evaluate((select) => select.selectedOptions[0].text), 'Unassigned')
    await picker.click()
  })
  await step('From Lead Details: 4. Select team member from dropdown', async () => {
    await panel.getByLabel('Assign to').selectOption({ label: bo.name })
  })
  await step('From Lead Details: 5. Assignment updated immediately', async () => {
    await panel.getByRole('button', { name: 'Assign', exact: true }).click()
    await admin.page
      .getByRole('status')
      .filter({ hasText: `Assigned to ${bo.name}.` })
      .waitFor()
    await panel.locator(`ul.assignees [data-assignee-id="${bo.userId}"]`).waitFor()
  })

  // Bulk Assignment
  const bar = admin.page.getByRole('group', { name: 'Bulk actions' })
  await step('Bulk Assignment: 1. Go to Leads page', async () => {
    await openPage(team, admin, '/leads')
    await admin.page.locator('#lead-list').waitFor()
  })
  await step('Bulk Assignment: 2. Select multiple leads (checkboxes)', async () => {
    for (const lead of leads.bulk) await admin.page.getByLabel(`Select ${lead.name}`).check()
  })
  await step(
    'Bulk Assignment: 3. Click "Bulk Actions" (in Leadpool the bar of bulk actions appears once leads are ticked)',
    async () => {
      await bar.waitFor({ state: 'visible' })
      await bar.getByText('2 selected').waitFor()
    },
  )
  await step('Bulk Assignment: 4. Choose "Assign to Team Member"', async () => {
    await bar.getByLabel('Assign to team member').focus()
  })
  await step('Bulk Assignment: 5. Select team member', async () => {
    await bar.getByLabel('Assign to team member').selectOption({ label: ava.name })
  })
  await step('Bulk Assignment: 6. All selected leads assigned', async () => {
    await bar.getByRole('button', { name: 'Assign', exact: true }).click()
    await admin.page
      .locator('#bulk-notice')
      .filter({ hasText: `2 leads assigned to ${ava.name}.` })
      .waitFor()
    const shown = await assigneesShown(admin)
    for (const lead of leads.bulk) assert.equal(shown[lead.id], ava.userId, `${lead.name} shows ${ava.name}`)
  })

  assertNoProblems(team)
})

test('Understanding Assignments', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  const leads = {}
  await step('(An Admin types in a lead and assigns it to an Agent, Bo)', async () => {
    leads.assigned = await typeInLead(team, admin, 'Assigned Lead')
    await assignOnLeadPage(team, admin, leads.assigned, bo)
  })

  // Assigned Leads
  await step('Assigned Leads: when a lead is assigned, it appears in that person’s lead list', async () => {
    await openPage(team, bo, '/leads')
    await rowOf(bo, leads.assigned).locator(`[data-assignee-id="${bo.userId}"]`).waitFor()
  })
  await step('Assigned Leads: they receive notifications for that lead', async () => {
    await openPage(team, bo, '/notifications')
    await bo.page
      .locator('#notification-list li[data-unread="true"]')
      .filter({ hasText: `${admin.name} assigned you ${leads.assigned.name}` })
      .waitFor()
  })
  await step('Assigned Leads: they can update and manage it', async () => {
    await openPage(team, bo, `/leads/${leads.assigned.id}`)
    await bo.page.locator('#status-form select[name=status]').selectOption({ label: 'Contacted' })
    await bo.page.getByRole('button', { name: 'Update status' }).click()
    await bo.page.locator('#timeline li[data-activity-type="status_changed"]').filter({ hasText: bo.name }).waitFor()
    assert.equal(await bo.page.locator('#status-form select[name=status]').inputValue(), 'contacted')
  })
  await step('Assigned Leads: others with permissions can still view it', async () => {
    const res = await openPage(team, owner, `/leads/${leads.assigned.id}`)
    assert.equal(res.status(), 200)
    await owner.page.locator(`#assignment ul.assignees [data-assignee-id="${bo.userId}"]`).waitFor()
  })

  // Unassigned Leads
  await step('Unassigned Leads: visible to all team members (Owners/Admins)', async () => {
    leads.unassigned = await typeInLead(team, admin, 'Unassigned Lead')
    await openPage(team, owner, '/leads')
    const cell = await rowOf(owner, leads.unassigned).locator('td.assigned > span').innerText()
    assert.match(cell, /^Unassigned \d+ min\b/, 'with how long it has waited')
    await openPage(team, ava, '/leads')
    assert.equal(await rowOf(ava, leads.unassigned).count(), 0, 'an Agent does not see it')
  })
  await step('Unassigned Leads: no single owner', async () => {
    await openPage(team, owner, `/leads/${leads.unassigned.id}`)
    assert.equal((await owner.page.locator('#assignment ul.assignees').innerText()).trim(), 'Unassigned')
  })
  await step('Unassigned Leads: can be assigned later', async () => {
    await assignOnLeadPage(team, owner, leads.unassigned, ava)
  })
  await step(
    'Unassigned Leads: good for shared projects (Leadpool: an unassigned lead can be put in the pool for the team)',
    async () => {
      leads.shared = await typeInLead(team, admin, 'Shared Project Lead')
      await openPage(team, admin, `/leads/${leads.shared.id}`)
      await admin.page.getByRole('button', { name: 'Put in the pool' }).click()
      await admin.page.locator('#assignment ul.assignees').getByText('Unassigned — in the pool').waitFor()
    },
  )

  // Multiple Assignments
  await step(
    'Multiple Assignments: some organizations allow multiple assignments; check your organization settings',
    async () => {
      await setSetting(team, owner, 'multipleAssignees', true)
    },
  )
  await step('Multiple Assignments: all assigned members can work on lead', async () => {
    await openPage(team, admin, `/leads/${leads.assigned.id}`)
    await admin.page.getByLabel('Add a collaborator').selectOption({ label: ava.name })
    await admin.page.getByRole('button', { name: 'Add collaborator' }).click()
    await admin.page.locator(`#assignment li[data-collaborator][data-assignee-id="${ava.userId}"]`).waitFor()
    await openPage(team, ava, `/leads/${leads.assigned.id}`)
    await ava.page.locator('#status-form select[name=status]').selectOption({ label: 'Qualified' })
    await ava.page.getByRole('button', { name: 'Update status' }).click()
    await ava.page.locator('#timeline li[data-activity-type="status_changed"]').filter({ hasText: ava.name }).waitFor()
  })
  await step(
    'Multiple Assignments: useful for team collaboration (the list shows the lead with its collaborator)',
    async () => {
      await openPage(team, bo, '/leads')
      assert.equal((await rowOf(bo, leads.assigned).locator('.plus').innerText()).trim(), '+1')
    },
  )

  assertNoProblems(team)
})

test('Filtering by Assignment', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  const leads = {}
  await step('(An Admin types in three leads: one for Ava, one for Bo, one left unassigned)', async () => {
    leads.ava = await typeInLead(team, admin, 'Filtered For Ava')
    await assignOnLeadPage(team, admin, leads.ava, ava)
    leads.bo = await typeInLead(team, admin, 'Filtered For Bo')
    await assignOnLeadPage(team, admin, leads.bo, bo)
    leads.nobody = await typeInLead(team, admin, 'Filtered For Nobody')
  })

  // View Your Assigned Leads (an Agent)
  await step('View Your Assigned Leads: 1. Go to Leads page', async () => {
    await openPage(team, ava, '/leads')
  })
  await step('View Your Assigned Leads: 2. Use filter dropdown', async () => {
    await ava.page.getByLabel('Assigned to', { exact: true }).waitFor()
  })
  await step('View Your Assigned Leads: 3. Select "Assigned to me"', async () => {
    await filterByAssignee(ava.page, 'Assigned to me', 'me')
  })
  await step('View Your Assigned Leads: 4. See only your leads', async () => {
    const ids = await rowIds(ava)
    assert.ok(ids.includes(leads.ava.id), 'Ava’s lead is listed')
    assert.ok(!ids.includes(leads.bo.id) && !ids.includes(leads.nobody.id), 'nobody else’s lead is listed')
    const mine = await leadRows(ava.page).evaluateAll(
      (trs, me) =>
        trs.every(
          (tr) => tr.querySelector('[data-assignee-id]')?.dataset.assigneeId === me || tr.querySelector('.plus'),
        ),
      ava.userId,
    )
    assert.ok(mine, 'every row is assigned to Ava (or has her as collaborator)')
  })

  // View Team Member's Leads (an Owner)
  await step('View Team Member’s Leads: 1. Go to Leads page', async () => {
    await openPage(team, owner, '/leads')
  })
  await step('View Team Member’s Leads: 2. Use filter dropdown', async () => {
    await owner.page.getByLabel('Assigned to', { exact: true }).waitFor()
  })
  await step('View Team Member’s Leads: 3. Select "Assigned to [Name]"', async () => {
    const label = await owner.page
      .locator(`#assignee-filter option[value="${bo.userId}"]`)
      .evaluate((option) => option.text)
    assert.match(label, new RegExp(`^Assigned to ${bo.name} \\(\\d+\\)$`), 'the option names Bo and counts his leads')
    await filterByAssignee(owner.page, label, bo.userId)
  })
  await step('View Team Member’s Leads: 4. See their leads', async () => {
    const ids = await rowIds(owner)
    assert.ok(ids.includes(leads.bo.id) && !ids.includes(leads.ava.id) && !ids.includes(leads.nobody.id))
    const shown = await assigneesShown(owner)
    for (const id of ids) assert.equal(shown[id], bo.userId, `lead ${id} is Bo’s`)
  })

  // View Unassigned Leads (an Owner)
  await step('View Unassigned Leads: 1. Go to Leads page', async () => {
    await openPage(team, owner, '/leads')
  })
  await step('View Unassigned Leads: 2. Use filter dropdown', async () => {
    await owner.page.getByLabel('Assigned to', { exact: true }).waitFor()
  })
  await step('View Unassigned Leads: 3. Select "Unassigned"', async () => {
    const label = await owner.page.locator('#assignee-filter option[value="unassigned"]').evaluate((o) => o.text)
    assert.match(label, /^Unassigned\b/)
    await filterByAssignee(owner.page, label, 'unassigned')
  })
  await step('View Unassigned Leads: 4. See leads needing assignment', async () => {
    const ids = await rowIds(owner)
    assert.ok(ids.includes(leads.nobody.id) && !ids.includes(leads.ava.id) && !ids.includes(leads.bo.id))
    const shown = await assigneesShown(owner)
    for (const id of ids) assert.equal(shown[id], null, `lead ${id} has no assignee`)
  })

  assertNoProblems(team)
})

test('Lead Visibility', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  const leads = {}
  await step('(Ava, an Agent, types in a lead; an Admin types in one and leaves it unassigned)', async () => {
    leads.avas = await typeInLead(team, ava, 'Visible Agent Lead')
    leads.unassigned = await typeInLead(team, admin, 'Visible Unassigned Lead')
  })

  // What Team Members See: Owners & Admins
  await step('Owners & Admins: see all leads in organization', async () => {
    for (const who of [owner, admin]) {
      await openPage(team, who, '/leads')
      const ids = await rowIds(who)
      assert.ok(ids.includes(leads.avas.id) && ids.includes(leads.unassigned.id), `${who.name} sees both`)
    }
  })
  await step('Owners & Admins: can view any lead details', async () => {
    const res = await openPage(team, admin, `/leads/${leads.avas.id}`)
    assert.equal(res.status(), 200)
    await admin.page.getByRole('heading', { level: 1, name: leads.avas.name }).waitFor()
  })
  await step('Owners & Admins: can assign/reassign leads', async () => {
    await admin.page.locator('#assignment').getByLabel('Change assignment').waitFor()
    await admin.page.locator('#assignment').getByRole('button', { name: 'Save assignment' }).waitFor()
  })
  await step('Owners & Admins: full access (settings, team, archive)', async () => {
    await openPage(team, owner, `/leads/${leads.avas.id}`)
    await owner.page.getByRole('button', { name: 'Archive lead' }).waitFor()
    const nav = owner.page.getByRole('navigation')
    for (const name of ['Settings', 'Team']) await nav.getByRole('link', { name, exact: true }).waitFor()
  })

  // What Team Members See: Agents
  await step('Agents: see only assigned leads (by default)', async () => {
    await openPage(team, bo, '/leads')
    const ids = await rowIds(bo)
    assert.ok(!ids.includes(leads.avas.id), 'Bo does not see Ava’s lead')
    assert.ok(!ids.includes(leads.unassigned.id), 'Bo does not see the unassigned lead')
    const shown = await assigneesShown(bo)
    for (const id of ids) assert.equal(shown[id], bo.userId, `lead ${id} is assigned to Bo`)
  })
  await step('Agents: cannot view unassigned leads', async () => {
    const res = await openPage(team, bo, `/leads/${leads.unassigned.id}`)
    assert.equal(res.status(), 404)
    await bo.page.getByRole('heading', { level: 1, name: 'This lead is not one you can see' }).waitFor()
  })
  await step(
    'Agents: cannot view unassigned leads — Leadpool: that holds outside the pool; an Agent sees the pool only once the organization opens it',
    async () => {
      await openPage(team, admin, `/leads/${leads.unassigned.id}`)
      await admin.page.getByRole('button', { name: 'Put in the pool' }).click()
      await admin.page.locator('#assignment ul.assignees').getByText('Unassigned — in the pool').waitFor()
      assert.equal((await openPage(team, bo, `/leads/${leads.unassigned.id}`)).status(), 404, 'pool closed: still 404')
      await setSetting(team, owner, 'poolEnabled', true)
      assert.equal((await openPage(team, bo, `/leads/${leads.unassigned.id}`)).status(), 200, 'pool open: Bo sees it')
      await bo.page.getByRole('button', { name: 'Claim this lead' }).waitFor()
    },
  )
  await step('Agents: limited filtering options', async () => {
    await openPage(team, bo, '/leads')
    const options = await bo.page.locator('#assignee-filter option').allInnerTexts()
    assert.deepEqual(options, ['All leads I can see', 'Assigned to me', 'In the pool'])
    assert.equal(await bo.page.locator('form.filters select[name=attention]').count(), 0, 'no "Needs attention"')
  })
  await step('Agents: can create new leads', async () => {
    const created = await typeInLead(team, bo, 'Agent Created Lead')
    await openPage(team, bo, `/leads/${created.id}`)
    await bo.page.locator(`#assignment ul.assignees [data-assignee-id="${bo.userId}"]`).waitFor()
  })

  // Changing Visibility: Owners and Admins can
  await step(
    'Changing Visibility: view all leads regardless of assignment, filter by assigned team member, see unassigned leads, access any lead details',
    async () => {
      await openPage(team, admin, '/leads')
      const options = await admin.page.locator('#assignee-filter option').allInnerTexts()
      assert.ok(
        options.some((o) => /^Unassigned\b/.test(o)),
        'an "Unassigned" choice',
      )
      for (const who of [owner, admin, ava, bo]) {
        assert.ok(
          options.some((o) => o.startsWith(`Assigned to ${who.name} (`)),
          `a choice for ${who.name}`,
        )
      }
      assert.equal((await openPage(team, admin, `/leads/${leads.unassigned.id}`)).status(), 200)
    },
  )

  assertNoProblems(team, [/GET \/o\/[^/]+\/leads\/[^/]+ answered 404/])
})
