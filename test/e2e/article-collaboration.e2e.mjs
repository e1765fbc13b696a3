// The help article "Sharing Leads with Your Team", sections "Collaboration Features", "Best Practices" and
// "Notifications", step by step as the roles it names (README "The help article as the specification"). Where
// Leadpool differs on purpose, the step's name says what it does.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { appUrl, emailedLink } from './browser.mjs'
import {
  addNote,
  assertNoProblems,
  assignOnLeadPage,
  filterByAssignee,
  logCommunication,
  notifiedOf,
  openPage,
  setStatus,
  stepsOf,
  submitAndWait,
  typeInLead,
  useTeam,
} from './article-team.mjs'

const team = useTeam('Article Collaboration')

/** The timeline entries of type `type` on `who`'s page, with `text` in them if given. */
const entries = (who, type, text) =>
  who.page.locator(`#timeline li[data-activity-type="${type}"]`, text ? { hasText: text } : {})

/** The notes of the Notes section on `who`'s page, in its order: `{ author, text }` each. */
const notesOf = (who) =>
  who.page
    .locator('section#notes li[data-note-id]')
    .evaluateAll((lis) =>
      lis.map((li) => ({ author: li.querySelector('[data-note-author]').textContent.trim(), text: li.textContent })),
    )

/** "Unassigned 0 min", "Unassigned 3 h": an unassigned lead's cell in the list, saying how long it has waited. */
const UNASSIGNED_AGE = /^Unassigned \d+ (min|h)\b/

/** The "Assigned to" cell of `lead` in the list on `who`'s page. */
const unassignedCell = (who, lead) => who.page.locator(`#lead-list tr[data-lead-id="${lead.id}"] td.assigned > span`)

/** `who`, on the page of the lead they have open, gives `assignee` the task `title` due on `dueDate` (YYYY-MM-DD). */
async function addTask(who, title, dueDate, assignee) {
  const section = who.page.locator('#tasks')
  await section.locator('summary').click()
  await section.getByLabel('Title').fill(title)
  await section.getByLabel('Due date').fill(dueDate)
  await section.locator('select[name=assigneeId]').selectOption({ label: assignee.name })
  await submitAndWait(who.page, section.getByRole('button', { name: 'Add task' }))
  await who.page.locator('#tasks-items li[data-task-id]', { hasText: title }).waitFor()
}

test('Collaboration Features', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava } = team
  let lead
  await step('(An Admin types in a lead and assigns it to Ava, an Agent)', async () => {
    lead = await typeInLead(team, admin, 'Shared Lead')
    await assignOnLeadPage(team, admin, lead, ava)
  })

  // Shared Communications: all team members can…
  await step('Shared Communications: view all communications on a lead', async () => {
    await openPage(team, ava, `/leads/${lead.id}`)
    await logCommunication(ava, 'Call', 'Called, they want a demo next week')
    await openPage(team, admin, `/leads/${lead.id}`)
    await admin.page.locator('#communications-items li', { hasText: 'Called, they want a demo next week' }).waitFor()
  })
  await step('Shared Communications: add new communications', async () => {
    await logCommunication(admin, 'Email', 'Sent the demo invitation')
    await openPage(team, ava, `/leads/${lead.id}`)
    const items = ava.page.locator('#communications-items li[data-communication-id]')
    assert.equal(await items.count(), 2, 'Ava sees both')
  })
  await step('Shared Communications: see who added what (the Communications card names who logged each)', async () => {
    const authors = await ava.page
      .locator('#communications-items li[data-communication-id] [data-communication-author]')
      .allInnerTexts()
    assert.deepEqual(authors, [admin.name, ava.name], 'newest first, each with who logged it')
    await entries(ava, 'communication_logged', `${ava.name} logged an outbound Call`).waitFor()
    await entries(ava, 'communication_logged', `${admin.name} logged an outbound Email`).waitFor()
  })
  await step('Shared Communications: track communication history (the timeline’s Communications filter)', async () => {
    await ava.page
      .getByRole('navigation', { name: 'Show activity' })
      .getByRole('link', { name: 'Communications' })
      .click()
    await ava.page.waitForURL((url) => url.searchParams.get('type') === 'communications')
    const types = await ava.page
      .locator('#timeline li[data-activity-type]')
      .evaluateAll((lis) => lis.map((li) => li.dataset.activityType))
    assert.deepEqual(types, ['communication_logged', 'communication_logged'], 'newest first, only communications')
    // Back to the whole timeline: a filtered one takes no live entries, and htmx logs an error when one arrives.
    await ava.page
      .getByRole('navigation', { name: 'Show activity' })
      .getByRole('link', { name: 'All', exact: true })
      .click()
    await ava.page.waitForURL((url) => !url.searchParams.has('type'))
  })

  // Shared Tasks
  await step('Shared Tasks: assign tasks to team members', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    await addTask(admin, 'Send the quote', '2030-01-15', ava)
  })
  await step('Shared Tasks: view all tasks for a lead; track who’s responsible', async () => {
    await openPage(team, owner, `/leads/${lead.id}`)
    const task = owner.page.locator('#tasks-items li[data-task-id]', { hasText: 'Send the quote' })
    assert.match(await task.innerText(), new RegExp(`· ${ava.name}`), 'the task names Ava')
  })
  await step('Shared Tasks: see task completion status', async () => {
    await openPage(team, ava, `/leads/${lead.id}`)
    const task = ava.page.locator('#tasks-items li[data-task-id]', { hasText: 'Send the quote' })
    await task.getByRole('button', { name: 'Complete' }).click()
    await ava.page.locator('#tasks-items li[data-done="true"]', { hasText: 'Send the quote' }).waitFor()
    await openPage(team, owner, `/leads/${lead.id}`)
    await owner.page.locator('#tasks-items li[data-done="true"]', { hasText: 'Send the quote' }).waitFor()
  })

  // Shared Notes (the lead page's Notes section, and the timeline)
  await step('Shared Notes: add notes for team context', async () => {
    await openPage(team, ava, `/leads/${lead.id}`)
    await addNote(ava, 'They run three warehouses; the buyer is the operations manager.')
  })
  await step('Shared Notes: everyone can see notes (in the Notes section, with who wrote them)', async () => {
    for (const who of [owner, admin]) {
      await openPage(team, who, `/leads/${lead.id}`)
      const notes = await notesOf(who)
      assert.equal(notes.length, 1)
      assert.equal(notes[0].author, ava.name)
      assert.match(notes[0].text, /the buyer is the operations manager/)
      await entries(who, 'note_added', 'the buyer is the operations manager').waitFor()
    }
  })
  await step('Shared Notes: maintain conversation history; keep team informed', async () => {
    await addNote(admin, 'Good: I know their operations manager from a trade fair.')
    await openPage(team, ava, `/leads/${lead.id}`)
    const notes = await entries(ava, 'note_added').allInnerTexts()
    assert.equal(notes.length, 2)
    assert.match(notes[0], /trade fair/, 'newest first')
    assert.match(notes[1], /three warehouses/)
    const listed = await notesOf(ava)
    assert.deepEqual(
      listed.map((n) => n.author),
      [admin.name, ava.name],
      'the Notes section too, newest first',
    )
  })

  // Activity Timeline
  await step('Activity Timeline: see all activity on a lead', async () => {
    await openPage(team, owner, `/leads/${lead.id}`)
    const types = await owner.page
      .locator('#timeline li[data-activity-type]')
      .evaluateAll((lis) => lis.map((li) => li.dataset.activityType))
    for (const type of ['created', 'assigned', 'communication_logged', 'task_created', 'task_completed', 'note_added'])
      assert.ok(types.includes(type), `the timeline shows ${type}`)
  })
  await step('Activity Timeline: who did what and when', async () => {
    const created = entries(owner, 'created')
    assert.match(await created.innerText(), new RegExp(admin.name))
    assert.ok(await created.locator('time[datetime]').getAttribute('datetime'), 'each entry says when')
    await entries(owner, 'task_completed', `${ava.name} completed the task “Send the quote”`).waitFor()
  })
  await step('Activity Timeline: complete audit trail (oldest at the bottom, nothing missing)', async () => {
    const types = await owner.page
      .locator('#timeline li[data-activity-type]')
      .evaluateAll((lis) => lis.map((li) => li.dataset.activityType))
    assert.equal(types.at(-1), 'created', 'the lead’s creation is the oldest entry')
    assert.equal(types.filter((type) => type === 'note_added').length, 2)
  })
  await step('Activity Timeline: track team engagement (everyone who worked the lead is named)', async () => {
    const text = await owner.page.locator('#timeline').innerText()
    for (const who of [admin, ava]) assert.ok(text.includes(who.name), `${who.name} is in the timeline`)
  })

  assertNoProblems(team)
})

test('Best Practices', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava, bo } = team
  let lead
  // 1. Clear Assignments
  await step('Clear Assignments: assign leads promptly', async () => {
    lead = await typeInLead(team, admin, 'Practised Lead', { email: `practised.${Date.now()}@example.org` })
    await assignOnLeadPage(team, admin, lead, ava)
  })
  await step(
    'Clear Assignments: don’t leave leads unassigned for long (how long each has waited, how many wait)',
    async () => {
      const waiting = await typeInLead(team, admin, 'Waiting Lead')
      await openPage(team, admin, '/leads')
      assert.match(await unassignedCell(admin, waiting).innerText(), UNASSIGNED_AGE)
      const label = (await admin.page.locator('#assignee-filter option[value="unassigned"]').innerText()).trim()
      await filterByAssignee(admin.page, label, 'unassigned')
      await admin.page.locator(`#lead-list tr[data-lead-id="${waiting.id}"]`).waitFor()
      const listed = await admin.page.locator('#lead-list tr[data-lead-id]').count()
      assert.equal(label, `Unassigned (${listed})`, 'the filter counts the leads it lists')
      await assignOnLeadPage(team, admin, waiting, bo)
    },
  )
  await step('Clear Assignments: make ownership clear', async () => {
    await openPage(team, owner, `/leads/${lead.id}`)
    assert.equal((await owner.page.locator('#assignment ul.assignees').innerText()).trim(), ava.name)
    const why = owner.page.locator(`#who-can-see li[data-member-id="${ava.userId}"]`)
    assert.equal(await why.getAttribute('data-reasons'), 'assignee')
  })

  // 2. Communication
  await step('Communication: use notes for team context', async () => {
    await openPage(team, ava, `/leads/${lead.id}`)
    await addNote(ava, 'Budget is approved for Q3.')
  })
  await step(
    'Communication: mention team members in notes (by first name, or typing @ and choosing with Enter)',
    async () => {
      const note = ava.page.locator('#note-body')
      await note.fill('@Adam can you join the call on Monday? cc ')
      await note.pressSequentially('@Ol')
      await ava.page.locator('#mention-suggestions [data-mention]', { hasText: owner.name }).waitFor()
      await note.press('Enter')
      assert.equal(await note.inputValue(), `@Adam can you join the call on Monday? cc @${owner.name} `)
      await submitAndWait(ava.page, ava.page.getByRole('button', { name: 'Add note' }))
      const entry = entries(ava, 'note_added', 'join the call on Monday')
      assert.deepEqual(await entry.locator('.mention').allInnerTexts(), [`@${admin.name}`, `@${owner.name}`])
    },
  )
  await step('Communication: keep everyone informed (the mentioned members are notified)', async () => {
    for (const who of [admin, owner]) await notifiedOf(team, who, `${ava.name} mentioned you in a note on ${lead.name}`)
  })
  await step('Communication: avoid duplicate work (one lead per email address: a second one is refused)', async () => {
    await openPage(team, bo, '/leads/new')
    await bo.page.locator('input[name=name]').fill('Practised Lead again')
    await bo.page.locator('input[name=email]').fill(lead.email)
    await bo.page.getByRole('button', { name: 'Create lead' }).click()
    await bo.page.locator('[data-error-for="email"]').waitFor()
    assert.match(await bo.page.locator('[data-error-for="email"]').innerText(), /already/i)
  })

  // 3. Handoffs
  const note = 'Ava is on holiday from Monday; the demo is booked for the 14th, slides in the shared drive.'
  await step('Handoffs: update assignment when transferring; add note explaining handoff', async () => {
    await assignOnLeadPage(team, admin, lead, bo, note)
    await entries(admin, 'transferred', `from ${ava.name} to ${bo.name}`).waitFor()
  })
  await step('Handoffs: ensure new person has context', async () => {
    await notifiedOf(team, bo, `${admin.name} transferred ${lead.name} to you from ${ava.name}`)
    await openPage(team, bo, `/leads/${lead.id}`)
    const waiting = bo.page.locator('[data-handoff="waiting-for-you"]')
    assert.match(await waiting.innerText(), new RegExp(note.slice(0, 30)))
    await entries(bo, 'note_added', 'Budget is approved').waitFor()
  })
  await step('Handoffs: verify handoff complete (the new owner’s “Got it”)', async () => {
    await submitAndWait(bo.page, bo.page.getByRole('button', { name: 'Got it' }))
    await entries(bo, 'handoff_acknowledged', `${bo.name} acknowledged the handoff from ${ava.name}`).waitFor()
    await openPage(team, admin, `/leads/${lead.id}`)
    await admin.page.locator('[data-handoff="acknowledged"]').waitFor()
  })

  // 4. Team Awareness
  await step('Team Awareness: review unassigned leads regularly (each says how long it has waited)', async () => {
    const fresh = await typeInLead(team, admin, 'Review Lead')
    await openPage(team, owner, '/leads?assignee=unassigned')
    assert.match(await unassignedCell(owner, fresh).innerText(), UNASSIGNED_AGE)
    const shown = await owner.page.locator('#lead-list tr[data-lead-id] [data-assignee-id]').count()
    assert.equal(shown, 0, 'only leads without an assignee')
    const cells = await owner.page.locator('#lead-list tr[data-lead-id] td.assigned > span').allInnerTexts()
    for (const cell of cells) assert.match(cell, UNASSIGNED_AGE)
    const label = await owner.page.locator('#assignee-filter option[value="unassigned"]').innerText()
    assert.equal(label.trim(), `Unassigned (${cells.length})`)
  })
  await step('Team Awareness: balance workload across team (each member’s open leads on the Team page)', async () => {
    await openPage(team, owner, '/team')
    const row = owner.page.locator(`#team-list tr[data-member-id="${bo.userId}"]`)
    assert.match(await row.innerText(), /\b2\b/, 'Bo has two open leads')
  })
  await step('Team Awareness: share important updates', async () => {
    await openPage(team, bo, `/leads/${lead.id}`)
    await setStatus(bo, 'Qualified', 'Demo went well, they asked for a quote')
    await openPage(team, owner, `/leads/${lead.id}`)
    await entries(owner, 'status_changed', 'Demo went well, they asked for a quote').waitFor()
  })
  await step('Team Awareness: coordinate on shared leads (who else has the lead open)', async () => {
    await openPage(team, bo, `/leads/${lead.id}`)
    await owner.page.locator('#presence li[data-user-id]', { hasText: bo.name }).waitFor()
    await bo.page.locator('#presence li[data-user-id]', { hasText: owner.name }).waitFor()
  })

  assertNoProblems(team)
})

test('Notifications', async (t) => {
  await team.ready()
  const step = stepsOf(t)
  const { owner, admin, ava } = team
  let lead
  const badge = () => ava.page.locator('#notification-count')
  let before
  // Assignment Notifications
  await step('(Ava is on her lead list; an Admin types in a lead)', async () => {
    await openPage(team, ava, '/leads')
    before = Number(await badge().innerText())
    lead = await typeInLead(team, admin, 'Notified Lead')
  })
  await step('Assignment Notifications: when a lead is assigned, the assigned person gets notification', async () => {
    await assignOnLeadPage(team, admin, lead, ava)
    // The badge counts up without a reload (it asks every 3 s).
    await ava.page.waitForFunction(
      (n) => Number(document.getElementById('notification-count')?.textContent) > n,
      before,
    )
  })
  await step('Assignment Notifications: email notification sent (if enabled)', async () => {
    const { article } = await emailedLink(ava.page, ava.email, `/leads/${lead.id}`)
    assert.match(await article.innerText(), new RegExp(`${admin.name} assigned you ${lead.name}`))
  })
  await step('Assignment Notifications: appears in notifications feed', async () => {
    await notifiedOf(team, ava, `${admin.name} assigned you ${lead.name}`)
  })
  await step('Assignment Notifications: lead appears in their list', async () => {
    await openPage(team, ava, '/leads?assignee=me')
    await ava.page.locator(`#lead-list tr[data-lead-id="${lead.id}"]`).waitFor()
  })

  // Activity Notifications: team members get notified when…
  await step('Activity Notifications: communications added to assigned leads', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    await logCommunication(admin, 'Meeting', 'Met them at the trade fair')
    await notifiedOf(team, ava, `${admin.name} logged a communication on ${lead.name}`)
  })
  await step(
    'Activity Notifications: tasks created for assigned leads (told to the lead’s assignee, whoever it is for)',
    async () => {
      await addTask(admin, 'Book the follow-up', '2030-02-01', owner)
      await notifiedOf(team, ava, `${admin.name} added the task “Book the follow-up” for ${owner.name} on ${lead.name}`)
    },
  )
  await step('Activity Notifications: status changes on assigned leads', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    await setStatus(admin, 'Contacted')
    await notifiedOf(team, ava, `${admin.name} changed the status of ${lead.name} to Contacted`)
  })
  await step('Activity Notifications: important updates happen (a note on her lead)', async () => {
    await openPage(team, admin, `/leads/${lead.id}`)
    await addNote(admin, 'They signed the NDA.')
    await notifiedOf(team, ava, `${admin.name} added a note on ${lead.name}`)
  })

  // Managing Notifications
  const statusRow = 'The status of your lead changes: in the app'
  await step(
    'Managing Notifications: adjust notification preferences in settings (from Settings, the account page, the feed)',
    async () => {
      const heading = (who) => who.page.getByRole('heading', { level: 1, name: 'Notification preferences' })
      await openPage(team, admin, '/settings')
      await admin.page.getByRole('link', { name: 'Your notification preferences' }).click()
      await heading(admin).waitFor()
      await openPage(team, ava, '/notifications')
      await ava.page.getByRole('link', { name: 'Notification preferences' }).click()
      await heading(ava).waitFor()
      // An Agent has no Settings: her account page links the preferences of each of her organizations.
      await ava.page.goto(appUrl(ava.page, '/account'))
      await ava.page.locator(`main a[href="/o/${team.slug}/preferences"]`).click()
      await heading(ava).waitFor()
    },
  )
  await step('Managing Notifications: choose what notifications to receive', async () => {
    await ava.page.getByLabel(statusRow).uncheck()
    await submitAndWait(ava.page, ava.page.getByRole('button', { name: 'Save preferences' }))
    await ava.page.getByText('Preferences saved.').waitFor()
    assert.equal(await ava.page.getByLabel(statusRow).isChecked(), false)
    await openPage(team, admin, `/leads/${lead.id}`)
    await setStatus(admin, 'Won')
    await addNote(admin, 'Contract signed.')
    // The note's notification came; the status change before it was not told to her.
    const feed = await notifiedOf(team, ava, `${admin.name} added a note on ${lead.name}`)
    assert.ok((await feed.count()) >= 1)
    const won = ava.page.locator('#notification-list li', { hasText: `${lead.name} to Won` })
    assert.equal(await won.count(), 0, 'no notification of the status change')
  })
  await step(
    'Managing Notifications: balance staying informed vs. notifications overload (a daily digest)',
    async () => {
      await openPage(team, ava, '/preferences')
      await ava.page.getByLabel('Daily digest of unread notifications').selectOption({ index: 9 })
      const chosen = await ava.page.getByLabel('Daily digest of unread notifications').inputValue()
      await ava.page.getByRole('button', { name: 'Save preferences' }).click()
      await ava.page.getByText('Preferences saved.').waitFor()
      assert.equal(await ava.page.getByLabel('Daily digest of unread notifications').inputValue(), chosen)
    },
  )
  await step('Managing Notifications: use filters to focus on important updates', async () => {
    await openPage(team, ava, '/notifications')
    await ava.page.getByLabel('Kind of notification').selectOption({ label: 'A note is added to your lead' })
    await ava.page.locator('form[aria-label="Filter notifications"]').getByRole('button', { name: 'Filter' }).click()
    await ava.page.waitForURL((url) => url.searchParams.get('type') === 'note_added')
    const items = await ava.page.locator('#notification-list li[data-notification-id]').allInnerTexts()
    assert.ok(items.length >= 2)
    for (const item of items) assert.match(item, /added a note on/)
  })

  assertNoProblems(team)
})
