// Browser test (issue 8 §5): the session ends while a person has the lead list open (they logged out in
// another tab; the tab they look at still sends the dead session's cookie, as after an expiry). They type
// in the search box, land on the log-in page (a whole page, not a fragment swapped into the results),
// log in, and are back on the list with their search.
// Also: a refused htmx request (a row assignment to a member deactivated meanwhile) shows its reason.
// Run through `npm run test:e2e`.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, createLead, leadRows, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

describe('htmx when the session is gone', () => {
  test('typing a search after the session ended leads to log in and back to the list with the search', async (t) => {
    const { page, problems, context } = await newPage(t)
    const person = {
      name: 'Sid Session',
      email: `sid+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Session Co ${runId}`,
    }
    const slug = await signUp(page, person)
    const acme = await createLead(page, slug, { name: `Ada Acmeworth ${runId}`, company: 'Acme' })
    await createLead(page, slug, { name: `Zed Zimmer ${runId}`, company: 'Zeta' })
    assert.equal(await leadRows(page).count(), 2)

    // Another tab of the same browser logs out: the session row is deleted. The list tab keeps the old cookie.
    const stale = await context.cookies()
    const other = await context.newPage()
    await other.goto(appUrl(page, `/o/${slug}/leads`))
    // The log-in page: `/login`, or `/login?next=…` when a request the page had in flight came back signed out.
    await Promise.all([
      other.waitForURL((url) => url.pathname === '/login'),
      other.getByRole('button', { name: 'Log out' }).click(),
    ])
    await other.close()
    await context.addCookies(stale)

    // Search as you type on the list that is still open.
    const refused = []
    page.on('response', (res) => {
      if (res.request().headers()['hx-request'] === 'true')
        refused.push(`${res.status()} ${res.headers()['hx-redirect']}`)
    })
    const typed = 'Acme'
    await page.locator('input[name=q]').pressSequentially(typed, { delay: 40 })
    await page.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 })
    // The form sends its other filters (empty) with the search.
    const next = new URL(new URL(page.url()).searchParams.get('next') ?? '', page.url())
    assert.equal(next.pathname, `/o/${slug}/leads`, 'the log-in page remembers the list')
    assert.equal(next.searchParams.get('q'), typed, 'and the search typed')
    assert.ok(refused.length > 0 && refused.every((r) => r.startsWith('401 /login?next=')), refused.join(', '))

    // A whole log-in page, not the page inside the results of the old one.
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor()
    assert.equal(await page.locator('#lead-results').count(), 0, 'no lead list left around the log-in form')
    assert.equal(await page.locator('header.topbar').count(), 1, 'one page header: the page was not nested')
    await screenshot(page, 'session-ended-login')

    await page.locator('input[name=email]').fill(person.email)
    await page.locator('input[name=password]').fill(person.password)
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/o/${slug}/leads` && url.searchParams.get('q') === typed),
      page.getByRole('button', { name: 'Log in' }).click(),
    ])
    assert.equal(await page.locator('input[name=q]').inputValue(), typed, 'the search box holds the search')
    await page.locator(`#lead-list tr[data-lead-id="${acme}"]`).waitFor()
    assert.equal(await leadRows(page).count(), 1, 'the list shows the search results')
    await screenshot(page, 'session-ended-back')

    // The expected 401 answers of the refused htmx searches are not problems; anything else is.
    const unexpected = problems.filter((p) => !new RegExp(`^GET /o/${slug}/leads answered 401$`).test(p))
    assert.deepEqual(unexpected, [], 'no JavaScript errors or failed requests in the browser')
  })
})
