// Text longer than a field's limit is never cut to fit in the browser (the maxlength attribute would keep
// only the first characters of a paste, without a word): the whole text goes in, the field says its limit
// at once, and the server's refusal names it too.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, createLead, newPage, runId, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** Pastes `text` into `locator` through the clipboard, as a person does (Ctrl+V). */
async function paste(page, locator, text) {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text)
  await locator.click()
  await page.keyboard.press('ControlOrMeta+V')
}

describe('text limits', () => {
  it('a task title pasted over 200 characters is kept whole and refused with its limit, never cut', async (t) => {
    const { page, problems } = await newPage(t)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    const slug = await signUp(page, {
      name: 'Lena Limits',
      email: `limits-${runId}@example.com`,
      password: 'limits-password',
      organization: `Limits Co ${runId}`,
    })
    const leadId = await createLead(page, slug, { name: 'Long Title Lead' })
    await page.goto(appUrl(page, `/o/${slug}/leads/${leadId}`))
    await page.locator('#tasks summary').click()
    const title = page.locator('#tasks input[name=title]')
    const long = 'Call back about the renewal '.repeat(9).trim() // 251 characters
    assert.equal(long.length, 251)
    await paste(page, title, long)
    assert.equal((await title.inputValue()).length, 251, 'the whole pasted text is in the field')
    const note = page.locator('#tasks [data-limit-for="title"]')
    assert.equal((await note.innerText()).trim(), 'Keep this to 200 characters or fewer (it has 251).')
    assert.equal(await title.getAttribute('aria-invalid'), 'true')
    // Shortened to the limit, the message goes.
    await title.fill(long.slice(0, 200))
    await title.press('End')
    await title.press('Backspace')
    assert.equal(await note.count(), 0, 'no message once it fits')

    // The search box too: the whole text stays in the box, which says its limit (nothing is searched for in part).
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    const search = page.getByRole('searchbox', { name: 'Search' })
    await paste(page, search, 'x'.repeat(230))
    assert.equal((await search.inputValue()).length, 230)
    const searchNote = page.locator('#lead-filters [data-limit-for="q"]')
    assert.equal((await searchNote.innerText()).trim(), 'Keep this to 200 characters or fewer (it has 230).')
    assert.deepEqual(problems, [])
  })
})
