// The lead list as a sales team uses it: select all on the page and change the status in bulk; a
// refused bulk assignment keeps the selection, the member and the note; a slow search leaves one history
// entry and after Back the box, the address and the rows agree; a claim that loses on the pool page
// keeps the person on the pool, told who won.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, inviteAndJoin, leadRows, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** Creates leads through the create form's POST (as the browser would send it), faster than the form. */
async function seedLeads(page, slug, names) {
  const origin = new URL(page.url()).origin
  for (const name of names) {
    const res = await page.request.post(appUrl(page, `/o/${slug}/leads`), {
      form: { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${runId}@example.com`, status: 'new' },
      headers: { Origin: origin },
    })
    assert.equal(res.status(), 200, `lead ${name} created (after its redirect)`)
  }
}

/** Waits until htmx has swapped in the answer to a request whose URL `matches`. */
async function settled(page, matches) {
  await page.waitForFunction((text) => (window.__lastSettledURL || '').includes(text), matches)
}

function owner(tag) {
  return {
    name: 'Olga Owner',
    email: `list-${tag}-${runId}@example.com`,
    password: `list-${tag}-password`,
    organization: `List ${tag} ${runId}`,
  }
}

describe('lead list', () => {
  it('select all on the page, then a bulk status change; a refused bulk assignment keeps the selection', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, owner('bulk'))
    const agent = await inviteAndJoin(
      t,
      page,
      slug,
      { name: 'Ava Agent', email: `list-bulk-agent-${runId}@example.com`, password: 'list-bulk-agent-pw' },
      'Agent',
    )
    // Creating a lead and assigning it from its page both confirm what happened, once.
    await page.goto(appUrl(page, `/o/${slug}/leads/new`))
    await page.locator('input[name=name]').fill('Confirmed Lead')
    await page.getByRole('button', { name: 'Create lead' }).click()
    await page.getByRole('status').filter({ hasText: 'Lead created.' }).waitFor()
    await page.getByLabel('Assign to').selectOption({ label: 'Ava Agent' })
    await page.getByRole('button', { name: 'Assign', exact: true }).click()
    await page.getByRole('status').filter({ hasText: 'Assigned to Ava Agent.' }).waitFor()
    await page.reload()
    assert.equal(await page.getByRole('status').count(), 0, 'the confirmation is said once, not on reload')
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await seedLeads(page, slug, ['Bulk One', 'Bulk Two', 'Bulk Three'])
    await page.reload()
    assert.equal(await leadRows(page).count(), 4)
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '4')
    assert.equal((await page.locator('[data-total]').innerText()).trim(), '1–4 of 4 leads')

    // Select all on this page: every box ticked, the bar says how many.
    const bar = page.locator('#bulk-form .bulk-bar')
    assert.equal(await bar.isVisible(), false, 'no bulk bar while nothing is ticked')
    await page.locator('input[data-select-page]').check()
    await bar.waitFor({ state: 'visible' })
    assert.equal(await page.locator('#lead-list input[name=leadIds]:checked').count(), 4)
    assert.equal((await bar.locator('[data-selected-count]').innerText()).trim(), '4 selected')
    await bar.getByLabel('Status').selectOption({ label: 'Qualified' })
    await screenshot(page, 'list-bulk-status')
    await bar.getByRole('button', { name: 'Set status' }).click()
    const notice = page.locator('#bulk-notice')
    await notice.filter({ hasText: '4 leads set to Qualified.' }).waitFor()
    assert.equal(await notice.getAttribute('role'), 'status', 'a success notice is announced politely')
    assert.match((await notice.getAttribute('class')) ?? '', /notice-success/)
    assert.deepEqual(
      await page.locator('#lead-list .status').allInnerTexts(),
      ['Qualified', 'Qualified', 'Qualified', 'Qualified'],
      'every lead of the page shows its new status',
    )

    // Assign two leads to the Agent, then try to hand them to the Owner with a required note left blank.
    await page.goto(appUrl(page, `/o/${slug}/settings`))
    await page.locator('input[name=handoffNoteRequired]').check()
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor()
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    const ids = await leadRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-lead-id')))
    const two = ids.slice(0, 2)
    for (const id of two) await page.locator(`#lead-list input[name=leadIds][value="${id}"]`).check()
    await bar.getByLabel('Assign to team member').selectOption({ label: 'Ava Agent' })
    await bar.getByRole('button', { name: 'Assign', exact: true }).click()
    await notice.filter({ hasText: '2 leads assigned to Ava Agent.' }).waitFor()

    for (const id of two) await page.locator(`#lead-list input[name=leadIds][value="${id}"]`).check()
    await bar.getByLabel('Assign to team member').selectOption({ label: 'Olga Owner' })
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/bulk-assign') && r.request().method() === 'POST'),
      bar.getByRole('button', { name: 'Assign', exact: true }).click(),
    ])
    assert.equal(refused.status(), 422)
    const error = page.locator('#bulk-notice')
    await error.filter({ hasText: 'Write a handoff note' }).waitFor()
    assert.equal(await error.getAttribute('role'), 'alert', 'a refusal is announced as an alert')
    assert.equal(await bar.isVisible(), true, 'the bulk bar stays open')
    assert.deepEqual(
      (await page.locator('#lead-list input[name=leadIds]:checked').evaluateAll((b) => b.map((x) => x.value))).sort(),
      [...two].sort(),
      'the same two leads are still ticked',
    )
    assert.equal(await bar.getByLabel('Assign to team member').inputValue(), await ownerId(page, slug))
    assert.equal((await bar.locator('[data-selected-count]').innerText()).trim(), '2 selected')
    await screenshot(page, 'list-bulk-refused')

    // With a note, the same action goes through, worded as a transfer.
    await bar.getByLabel(/Handoff note/).fill('Ava is away this week')
    await bar.getByRole('button', { name: 'Assign', exact: true }).click()
    await notice.filter({ hasText: '2 leads transferred to Olga Owner from Ava Agent.' }).waitFor()
    assert.deepEqual({ owner: problems, agent: agent.problems }, { owner: [], agent: [] })
  })

  it('on page 2 sorted by name, a refused then a done bulk action both answer with that same page', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, owner('page2'))
    // 60 leads created Lead 60 … Lead 01: newest first is Lead 01 …, by name Lead 01 … Lead 60.
    await seedLeads(
      page,
      slug,
      Array.from({ length: 60 }, (_, i) => `Lead ${String(60 - i).padStart(2, '0')}`),
    )
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await page.locator('#lead-list th a').filter({ hasText: 'Name' }).click()
    await page.waitForFunction(() => new URLSearchParams(location.search).get('sort') === 'name')
    await page.locator('#lead-list th[aria-sort="ascending"]').waitFor()
    assert.equal(
      await page.locator('#lead-filters input[name=sort]').inputValue(),
      'name',
      "the filter form's sort follows the header clicked",
    )
    await page.getByRole('link', { name: 'Next page →' }).click()
    await page.waitForFunction(() => new URLSearchParams(location.search).has('cursor'))
    const total = page.locator('[data-total]')
    await total.filter({ hasText: '51–60 of 60 leads' }).waitFor()
    const names = () => page.locator('#lead-list td.lead-name > a').allInnerTexts()
    const expected = Array.from({ length: 10 }, (_, i) => `Lead ${51 + i}`)
    assert.deepEqual(await names(), expected)

    const bar = page.locator('#bulk-form .bulk-bar')
    const box = page.locator('#lead-list input[name=leadIds]').nth(2)
    const id = await box.getAttribute('value')
    await box.check()
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/bulk-status') && r.request().method() === 'POST'),
      bar.getByRole('button', { name: 'Set status' }).click(),
    ])
    assert.equal(refused.status(), 422)
    await page.locator('#bulk-notice').filter({ hasText: 'Choose the status' }).waitFor()
    assert.equal((await total.innerText()).trim(), '51–60 of 60 leads', 'still on page 2')
    assert.deepEqual(await names(), expected, 'still sorted by name')
    assert.equal(await page.locator(`#lead-list input[name=leadIds][value="${id}"]`).isChecked(), true)
    assert.equal((await bar.locator('[data-selected-count]').innerText()).trim(), '1 selected')

    await bar.getByLabel('Status').selectOption({ label: 'Won' })
    await bar.getByRole('button', { name: 'Set status' }).click()
    await page.locator('#bulk-notice').filter({ hasText: '1 lead set to Won.' }).waitFor()
    assert.equal((await total.innerText()).trim(), '51–60 of 60 leads', 'still on page 2')
    assert.deepEqual(await names(), expected, 'still sorted by name')
    assert.equal(new URLSearchParams(new URL(page.url()).search).get('sort'), 'name')
    // Filtering after sorting keeps the sort.
    await page.getByRole('combobox', { name: 'Status' }).first().selectOption({ label: 'Won' })
    await page.waitForFunction(() => new URLSearchParams(location.search).get('status') === 'won')
    assert.equal(new URLSearchParams(new URL(page.url()).search).get('sort'), 'name')
    assert.deepEqual(
      problems.filter((p) => !p.includes('/bulk-status answered 422')),
      [],
    )
  })

  it('slow typing in the search, then Back: the box, the address and the rows agree', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, owner('search'))
    await seedLeads(page, slug, ['Kilo Alpha', 'Kilo Bravo', 'Lima Charlie'])
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    assert.equal(await leadRows(page).count(), 3)
    const before = await page.evaluate(() => history.length)
    const box = page.getByRole('searchbox', { name: 'Search' })
    await box.click()
    // Slowly: each letter's search has come back before the next letter.
    for (const text of ['k', 'ki', 'kil', 'kilo']) {
      await box.pressSequentially(text.slice(-1))
      await settled(page, `q=${text}`)
    }
    assert.equal(new URL(page.url()).searchParams.get('q'), 'kilo')
    assert.equal(await leadRows(page).count(), 2)
    assert.equal(await page.evaluate(() => history.length), before + 1, 'one history entry for the whole search')

    // Ticking a box while the search box has focus does not search again (nothing is lost). The filter form's
    // "change" trigger has no delay: a search would start (htmx:beforeRequest) while the tick's events run.
    await page.evaluate(() => {
      window.__searches = 0
      document.addEventListener('htmx:beforeRequest', (event) => {
        if (event.detail.elt?.id === 'lead-filters') window.__searches++
      })
    })
    await page.locator('#lead-list input[name=leadIds]').first().check()
    assert.equal(await page.evaluate(() => window.__searches), 0, 'leaving the search box starts no search')
    assert.equal(await page.locator('#lead-list input[name=leadIds]:checked').count(), 1, 'the tick stays')

    await page.goBack()
    await page.waitForFunction(() => !location.search.includes('q='))
    await page.waitForFunction(() => document.querySelectorAll('#lead-list tr[data-lead-id]').length === 3)
    assert.equal(await box.inputValue(), '', 'after Back the box is empty, as the address')
    await page.goForward()
    await page.waitForFunction(() => location.search.includes('q=kilo'))
    await page.waitForFunction(() => document.querySelectorAll('#lead-list tr[data-lead-id]').length === 2)
    assert.equal(await box.inputValue(), 'kilo', 'after Forward the box says kilo, as the address')
    assert.deepEqual(problems, [])
  })

  it('a claim that loses on the pool page shows the winner there', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, owner('claim'))
    const agent = await inviteAndJoin(
      t,
      page,
      slug,
      { name: 'Ava Agent', email: `list-claim-agent-${runId}@example.com`, password: 'list-claim-agent-pw' },
      'Agent',
    )
    await page.goto(appUrl(page, `/o/${slug}/settings`))
    await page.locator('input[name=poolEnabled]').check()
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor()
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    await seedLeads(page, slug, ['Pool Prize', 'Pool Other'])
    await page.reload()
    await page.locator('input[data-select-page]').check()
    await page.getByRole('button', { name: 'Put in the pool' }).click()
    await page.locator('#bulk-notice').filter({ hasText: '2 leads put in the pool.' }).waitFor()

    // The Agent opens the pool; meanwhile the Owner claims the first lead. The pool is live (its WebSocket
    // would take the claimed lead away at once): this tab's stream is answered by nobody, so it goes stale.
    await agent.page.routeWebSocket(/\/pool\/live$/, () => {})
    await agent.page.goto(appUrl(agent.page, `/o/${slug}/pool`))
    const prize = agent.page.locator('#pool-list [data-lead-id]').filter({ hasText: 'Pool Prize' })
    const prizeId = await prize.getAttribute('data-lead-id')
    const claimed = await page.request.post(appUrl(page, `/o/${slug}/leads/${prizeId}/claim`), {
      headers: { Origin: new URL(page.url()).origin },
      form: {},
    })
    assert.equal(claimed.status(), 200, 'the Owner claimed it (after its redirect)')

    await prize.getByRole('button', { name: /Claim/ }).click()
    const alert = agent.page.getByRole('alert').filter({ hasText: 'Already claimed by Olga Owner.' })
    await alert.waitFor()
    assert.equal(new URL(agent.page.url()).pathname, `/o/${slug}/pool`, 'still on the pool page')
    assert.equal(await agent.page.locator(`#pool-list [data-lead-id="${prizeId}"]`).count(), 0, 'the pool is fresh')
    assert.equal(await agent.page.locator('#pool-list [data-lead-id]').count(), 1, 'the other lead is still there')
    await screenshot(agent.page, 'pool-lost-claim')
    // Reloading never re-posts nor lands on a missing page.
    await agent.page.reload()
    assert.equal(new URL(agent.page.url()).pathname, `/o/${slug}/pool`)
    assert.deepEqual(
      { owner: problems, agent: agent.problems.filter((p) => !p.includes('/claim answered 409')) },
      { owner: [], agent: [] },
    )
  })
})

/** The Owner's user id, from the Team page. */
async function ownerId(page, slug) {
  const res = await page.request.get(appUrl(page, `/o/${slug}/team`))
  const html = await res.text()
  const match = html.match(new RegExp(`data-member-id="([^"]+)" data-member-email="list-bulk-${runId}@`))
  return match?.[1]
}
