// Browser test (issue 23): an Admin has an unassigned lead open while the Owner assigns it in another browser. The
// Admin's "Assigned to" section follows live; once the Admin is typing a note in it, a second change by the Owner
// leaves the section (and the note) as it is, marked stale, and pressing Save assignment is refused (409) naming
// who holds the lead now, the choice and note kept; pressing it again goes ahead.
// Run through `npm run test:e2e` (test/e2e/run.mjs starts the server and sets E2E_BASE_URL / CHROMIUM_PATH).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appUrl, createLead, inviteAndJoin, newPage, runId, signUp, useBrowser } from './browser.mjs'

useBrowser()

/** Posts `assigneeId` for lead `leadId` from `page`'s session, as another browser's form would (no holders sent). */
async function assignFrom(page, slug, leadId, assigneeId) {
  const status = await page.evaluate(
    async ({ path, assigneeId }) => {
      const res = await fetch(path, { method: 'POST', body: new URLSearchParams({ assigneeId }), redirect: 'manual' })
      return res.type === 'opaqueredirect' ? 303 : res.status
    },
    { path: `/o/${slug}/leads/${leadId}/assign`, assigneeId },
  )
  assert.equal(status, 303, `assigning from the Owner's browser answered ${status}`)
}

describe('a stale assignment section', () => {
  test('follows live, keeps a note being typed, and refuses a change planned on holders that changed', async (t) => {
    const owner = {
      name: 'Odile Owner',
      email: `odile+${runId}@example.com`,
      password: 'correct horse battery',
      organization: `Stale Co ${runId}`,
    }
    const admin = { name: 'Arno Admin', email: `arno+${runId}@example.com`, password: 'horse staple battery' }
    const ava = { name: 'Ava Agent', email: `ava+${runId}@example.com`, password: 'staple battery horse' }
    const bo = { name: 'Bo Agent', email: `bo+${runId}@example.com`, password: 'battery staple horse' }
    const { page: ownerPage, problems: ownerProblems } = await newPage(t)
    const slug = await signUp(ownerPage, owner)
    const ad = await inviteAndJoin(t, ownerPage, slug, admin, 'Admin')
    const a = await inviteAndJoin(t, ownerPage, slug, ava, 'Agent')
    const b = await inviteAndJoin(t, ownerPage, slug, bo, 'Agent')
    await ownerPage.goto(appUrl(ownerPage, `/o/${slug}/leads`))
    const leadId = await createLead(ownerPage, slug, { name: `Maria Lopez ${runId}` })

    // The Admin has the lead open, unassigned, and its live stream connected (it then catches the timeline up).
    const page = ad.page
    const caughtUp = page.waitForResponse((res) => res.url().includes(`/leads/${leadId}/timeline`))
    await page.goto(appUrl(page, `/o/${slug}/leads/${leadId}`))
    const section = page.locator('#assignment')
    await section.locator('ul.assignees li', { hasText: 'Unassigned' }).waitFor()
    await caughtUp

    // The Owner assigns it to Ava: the Admin's section shows her without a reload.
    await assignFrom(ownerPage, slug, leadId, a.userId)
    await section.locator(`[data-assignee-id="${a.userId}"]`).waitFor({ timeout: 5_000 })
    assert.equal(await section.locator('input[name=shown_assignees]').first().inputValue(), a.userId)

    // The Admin starts a transfer to Bo with a note; meanwhile the Owner unassigns it.
    const note = `Maria prefers mornings (${runId})`
    await section.locator('select[name=assigneeId]').selectOption({ label: bo.name })
    await section.getByLabel(/Handoff note/).fill(note)
    await assignFrom(ownerPage, slug, leadId, '')
    // The timeline takes the change; the section stays as it is, marked stale, with the note.
    await page.locator('#timeline li[data-activity-type="unassigned"]').waitFor({ timeout: 5_000 })
    await section.locator('[data-assignment-stale]').waitFor({ timeout: 5_000 })
    assert.equal(await section.getByLabel(/Handoff note/).inputValue(), note)
    assert.equal(await section.locator(`[data-assignee-id="${a.userId}"]`).count(), 1, 'still shows what it showed')

    // Saving is refused: nobody holds the lead now; the choice and note are kept.
    const [refused] = await Promise.all([
      page.waitForResponse((res) => res.url().endsWith(`/leads/${leadId}/assign`)),
      section.getByRole('button', { name: 'Save assignment' }).click(),
    ])
    assert.equal(refused.status(), 409)
    await page.getByRole('alert').filter({ hasText: 'Nobody holds this lead now' }).waitFor()
    assert.equal(await page.locator('#assignment select[name=assigneeId]').inputValue(), b.userId)
    assert.equal(
      await page
        .locator('#assignment')
        .getByLabel(/Handoff note/)
        .inputValue(),
      note,
    )

    // One click goes ahead: Bo holds it.
    const [ahead] = await Promise.all([
      page.waitForResponse((res) => res.url().endsWith(`/leads/${leadId}/assign`)),
      page.locator('#assignment').getByRole('button', { name: 'Assign' }).click(),
    ])
    assert.ok(ahead.status() < 400, `going ahead answered ${ahead.status()}`)
    await page.locator(`#assignment [data-assignee-id="${b.userId}"]`).waitFor()

    assert.deepEqual(
      {
        owner: ownerProblems,
        admin: ad.problems.filter((p) => !/POST \/o\/[^/]+\/leads\/[^/]+\/assign answered 409/.test(p)),
      },
      { owner: [], admin: [] },
      'no JavaScript errors or failed requests but the refusal meant',
    )
  })
})
