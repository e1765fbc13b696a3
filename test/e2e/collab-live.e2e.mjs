// Browser test: two people on one lead see each other's changes live (LeadRoom over the htmx ws
// extension): A adds a note mentioning B, B sees it within 2 s without reloading and B's notification
// badge goes up; B completes a task and A sees it (timeline and Tasks list); B logs calls and A's
// Communications list shows them while A's half-typed form stays; each sees the other in the presence list.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, createLead, invitationLink, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** Marks the page so a later check can tell it was not reloaded. */
const mark = (page) => page.evaluate(() => (window.__notReloaded = true))
const notReloaded = (page) => page.evaluate(() => window.__notReloaded === true)
const badge = async (page) => Number(await page.locator('#notification-count').innerText())
/**
 * Marks what `page` shows now; answers a wait for the page a boosted form post answers with (htmx swaps in the
 * whole body). The other person's live update can arrive before it: typing on in between would type into a
 * form about to be replaced.
 */
async function nextPage(page) {
  await page.locator('main').evaluate((main) => main.setAttribute('data-replaced-soon', ''))
  return () => page.locator('main:not([data-replaced-soon])').waitFor()
}

describe('working a lead together, live', () => {
  test('notes, mentions, tasks and presence reach the other person without reloading', async (t) => {
    const ana = {
      name: `Ana ${runId}`,
      email: `ana.live+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Live Co ${runId}`,
    }
    const ben = { name: `Ben ${runId}`, email: `ben.live+${runId}@example.com`, password: 'staple battery horse' }

    // A signs up, adds a lead and invites B as an Admin (who sees every lead).
    // A works from Berlin (the browser's time zone becomes hers at sign-up); B from UTC.
    const { page: a, problems: aProblems } = await newPage(t, { timezoneId: 'Europe/Berlin' })
    const slug = await signUp(a, ana)
    const leadId = await createLead(a, slug, { name: `Grace ${runId}`, email: `grace+${runId}@example.org` })
    await a.goto(`/o/${slug}/team`)
    const invite = a.locator(`form[action="/o/${slug}/team/invitations"]`)
    await invite.locator('input[name=email]').fill(ben.email)
    await invite.locator('select[name=role]').selectOption({ label: 'Admin' })
    await Promise.all([a.waitForURL(/done=invited/), invite.getByRole('button', { name: 'Send invitation' }).click()])
    const { link } = await invitationLink(a, ben.email)
    const { page: b, problems: bProblems } = await newPage(t)
    await b.goto(link)
    await b.locator('input[name=name]').fill(ben.name)
    await b.locator('input[name=password]').fill(ben.password)
    await Promise.all([
      b.waitForURL((url) => url.pathname === `/o/${slug}/leads`),
      b.getByRole('button', { name: 'Create account and join' }).click(),
    ])

    // Both open the lead; each sees the other in the presence list.
    const leadPath = `/o/${slug}/leads/${leadId}`
    await a.goto(leadPath)
    await b.goto(appUrl(b, leadPath))
    await a.locator('#presence li[data-user-id]', { hasText: ben.name }).waitFor()
    await b.locator('#presence li[data-user-id]', { hasText: ana.name }).waitFor()

    // B changes the status: A's status box follows without reloading.
    await mark(a)
    await b.locator('#status-form select[name=status]').selectOption('contacted')
    await b.locator('#status-form').getByRole('button', { name: 'Update status' }).click()
    await a.waitForFunction(
      () => document.querySelector('#status-form select[name=status]')?.value === 'contacted',
      null,
      {
        timeout: 2_000,
      },
    )
    assert.ok(await notReloaded(a), 'A saw the status without reloading')

    // A gives B a task (A's page reloads after the form; B's does not).
    await mark(b)
    await a.locator('#tasks summary').click()
    const taskForm = a.locator(`form[action="${leadPath}/tasks"]`)
    await taskForm.locator('input[name=title]').fill('Send the quote')
    await taskForm.locator('input[name=dueDate]').fill('2030-01-15')
    await taskForm.locator('select[name=assigneeId]').selectOption({ label: ben.name })
    const taskAnswered = await nextPage(a)
    await taskForm.getByRole('button', { name: 'Add task' }).click()
    await taskAnswered()
    // A's new page has connected again (presence comes over its socket) and caught up from D1 (the catch-up reloads
    // the timeline): only then is it done changing by itself. Typing survives a swap even before (public/app.js).
    await a.locator('#presence li[data-user-id]', { hasText: ben.name }).waitFor()
    await a.locator('#timeline li[data-activity-type="task_created"]').waitFor()
    await a.locator('#tasks li[data-task-id]', { hasText: 'Send the quote' }).waitFor()
    await b.locator('#timeline li[data-activity-type="task_created"]').waitFor({ timeout: 2_000 })
    await b.locator('#tasks-items li[data-task-id]', { hasText: 'Send the quote' }).waitFor({ timeout: 2_000 })
    assert.ok(await notReloaded(b), 'B saw the task without reloading')

    // A adds a note mentioning B: it appears on B's page within 2 s, in the timeline and in the Notes section
    // (while B is typing a note of their own, which stays), and B's badge goes up.
    await b.locator('#notification-count').waitFor()
    const before = await badge(b)
    await b.locator('#note-body').fill('Half a thought')
    const note = a.locator('#note-body')
    await note.fill('Hello ')
    await note.pressSequentially('@Be')
    await a.locator('#mention-suggestions [data-mention]', { hasText: ben.name }).click()
    assert.equal(await note.inputValue(), `Hello @${ben.name} `, 'the suggestion completes the mention')
    await note.pressSequentially('please call them')
    const noteAnswered = await nextPage(a)
    await a.getByRole('button', { name: 'Add note' }).click()
    const started = Date.now()
    const seen = b.locator('#timeline li[data-activity-type="note_added"]', { hasText: 'please call them' })
    await seen.waitFor({ timeout: 2_000 })
    assert.ok(Date.now() - started <= 2_000)
    assert.equal(await seen.count(), 1, 'the note shows once')
    assert.equal(await seen.locator('.mention').innerText(), `@${ben.name}`)
    await b.locator('#notes-items li[data-note-id]', { hasText: 'please call them' }).waitFor({ timeout: 2_000 })
    assert.equal(await b.locator('#note-body').inputValue(), 'Half a thought', 'B’s own note box keeps what B typed')
    assert.ok(await notReloaded(b), 'B saw the note without reloading')
    await b.waitForFunction((n) => Number(document.getElementById('notification-count')?.textContent) > n, before, {
      timeout: 8_000,
    })
    await screenshot(b, 'collab-live-note')
    await noteAnswered()

    // B completes the task from "My tasks"; A, still on the lead, sees it without reloading.
    await mark(a)
    await b.goto(appUrl(b, `/o/${slug}/tasks`))
    const task = b.locator('#task-list li[data-task-id]', { hasText: 'Send the quote' })
    assert.equal(await task.getAttribute('data-due'), 'upcoming')
    await task.getByRole('button', { name: 'Complete' }).click()
    await a.locator('#timeline li[data-activity-type="task_completed"]').waitFor({ timeout: 2_000 })
    await a.locator('#tasks-items li[data-done="true"]', { hasText: 'Send the quote' }).waitFor({ timeout: 2_000 })
    assert.ok(await notReloaded(a), 'A saw the completion without reloading')
    await b.locator('#task-list li[data-task-id]', { hasText: 'Send the quote' }).waitFor({ state: 'detached' })
    // B comes back to the lead: each sees the other again.
    await b.goto(appUrl(b, leadPath))
    await a.locator('#presence li[data-user-id]', { hasText: ben.name }).waitFor()
    await b.locator('#presence li[data-user-id]', { hasText: ana.name }).waitFor()
    await screenshot(a, 'collab-live-task')

    // B logs a call; it appears in A's Communications list, with no Edit link unless A may change it.
    await b.locator('#communications summary').click()
    const callForm = b.locator(`form[action="${leadPath}/communications"]`)
    await callForm.locator('textarea[name=summary]').fill('Left a voicemail')
    const callAnswered = await nextPage(b)
    await callForm.getByRole('button', { name: 'Log it' }).click()
    const call = a.locator('#communications-items li[data-communication-id]', { hasText: 'Left a voicemail' })
    await call.waitFor({ timeout: 2_000 })
    assert.ok(await notReloaded(a), 'A saw the call without reloading')
    // Its live timeline entry, rendered once for everyone, shows the call's time in A's time zone.
    const entry = a.locator('#timeline li[data-activity-type="communication_logged"] time[data-zoned]').first()
    assert.match(await entry.innerText(), /\(Europe\/Berlin\)$/)
    // A's open form keeps what A was typing while the list above it reloads.
    await a.locator('#tasks summary').click()
    await a.locator(`form[action="${leadPath}/tasks"] input[name=title]`).fill('Half typed')
    // B's page has finished its own boosted post before B starts again.
    await callAnswered()
    await b.locator('#communications-items li', { hasText: 'Left a voicemail' }).waitFor()
    await b.goto(appUrl(b, leadPath))
    await b.locator('#communications summary').click()
    await b.locator(`form[action="${leadPath}/communications"] textarea[name=summary]`).fill('Second call')
    await b.locator(`form[action="${leadPath}/communications"]`).getByRole('button', { name: 'Log it' }).click()
    await a.locator('#communications-items li', { hasText: 'Second call' }).waitFor({ timeout: 2_000 })
    assert.equal(await a.locator(`form[action="${leadPath}/tasks"] input[name=title]`).inputValue(), 'Half typed')

    // A looks at the Notes of the timeline: a note B adds arrives live; a call B logs does not enter that list (it
    // still reaches A's Communications section, from the same live message).
    await b.locator('#communications-items li', { hasText: 'Second call' }).waitFor()
    await a.goto(appUrl(a, `${leadPath}?type=notes#timeline`))
    await a.locator('#presence li[data-user-id]', { hasText: ben.name }).waitFor()
    await b.goto(appUrl(b, leadPath))
    await b.locator('#communications summary').click()
    await b.locator(`form[action="${leadPath}/communications"] textarea[name=summary]`).fill('Third call')
    await b.locator(`form[action="${leadPath}/communications"]`).getByRole('button', { name: 'Log it' }).click()
    await a.locator('#communications-items li', { hasText: 'Third call' }).waitFor({ timeout: 2_000 })
    assert.equal(await a.locator('#timeline li[data-activity-type="communication_logged"]').count(), 0)
    await b.locator('#communications-items li', { hasText: 'Third call' }).waitFor()
    await b.locator('#note-body').fill('Noted while filtered')
    await b.getByRole('button', { name: 'Add note' }).click()
    await a.locator('#timeline li[data-activity-type="note_added"]', { hasText: 'Noted while filtered' }).waitFor({
      timeout: 2_000,
    })
    assert.equal(await a.locator('#timeline li[data-activity-type="communication_logged"]').count(), 0)

    // The header badge polls every few seconds; a poll cut short by B's own navigation is not a failure.
    const real = (problems) => problems.filter((p) => !/\/notifications\/count failed: net::ERR_ABORTED$/.test(p))
    assert.deepEqual(real(aProblems), [])
    assert.deepEqual(real(bProblems), [])
  })
})
