// The routing rules page (issue #27) on a laptop (1280×800) and a phone (390×844): an Owner adds two rules, moves
// the second above the first and back with the Move buttons, and runs the dry run, which says which rule takes the
// next ten leads; the page never scrolls sideways, its buttons stay on screen, and axe-core (WCAG 2.1 A and AA)
// finds nothing serious or critical.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, newPage, runId, screenshot, signUp, useBrowser } from './browser.mjs'
import { fits, seriousViolations, VIEWPORTS } from './layout.mjs'

useBrowser()

/** The rule names in the order the page lists them. */
const ruleNames = async (page) =>
  (await page.locator('#rule-list [data-rule-name]').allTextContents()).map((t) => t.trim())

/** Runs the dry run for a lead from the web form with `source`; answers the first result's sentence. */
async function dryRun(page, source) {
  const form = page.locator('#dry-run')
  await form.getByLabel('Source', { exact: true }).fill(source)
  await Promise.all([
    page.waitForURL('**/routing/rules/dry-run'),
    form.getByRole('button', { name: 'Show the next ten' }).click(),
  ])
  const results = page.locator('#dry-run-results li')
  assert.equal(await results.count(), 10)
  return (await results.first().textContent()).trim()
}

describe('the routing rules page', () => {
  it('adds two rules, reorders them, runs the dry run and edits a rule at 1280 and 390 px, axe clean', async (t) => {
    const { page, problems } = await newPage(t)
    const slug = await signUp(page, {
      name: 'Rita Rules',
      email: `routing-rules-${runId}@example.com`,
      password: 'routing-rules-password',
      organization: `Rules Co ${runId}`,
    })
    await page.goto(appUrl(page, `/o/${slug}/routing/rules`))
    const form = page.locator('#new-rule')
    await form.getByLabel('Name', { exact: true }).fill('Spanish web leads')
    await form.getByLabel('Field 1').selectOption('source')
    await form.getByLabel('Test 1').selectOption('contains')
    await form.getByLabel('Value 1').fill('spanish')
    await form.getByLabel('Give to this member', { exact: true }).check()
    await form.getByLabel('The member (Give to this member)').selectOption({ label: 'Rita Rules' })
    await Promise.all([
      page.waitForURL('**/routing/rules?done=added'),
      form.getByRole('button', { name: 'Add rule' }).click(),
    ])
    await form.getByLabel('Name', { exact: true }).fill('Everything to the pool')
    await form.getByLabel('Put in the pool', { exact: true }).check()
    await Promise.all([
      page.waitForURL('**/routing/rules?done=added'),
      form.getByRole('button', { name: 'Add rule' }).click(),
    ])
    assert.deepEqual(await ruleNames(page), ['Spanish web leads', 'Everything to the pool'])

    const failures = []
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport)
      await page.goto(appUrl(page, `/o/${slug}/routing/rules`))
      const up = page.getByRole('button', { name: 'Move up: Everything to the pool' })
      failures.push(...(await fits(page, viewport, up)))
      await Promise.all([page.waitForURL('**/routing/rules?done=moved'), up.click()])
      assert.deepEqual(await ruleNames(page), ['Everything to the pool', 'Spanish web leads'])
      assert.equal(
        await dryRun(page, 'Spanish ad'),
        "Routing put this lead in the pool by rule 'Everything to the pool'",
      )
      await page.goto(appUrl(page, `/o/${slug}/routing/rules`))
      const down = page.getByRole('button', { name: 'Move down: Everything to the pool' })
      await Promise.all([page.waitForURL('**/routing/rules?done=moved'), down.click()])
      assert.deepEqual(await ruleNames(page), ['Spanish web leads', 'Everything to the pool'])
      assert.equal(await dryRun(page, 'Spanish ad'), "Routed to Rita Rules by rule 'Spanish web leads'")
      failures.push(...(await fits(page, viewport, page.getByRole('button', { name: 'Show the next ten' }))))
      failures.push(...(await fits(page, viewport, page.getByRole('button', { name: 'Add rule' }))))
      for (const v of await seriousViolations(page)) failures.push(`${viewport.name}: ${v}`)
      await screenshot(page, `routing-rules-${viewport.name}`)

      // Edit: the rule's form as stored; a new name is saved in its place.
      await page.getByRole('link', { name: 'Edit: Everything to the pool' }).click()
      const edit = page.locator('#edit-rule')
      assert.equal(await edit.getByLabel('Name', { exact: true }).inputValue(), 'Everything to the pool')
      assert.equal(await edit.getByLabel('Put in the pool', { exact: true }).isChecked(), true)
      failures.push(...(await fits(page, viewport, edit.getByRole('button', { name: 'Save rule' }))))
      for (const v of await seriousViolations(page)) failures.push(`edit ${viewport.name}: ${v}`)
      await screenshot(page, `routing-rule-edit-${viewport.name}`)
      const renamed = `Pool the rest (${viewport.name})`
      await edit.getByLabel('Name', { exact: true }).fill(renamed)
      await Promise.all([
        page.waitForURL('**/routing/rules?done=saved'),
        edit.getByRole('button', { name: 'Save rule' }).click(),
      ])
      assert.deepEqual(await ruleNames(page), ['Spanish web leads', renamed])
      await page.getByRole('link', { name: `Edit: ${renamed}` }).click()
      await page.locator('#edit-rule').getByLabel('Name', { exact: true }).fill('Everything to the pool')
      await Promise.all([
        page.waitForURL('**/routing/rules?done=saved'),
        page.getByRole('button', { name: 'Save rule' }).click(),
      ])
    }
    assert.deepEqual({ failures, problems }, { failures: [], problems: [] })
  })
})
