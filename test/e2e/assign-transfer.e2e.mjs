// Browser test: an Admin bulk-assigns leads to an Agent, who finds them under "Assigned to me"; the
// Admin then transfers one to a second Agent with a handoff note, and the first Agent still opens it
// and sees whom it went to and why; finally the Admin assigns a lead from its row menu in the list.
// App bugs met on the way are stepped around so every step is still checked, then reported together
// at the end (the `bugs` list), with the browser problems of all four people.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  appUrl,
  createLead,
  inviteAndJoin,
  leadRows,
  newPage,
  runId,
  screenshot,
  signUp,
  useBrowser,
} from './browser.mjs'

useBrowser()

/** The ids of the rows now in the lead list, sorted. */
const rowIds = async (page) => (await leadRows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.leadId))).sort()

/** `ids`, sorted (for comparing with rowIds). */
const sorted = (ids) => [...ids].sort()

/**
 * Picks `label` in the list's "Assigned to" filter like a person and waits for htmx's request with
 * `assignee=value`, the swap that follows, and the pushed URL.
 */
async function filterByAssignee(page, label, value) {
  const answered = page.waitForResponse((res) => {
    const url = new URL(res.url())
    return (
      res.request().headers()['hx-request'] === 'true' &&
      url.pathname.endsWith('/leads') &&
      url.searchParams.get('assignee') === value
    )
  })
  await page.locator('form.filters select[name=assignee]').selectOption({ label })
  const res = await answered
  assert.equal(res.status(), 200, `filter request ${res.url()} answered ${res.status()}`)
  await page.waitForFunction((v) => {
    const url = window.__lastSettledURL
    return Boolean(url) && new URL(url, location.href).searchParams.get('assignee') === v
  }, value)
  await page.waitForURL((url) => url.searchParams.get('assignee') === value) // hx-push-url
}

/**
 * Runs `action` (a pick in some <select>) and answers the htmx requests it started, as
 * "VERB /path"; when there were any, waits until their swaps have settled.
 */
async function htmxRequestsOf(page, action) {
  await page.evaluate(() => {
    window.__htmxLog = { sent: [], settled: 0 }
    if (!window.__htmxLogInstalled) {
      window.__htmxLogInstalled = true
      // htmx fires htmx:beforeRequest synchronously from the triggering event (here: change).
      document.addEventListener('htmx:beforeRequest', (e) =>
        window.__htmxLog.sent.push(`${e.detail.requestConfig.verb.toUpperCase()} ${e.detail.requestConfig.path}`),
      )
      document.addEventListener('htmx:afterSettle', () => window.__htmxLog.settled++)
    }
  })
  await action()
  const sent = await page.evaluate(() => window.__htmxLog.sent)
  if (sent.length > 0) await page.waitForFunction((n) => window.__htmxLog.settled >= n, sent.length)
  return sent
}

describe('assignment and transfer', () => {
  test('an Admin bulk-assigns leads to an Agent, transfers one with a handoff note, and assigns one from the row menu', async (t) => {
    const owner = {
      name: 'Oona Owner',
      email: `oona+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Transfer Co ${runId}`,
    }
    const agent1 = { name: 'Avery Agent', email: `avery+${runId}@example.com`, password: 'staple battery horse' }
    const agent2 = { name: 'Blake Agent', email: `blake+${runId}@example.com`, password: 'battery staple horse' }
    const admin = { name: 'Adele Admin', email: `adele+${runId}@example.com`, password: 'horse staple battery' }
    const leads = ['Mary Jackson', 'Dorothy Vaughan', 'Annie Easley', 'Hedy Lamarr', 'Radia Perlman'].map(
      (name, i) => ({
        name: `${name} ${runId}`,
        email: `lead${i}+${runId}@example.org`,
        company: `Company ${i + 1}`,
      }),
    )
    const note = `Avery is on leave next week; Blake knows the account. Call before Friday (${runId}).`
    /** App bugs met on the way and stepped around, so the rest of the flow is still checked; reported at the end. */
    const bugs = []

    // 1. The Owner signs up and invites two Agents and an Admin, who each join in their own browser.
    const { page: ownerPage, problems: ownerProblems } = await newPage(t)
    const slug = await signUp(ownerPage, owner)
    const a1 = await inviteAndJoin(t, ownerPage, slug, agent1, 'Agent')
    const a2 = await inviteAndJoin(t, ownerPage, slug, agent2, 'Agent')
    const ad = await inviteAndJoin(t, ownerPage, slug, admin, 'Admin')
    const adminPage = ad.page

    // 2. The Admin creates five leads; leads an Admin creates start unassigned.
    const leadIds = []
    for (const lead of leads) leadIds.push(await createLead(adminPage, slug, lead))
    assert.deepEqual(await rowIds(adminPage), sorted(leadIds), 'the Admin sees the five new leads')
    assert.equal(
      await adminPage.locator('#lead-list [data-assignee-id]').count(),
      0,
      'new leads of an Admin are unassigned',
    )

    // 3. The Admin ticks three leads; the bulk bar appears; Assign gives them to the first Agent.
    const bulk = leadIds.slice(0, 3)
    const rest = leadIds.slice(3)
    const bar = adminPage.locator('#bulk-form .bulk-bar')
    const ticked = adminPage.locator('#lead-list input[name=leadIds]:checked')
    const tickAndPick = async () => {
      assert.equal(await bar.isVisible(), false, 'no bulk bar while nothing is ticked')
      for (const id of bulk) await adminPage.locator(`#lead-list input[name=leadIds][value="${id}"]`).check()
      await bar.waitFor({ state: 'visible' })
      return htmxRequestsOf(adminPage, () =>
        bar.getByLabel('Assign to team member').selectOption({ label: agent1.name }),
      )
    }
    let reloads = await tickAndPick()
    if (reloads.length > 0) {
      bugs.push(
        `Bulk bar: picking "${agent1.name}" in "Assign to team member" with 3 leads ticked sent ${reloads.join(', ')} and reloaded the ` +
          `list: ${await ticked.count()} leads still ticked, bulk bar ${(await bar.isVisible()) ? 'visible' : 'gone (and Assign with it)'}`,
      )
      // Again: htmx bound the filter form's `change from:select` to the selects present at page load, so
      // the swapped-in list's selects no longer reload it.
      reloads = await tickAndPick()
      assert.deepEqual(reloads, [], 'picking an assignee in the bulk bar a second time starts no request')
    }
    assert.deepEqual(
      await ticked.evaluateAll((boxes) => boxes.map((b) => b.value).sort()),
      sorted(bulk),
      'the three leads are still ticked',
    )
    assert.equal(await bar.getByLabel('Assign to team member').inputValue(), a1.userId)
    await screenshot(adminPage, 'assign-bulk-bar')
    const listURL = adminPage.url()
    const [bulkRes] = await Promise.all([
      adminPage.waitForResponse(
        (res) => new URL(res.url()).pathname === `/o/${slug}/leads/bulk-assign` && res.request().method() === 'POST',
      ),
      bar.getByRole('button', { name: 'Assign', exact: true }).click(),
    ])
    assert.equal(bulkRes.status(), 200, 'bulk assignment answered 200')
    await adminPage
      .locator('#bulk-notice')
      .filter({ hasText: `3 leads assigned to ${agent1.name}.` })
      .waitFor()
    assert.equal((await adminPage.locator('#bulk-notice').innerText()).trim(), `3 leads assigned to ${agent1.name}.`)
    assert.equal(adminPage.url(), listURL, 'the bulk action stays on the list')
    for (const id of bulk) {
      const cell = adminPage.locator(`#lead-list tr[data-lead-id="${id}"] [data-assignee-id]`)
      assert.equal(await cell.getAttribute('data-assignee-id'), a1.userId, `lead ${id} now shows the first Agent`)
      assert.equal((await cell.innerText()).trim(), agent1.name)
    }
    for (const id of rest) {
      assert.equal(
        await adminPage.locator(`#lead-list tr[data-lead-id="${id}"] [data-assignee-id]`).count(),
        0,
        `lead ${id} is still unassigned`,
      )
    }
    assert.equal(await bar.isVisible(), false, 'the bulk bar hides again once the list is refreshed (nothing ticked)')

    // 4. The first Agent picks "Assigned to me" and sees exactly those three leads.
    const agent1Page = a1.page
    await agent1Page.goto(appUrl(agent1Page, `/o/${slug}/leads`))
    await agent1Page.locator('#lead-list').waitFor()
    await filterByAssignee(agent1Page, 'Assigned to me', 'me')
    assert.deepEqual(
      await rowIds(agent1Page),
      sorted(bulk),
      '"Assigned to me" lists exactly the three bulk-assigned leads',
    )

    // 5. The Admin opens one of them and transfers it to the second Agent with a handoff note.
    const moved = bulk[0]
    const movedLead = leads[0]
    await adminPage
      .locator(`#lead-list tr[data-lead-id="${moved}"]`)
      .getByRole('link', { name: movedLead.name })
      .click()
    await adminPage.waitForURL(`**/o/${slug}/leads/${moved}`)
    const panel = adminPage.locator('#assignment')
    await panel.locator(`[data-assignee-id="${a1.userId}"]`).waitFor()
    await panel.locator('select[name=assigneeId]').selectOption({ label: agent2.name })
    await panel.getByLabel(/Handoff note/).fill(note)
    const [assignRes] = await Promise.all([
      adminPage.waitForResponse(
        (res) =>
          new URL(res.url()).pathname === `/o/${slug}/leads/${moved}/assign` && res.request().method() === 'POST',
      ),
      panel.getByRole('button', { name: 'Save assignment' }).click(),
    ])
    assert.ok(assignRes.status() < 400, `Save assignment answered ${assignRes.status()}`)
    await panel.locator(`[data-assignee-id="${a2.userId}"]`).waitFor()
    assert.equal(await panel.locator('[data-assignee-id]').count(), 1, 'one assignee after the transfer')
    assert.equal((await panel.locator(`[data-assignee-id="${a2.userId}"]`).innerText()).trim(), agent2.name)
    const transfer = adminPage.locator('#timeline li[data-activity-type="transferred"]')
    await transfer.waitFor()
    assert.equal(await transfer.count(), 1)
    assert.match(
      await transfer.innerText(),
      new RegExp(`${admin.name} transferred this lead from ${agent1.name} to ${agent2.name}`),
    )
    assert.ok(
      (await transfer.locator('blockquote[data-note]').innerText()).includes(note),
      'the timeline shows the handoff note with the transfer',
    )
    assert.equal(
      await adminPage.locator('[data-transferred-to]').count(),
      0,
      'the Admin did not hand the lead over themself',
    )

    // 6. The first Agent opens that lead by its URL: they still may, and see whom it went to and why.
    const leadRes = await agent1Page.goto(appUrl(agent1Page, `/o/${slug}/leads/${moved}`))
    assert.equal(leadRes.status(), 200, 'the former assignee can still open the lead')
    await agent1Page.getByRole('heading', { level: 1, name: movedLead.name }).waitFor()
    const handedOver = agent1Page.locator('[data-transferred-to]')
    await handedOver.waitFor()
    assert.ok(
      (await handedOver.innerText()).includes(agent2.name),
      `the notice names the new assignee: ${await handedOver.innerText()}`,
    )
    assert.equal(
      await agent1Page.locator(`#assignment [data-assignee-id="${a2.userId}"]`).count(),
      1,
      'the second Agent is shown as assignee',
    )
    const seenTransfer = agent1Page.locator('#timeline li[data-activity-type="transferred"]')
    assert.match(
      await seenTransfer.innerText(),
      new RegExp(`transferred this lead from ${agent1.name} to ${agent2.name}`),
    )
    assert.ok(
      (await seenTransfer.locator('blockquote[data-note]').innerText()).includes(note),
      'the former assignee sees the handoff note',
    )
    assert.equal(
      await agent1Page.locator('#assignment select[name=assigneeId]').count(),
      0,
      'an Agent gets no assignment form',
    )
    await screenshot(agent1Page, 'assign-transferred-former-agent')

    await agent1Page.goto(appUrl(agent1Page, `/o/${slug}/leads?assignee=me`))
    await agent1Page.locator('#lead-list').waitFor()
    assert.equal(await agent1Page.locator('form.filters select[name=assignee]').inputValue(), 'me')
    assert.deepEqual(
      await rowIds(agent1Page),
      sorted(bulk.slice(1)),
      '"Assigned to me" now lists the two leads the Agent kept',
    )
    await filterByAssignee(agent1Page, 'All leads I can see', '')
    assert.deepEqual(
      await rowIds(agent1Page),
      sorted(bulk),
      '"All leads I can see" still lists the handed-over lead (former assignee)',
    )
    assert.equal(
      await agent1Page
        .locator(`#lead-list tr[data-lead-id="${moved}"] [data-assignee-id]`)
        .getAttribute('data-assignee-id'),
      a2.userId,
      'the handed-over lead shows its new assignee in the list',
    )

    // 7. The Admin assigns a remaining unassigned lead to the second Agent from its row menu: the row
    // is swapped in place, without leaving the list.
    const rowLead = rest[0]
    await adminPage.getByRole('link', { name: 'All leads' }).click()
    await adminPage.waitForURL(`**/o/${slug}/leads`)
    const row = adminPage.locator(`#lead-list tr[data-lead-id="${rowLead}"]`)
    await row.waitFor()
    await adminPage.evaluate(() => {
      window.__sameDocument = true // gone if the browser loads another page
    })
    const menu = row.locator('details.row-menu')
    const openAndPick = async () => {
      await menu.locator('summary').click()
      await menu.locator('select[name=assigneeId]').waitFor()
      return htmxRequestsOf(adminPage, () =>
        menu.locator('select[name=assigneeId]').selectOption({ label: agent2.name }),
      )
    }
    reloads = await openAndPick()
    if (reloads.length > 0) {
      bugs.push(
        `Row menu: picking "${agent2.name}" in a row's "Assign to…" menu sent ${reloads.join(', ')} and reloaded the list: ` +
          `the menu is ${(await menu.evaluate((d) => d.open)) ? 'still open' : 'closed'}, its select shows ` +
          `"${await menu.locator('select[name=assigneeId]').evaluate((sel) => sel.options[sel.selectedIndex]?.text)}", the URL is now ${new URL(adminPage.url()).search || '(no query)'}`,
      )
      reloads = await openAndPick()
      assert.deepEqual(reloads, [], 'picking in the row menu a second time starts no request')
    }
    const beforeURL = adminPage.url()
    const [rowRes] = await Promise.all([
      adminPage.waitForResponse(
        (res) =>
          new URL(res.url()).pathname === `/o/${slug}/leads/${rowLead}/assign` && res.request().method() === 'POST',
      ),
      menu.getByRole('button', { name: 'Save' }).click(),
    ])
    assert.equal(rowRes.status(), 200, 'the row assignment answered 200')
    assert.equal(rowRes.request().headers()['hx-request'], 'true', 'the row menu posts through htmx')
    const newAssignee = adminPage.locator(`#lead-list tr[data-lead-id="${rowLead}"] [data-assignee-id="${a2.userId}"]`)
    await newAssignee.waitFor()
    assert.equal((await newAssignee.innerText()).trim(), agent2.name)
    await adminPage
      .locator(`#lead-list tr[data-lead-id="${rowLead}"] .row-notice`)
      .filter({ hasText: 'Saved.' })
      .waitFor()
    assert.equal(adminPage.url(), beforeURL, 'the URL did not change')
    assert.equal(
      await adminPage.evaluate(() => window.__sameDocument),
      true,
      'no navigation: the row was swapped in place',
    )
    assert.equal(await leadRows(adminPage).count(), 5, 'the list still shows all five leads')
    assert.equal(
      await adminPage.locator(`#lead-list tr[data-lead-id="${rest[1]}"] [data-assignee-id]`).count(),
      0,
      'the other lead stays unassigned',
    )
    assert.equal(
      await adminPage.locator(`#lead-list tr[data-lead-id="${moved}"] [data-assignee-id="${a2.userId}"]`).count(),
      1,
      'the list shows the transferred lead with the second Agent',
    )

    assert.deepEqual(
      { bugs, owner: ownerProblems, admin: ad.problems, agent1: a1.problems, agent2: a2.problems },
      { bugs: [], owner: [], admin: [], agent1: [], agent2: [] },
      "no app bugs on the way, and no JavaScript errors or failed requests in anyone's browser",
    )
  })
})
