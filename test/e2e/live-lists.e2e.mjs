// Browser test: the lists move by themselves (docs/ARCHITECTURE.md "Live lists"). An Owner works; Bo (Agent) and
// Cy (Admin) keep the lead list, My tasks and the team page open. An assignment, a status change, a new lead, a task
// and a bulk assignment reach each of them within 2 s without reloading, each as that person may see it, and Cy's
// ticked box and open row menu (with what Cy typed in it) stay as they were.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, inviteAndJoin, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** How long a change may take to reach another person's open page. */
const LIVE_MS = 2_000

/** Marks the page so a later check can tell it was not reloaded. */
const mark = (page) => page.evaluate(() => (window.__notReloaded = true))
const notReloaded = async (page) => assert.ok(await page.evaluate(() => window.__notReloaded === true), 'not reloaded')
const row = (page, name) => page.locator('#lead-list tbody tr[data-lead-id]', { hasText: name })
/** Waits until the row `name` on `page` says it is assigned to `who` (the row's own text, not its menu's choices). */
const assignedTo = (page, name, who) =>
  row(page, name).locator('td.assigned > [data-assignee-id]', { hasText: who }).waitFor({ timeout: LIVE_MS })

/**
 * Clicks `button` and waits until the server has answered its POST to a path ending in `path`: the change is
 * committed, and the others' 2 s start.
 */
async function commit(page, button, path) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(path)),
    button.click(),
  ])
}

/** A page of `person`'s own browser (their session) at `path`, connected to the organization's room. */
async function open(person, path) {
  const page = await person.context.newPage()
  await page.goto(appUrl(person.page, path))
  await page.locator('#org-live').waitFor({ state: 'attached' })
  return page
}

/** Creates leads through the create form's POST (as the browser would send it). */
async function seedLeads(page, slug, names) {
  const origin = new URL(page.url()).origin
  for (const name of names) {
    const res = await page.request.post(appUrl(page, `/o/${slug}/leads`), {
      form: { name },
      headers: { Origin: origin },
    })
    assert.equal(res.status(), 200, `lead ${name} created (after its redirect)`)
  }
}

describe('live lists', () => {
  it('an assignment, a status change, a new lead, a task and a bulk action reach the others without reloading', async (t) => {
    const { page: a, problems } = await newPage(t)
    const slug = await signUp(a, {
      name: 'Olga Owner',
      email: `live-lists-${runId}@example.com`,
      password: 'live-lists-password',
      organization: `Live Lists ${runId}`,
    })
    const person = (tag, name) => ({
      name,
      email: `live-lists-${tag}-${runId}@example.com`,
      password: `${tag}-password`,
    })
    const bo = await inviteAndJoin(t, a, slug, person('bo', 'Bo Agent'), 'Agent')
    const cy = await inviteAndJoin(t, a, slug, person('cy', 'Cy Admin'), 'Admin')
    await seedLeads(a, slug, ['Maria Live', 'Keep Ticked', 'Menu Open'])

    // Bo watches his leads and his tasks; Cy the leads and the team. Cy ticks a box and types in a row's menu.
    const boList = await open(bo, `/o/${slug}/leads`)
    const boTasks = await open(bo, `/o/${slug}/tasks`)
    const cyList = await open(cy, `/o/${slug}/leads`)
    const cyTeam = await open(cy, `/o/${slug}/team`)
    const watching = [boList, boTasks, cyList, cyTeam]
    await Promise.all(watching.map(mark))
    await row(cyList, 'Keep Ticked').locator('input[name=leadIds]').check()
    const menu = row(cyList, 'Menu Open').locator('details.row-menu')
    await menu.locator('summary').click()
    await menu.locator('textarea[name=note]').fill('Half typed note')
    const boCell = `tr[data-member-id="${bo.userId}"] td[data-open-leads]`
    const boCount = cyTeam.locator(boCell)
    const countIs = (n) =>
      cyTeam.waitForFunction(([cell, text]) => document.querySelector(cell)?.textContent === text, [boCell, n], {
        timeout: LIVE_MS,
      })
    assert.equal(await boCount.innerText(), '0')
    assert.equal(await row(boList, 'Maria Live').count(), 0, 'Bo sees none of the leads yet')

    // 1. The Owner assigns Maria to Bo on her page.
    await a.goto(appUrl(a, `/o/${slug}/leads`))
    await row(a, 'Maria Live').locator('a').first().click()
    await a.waitForURL(/\/leads\/[0-9a-f-]{36}$/)
    const maria = new URL(a.url()).pathname
    await a.getByLabel('Assign to').selectOption({ label: 'Bo Agent' })
    await commit(a, a.getByRole('button', { name: 'Assign', exact: true }), '/assign')
    await row(boList, 'Maria Live').locator('.live-new-label').waitFor({ timeout: LIVE_MS })
    await assignedTo(cyList, 'Maria Live', 'Bo Agent')
    await countIs('1')

    // 2. She changes its status.
    await a.goto(appUrl(a, maria))
    await a.locator('#status-form select[name=status]').selectOption('contacted')
    await commit(a, a.locator('#status-form').getByRole('button', { name: 'Update status' }), '/status')
    for (const list of [boList, cyList])
      await row(list, 'Maria Live').locator('.status', { hasText: 'Contacted' }).waitFor({ timeout: LIVE_MS })

    // 3. She gives Bo a task on it: his My tasks shows it.
    await a.goto(appUrl(a, maria))
    await a.locator('#tasks summary').click()
    const taskForm = a.locator(`form[action$="/tasks"]`)
    await taskForm.locator('input[name=title]').fill('Call Maria back')
    await taskForm.locator('input[name=dueDate]').fill('2030-01-15')
    await taskForm.locator('select[name=assigneeId]').selectOption({ label: 'Bo Agent' })
    await commit(a, taskForm.getByRole('button', { name: 'Add task' }), '/tasks')
    await boTasks.locator('#task-list li', { hasText: 'Call Maria back' }).waitFor({ timeout: LIVE_MS })

    // 4. A new lead: Cy (Admin) sees it arrive, marked new; Bo (Agent) may not see it.
    await seedLeads(a, slug, ['Newton Fresh'])
    await row(cyList, 'Newton Fresh').locator('.live-new-label').waitFor({ timeout: LIVE_MS })

    // 5. A bulk assignment from the Owner's list: Cy's rows follow, with the box still ticked and the menu still open.
    await a.goto(appUrl(a, `/o/${slug}/leads`))
    for (const name of ['Keep Ticked', 'Menu Open']) await row(a, name).locator('input[name=leadIds]').check()
    const bar = a.locator('#bulk-form .bulk-bar')
    await bar.getByLabel('Assign to team member').selectOption({ label: 'Bo Agent' })
    await commit(a, bar.getByRole('button', { name: 'Assign', exact: true }), '/bulk-assign')
    for (const name of ['Keep Ticked', 'Menu Open']) {
      await assignedTo(cyList, name, 'Bo Agent')
      await row(boList, name).waitFor({ timeout: LIVE_MS })
    }
    await countIs('3')
    assert.ok(
      await row(cyList, 'Keep Ticked').locator('input[name=leadIds]').isChecked(),
      'the ticked box stays ticked',
    )
    assert.ok(await menu.evaluate((details) => details.open), 'the open row menu stays open')
    assert.equal(await menu.locator('textarea[name=note]').inputValue(), 'Half typed note', 'what Cy typed stays')
    assert.ok(
      await menu.locator('textarea[name=note]').evaluate((box) => box === document.activeElement),
      'and its focus',
    )
    assert.equal(await row(boList, 'Newton Fresh').count(), 0, 'Bo is never shown a lead he may not see')
    for (const page of watching) await notReloaded(page)
    await screenshot(cyList, 'live-lists-admin')
    await screenshot(boList, 'live-lists-agent')
    assert.deepEqual(
      problems.filter((p) => !/\/notifications\/count failed: net::ERR_ABORTED$/.test(p)),
      [],
    )
  })
})
