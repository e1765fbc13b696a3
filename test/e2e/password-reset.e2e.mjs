// Browser test: "Forgot password?" from the log-in page through the dev mailbox: request a reset, open
// the email in /_dev/mail, follow its link, set a new password, log in with it; the old one fails and
// the link is dead. Run through `npm run test:e2e`.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { emailedLink, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'

useBrowser()

/**
 * Logs out with the top bar's button and waits for the log-in page: `/login`, or `/login?next=…` when a request the
 * page had in flight (the badge's poll, a live list's refetch) was answered after the session ended.
 */
async function logOut(page) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    page.getByRole('button', { name: 'Log out', exact: true }).click(),
  ])
}

/** Fills and sends the log-in form; answers the POST's status. */
async function logIn(page, email, password) {
  await page.locator('input[name=email]').fill(email)
  await page.locator('input[name=password]').fill(password)
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ])
  return res.status()
}

describe('forgot password', () => {
  test('a person resets a forgotten password from the emailed link and logs in with the new one', async (t) => {
    const { page, problems } = await newPage(t)
    const person = {
      name: 'Rita Reset',
      email: `rita+${runId}@example.com`,
      password: 'the old password',
      organization: `Reset Co ${runId}`,
    }
    const newPassword = 'a brand new password'
    const slug = await signUp(page, person)
    // The list page settles first (its live connection's first refetch), as a person reads before logging out.
    await page.waitForLoadState('networkidle')
    await logOut(page)

    // "Forgot password?" on the log-in page.
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.waitForURL('**/forgot-password')
    await page.locator('input[name=email]').fill(person.email)
    await page.getByRole('button', { name: 'Email me a reset link' }).click()
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()

    // The email in the dev mailbox; follow its link (it points at APP_URL, so the origin may change).
    const { link, article } = await emailedLink(page, person.email, '/reset-password/')
    assert.match(await article.locator('h2').innerText(), /Reset your Leadpool password/)
    await Promise.all([
      page.waitForURL((url) => url.pathname === new URL(link).pathname),
      article.locator(`a[href="${link}"]`).first().click(),
    ])
    await page.getByRole('heading', { level: 1, name: 'Set a new password' }).waitFor()
    await page.locator('input[name=password]').fill(newPassword)
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/o/${slug}/leads`),
      page.getByRole('button', { name: 'Set new password' }).click(),
    ])
    await page.locator('#lead-list').waitFor() // signed in by the reset
    await screenshot(page, 'password-reset-done')

    // The new password logs in; the old one no longer does.
    await logOut(page)
    assert.equal(await logIn(page, person.email, newPassword), 303)
    await page.waitForURL((url) => url.pathname === `/o/${slug}/leads`)
    await logOut(page)
    assert.equal(await logIn(page, person.email, person.password), 401)
    await page.getByText('That email and password do not match an account.').waitFor()

    // The link worked once.
    const again = await page.goto(link)
    assert.equal(again.status(), 404)
    await page.getByRole('heading', { level: 1, name: /no longer works/ }).waitFor()

    const expected = ['POST /login answered 401', `GET ${new URL(link).pathname} answered 404`]
    assert.deepEqual(problems, expected, 'no other JavaScript errors or failed requests in the browser')
  })
})
