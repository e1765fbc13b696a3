// Browser test, "Mention team members in notes" (issue #24): in the note's suggestion list Enter and Tab choose
// the highlighted member (the first, until the arrow keys move it) instead of adding a line break or leaving the
// field, among the members that fit what is typed now (not those of an answer to an earlier keystroke); the saved
// note lists the mention in the lead page's Notes section, which fits a phone (390 px) and a laptop (1280 px) and
// passes axe-core (WCAG 2.1 A and AA, serious and critical).
// Run through `npm run test:e2e` (E2E_FILTER=mentions for this file alone).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, createLead, inviteAndJoin, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'
import { fits, seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

describe('Mention team members in notes', () => {
  test('Enter and Tab choose a suggestion; the note shows the mention in the Notes section', async (t) => {
    const { page, problems } = await newPage(t)
    const owner = {
      name: 'Mia Owner',
      email: `mentions-owner-${runId}@example.com`,
      password: 'mentions-owner-password',
      organization: `Mentions Co ${runId}`,
    }
    const slug = await signUp(page, owner)
    const bo = { name: `Bo ${runId}`, email: `mentions-bo-${runId}@example.com`, password: 'mentions-bo-password' }
    const bea = { name: `Bea ${runId}`, email: `mentions-bea-${runId}@example.com`, password: 'mentions-bea-pass' }
    await inviteAndJoin(t, page, slug, bo, 'Admin')
    await inviteAndJoin(t, page, slug, bea, 'Admin')
    await page.goto(appUrl(page, `/o/${slug}/leads`))
    const leadId = await createLead(page, slug, { name: `Grace ${runId}`, email: `grace-${runId}@example.org` })
    await page.goto(appUrl(page, `/o/${slug}/leads/${leadId}`))

    const note = page.locator('#note-body')
    const suggestions = page.locator('#mention-suggestions [data-mention]')
    // Enter chooses the only suggestion that fits what is typed, rather than starting a new line; a list answered
    // for an earlier keystroke ("@B": Bea and Bo) narrows at once, before the server answers for "@Bo".
    await note.pressSequentially('Call @B')
    await suggestions.nth(1).waitFor()
    const held = []
    await page.route('**/mentions?**', (route) => held.push(route))
    await note.pressSequentially('o')
    assert.deepEqual(await suggestions.filter({ visible: true }).allInnerTexts(), [`@${bo.name}`])
    await note.press('Enter')
    assert.equal(await note.inputValue(), `Call @${bo.name} `)
    await page.unroute('**/mentions?**')
    await Promise.all(held.map((route) => route.continue()))
    assert.equal(await suggestions.count(), 0, 'the list closes once a member is chosen')
    // Tab chooses too, and keeps the focus in the note; the arrow keys move the highlight first.
    await note.pressSequentially('and @B')
    await suggestions.nth(1).waitFor()
    const second = await suggestions.nth(1).getAttribute('data-mention')
    await note.press('ArrowDown')
    await note.press('ArrowDown')
    await note.press('Tab')
    assert.equal(await note.inputValue(), `Call @${bo.name} and @${second} `)
    assert.equal(await note.evaluate((el) => el === document.activeElement), true, 'the focus stays in the note')

    await page.getByRole('button', { name: 'Add note' }).click()
    const saved = page.locator('#notes li[data-note-id]').first()
    await saved.waitFor()
    assert.deepEqual(await saved.locator('.mention').allInnerTexts(), [`@${bo.name}`, `@${second}`])

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      // In the page, in one step: the live update that follows the save may replace the section meanwhile.
      await page.waitForFunction(() => {
        document.querySelector('#notes')?.scrollIntoView({ block: 'nearest' })
        return document.querySelector('#notes') !== null
      })
      assert.deepEqual(await fits(page, viewport), [], 'the lead page fits the window')
      assert.deepEqual(await seriousViolations(page), [], `axe at ${viewport.name}`)
      await screenshot(page, `mentions-lead-${viewport.name}`)
    }
    assert.deepEqual(problems, [])
  })
})
