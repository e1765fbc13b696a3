// Shared set-up of the help article's browser tests (test/e2e/article-*.e2e.mjs; the article is "Sharing Leads with
// Your Team", README "The help article as the specification"): one organization per test file with its Owner, an Admin
// and two Agents, each in a browser context of their own that lives for the whole file; `stepsOf(t)`, which runs each
// step of a section as a subtest named in the article's words; and the few moves every section makes.
// Not a test file itself (run.mjs only runs *.e2e.mjs).
import assert from 'node:assert/strict'
import { after } from 'node:test'
import { appUrl, inviteAndJoin, newPage, runId, signUp, useBrowser, watchPage } from './browser.mjs'

/**
 * The team of one test file: `await team.ready()` (first thing in each test; the set-up runs once) signs up an
 * organization named `organization` with the Owner Olivia Owner, the Admin Adam Admin and the Agents Ava Agent and Bo
 * Agent, each signed in in a browser context of their own (closed, and checked for CSP violations, after the file's
 * last test), and fills in `{ slug, owner, admin, ava, bo }`, each person `{ name, email, page, problems, userId }`.
 * Call once, at the top level, instead of `useBrowser()`. (Not a `before` hook: at the top level it would start at
 * once, before the browser has.)
 */
export function useTeam(organization) {
  const closers = []
  // Registered before the browser's own `after`, so the contexts close before the browser does.
  after(async () => {
    const errors = []
    for (const close of closers.reverse()) await Promise.resolve(close()).catch((error) => errors.push(error))
    if (errors.length > 0) throw errors[0]
  })
  useBrowser()
  /** Stands for a test's context in `newPage` and `inviteAndJoin`: what they close at its end waits for the file's. */
  const wholeFile = { after: (close) => closers.push(close) }
  const person = (first, last) => ({
    name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}+${runId}@example.com`,
    password: 'correct horse battery',
  })
  let setUp
  const team = { ready: () => (setUp ??= signUpTeam()) }
  async function signUpTeam() {
    const owner = person('Olivia', 'Owner')
    team.owner = { ...owner, ...(await newPage(wholeFile)) }
    team.slug = await signUp(team.owner.page, { ...owner, organization: `${organization} ${runId}` })
    // The three invitations go out from three tabs of the Owner's at once, and the three join at once.
    const invitees = [
      ['admin', 'Adam', 'Admin', 'Admin'],
      ['ava', 'Ava', 'Agent', 'Agent'],
      ['bo', 'Bo', 'Agent', 'Agent'],
    ]
    await Promise.all(
      invitees.map(async ([key, first, last, role]) => {
        const who = person(first, last)
        const tab = await team.owner.context.newPage()
        watchPage(tab, team.owner.problems)
        await tab.goto(team.owner.page.url())
        team[key] = { ...who, ...(await inviteAndJoin(wholeFile, tab, team.slug, who, role)) }
        await tab.close()
      }),
    )
    await openPage(team, team.owner, '/team')
    const ownerRow = team.owner.page.locator(`#team-list tr[data-member-email="${owner.email}"]`)
    team.owner.userId = await ownerRow.getAttribute('data-member-id')
  }
  return team
}

/**
 * The step runner of one section's test `t`: `step(name, fn)` runs `fn` as a subtest named `name` (the article's
 * words, so the test reads beside it). Once a step fails, the steps after it are skipped: they would fail for the
 * same reason.
 */
export function stepsOf(t) {
  let failed = false
  return (name, fn) =>
    t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
      try {
        await fn()
      } catch (error) {
        failed = true
        throw error
      }
    })
}

/**
 * Asserts that nobody's browser met a problem (watchPage in test/e2e/browser.mjs) other than those matching one of
 * `expected` (answers a step provoked on purpose, e.g. `/GET \/o\/[^/]+\/leads\/[^/]+ answered 404/`), then forgets
 * them, so the next section starts clean.
 */
export function assertNoProblems(team, expected = []) {
  const seen = {}
  for (const key of ['owner', 'admin', 'ava', 'bo']) {
    seen[key] = team[key].problems.filter((p) => !expected.some((re) => re.test(p)))
    team[key].problems.length = 0
  }
  assert.deepEqual(seen, { owner: [], admin: [], ava: [], bo: [] }, "no browser problems in anyone's browser")
}

/** Opens `path` (of the organization, e.g. `/leads`) on `who`'s page and waits for it to load. */
export async function openPage(team, who, path) {
  const res = await who.page.goto(appUrl(who.page, `/o/${team.slug}${path}`))
  return res
}

/**
 * `who` types in a lead named `name` (and `runId`, so it is the only one of that name) with `fields` (`email`,
 * `company`, `phone`) on the "New lead" form, and lands on its page. Answers `{ id, name, ...fields }`.
 */
export async function typeInLead(team, who, name, fields = {}) {
  await openPage(team, who, '/leads/new')
  const full = `${name} ${runId}`
  await who.page.locator('input[name=name]').fill(full)
  for (const [field, value] of Object.entries(fields)) await who.page.locator(`input[name=${field}]`).fill(value)
  await Promise.all([
    who.page.waitForURL(new RegExp(`/o/${team.slug}/leads/(?!new$)[^/]+$`)),
    who.page.getByRole('button', { name: 'Create lead' }).click(),
  ])
  await who.page.getByRole('heading', { level: 1, name: full }).waitFor()
  return { id: new URL(who.page.url()).pathname.split('/').pop(), name: full, ...fields }
}

/**
 * Clicks `button` on a page whose form htmx posts and swaps in the answer, and waits for that answer to replace
 * `<main>` (a live update may arrive first; typing on in between would type into a form about to go).
 */
export async function submitAndWait(page, button) {
  await page.locator('main').evaluate((main) => main.setAttribute('data-replaced-soon', ''))
  await button.click()
  await page.locator('main:not([data-replaced-soon])').waitFor()
}

/**
 * `who` (an Owner or Admin) assigns `lead` ({ id, name }) to `assignee` ({ name, userId }) in the "Assigned to" panel
 * of its page, with the handoff note `note` if given, and waits for the page to say so.
 */
export async function assignOnLeadPage(team, who, lead, assignee, note) {
  await openPage(team, who, `/leads/${lead.id}`)
  const panel = who.page.locator('#assignment')
  await panel.locator('select[name=assigneeId]').selectOption({ label: assignee.name })
  if (note) await panel.getByLabel(/Handoff note/).fill(note)
  await panel.getByRole('button', { name: /^(Assign|Save assignment)$/ }).click()
  await panel.locator(`ul.assignees [data-assignee-id="${assignee.userId}"]`).waitFor()
}

/**
 * Picks `label` in the list's "Assigned to" filter on `page` and waits until the list answering `assignee=value` has
 * been swapped in and the address says so.
 */
export async function filterByAssignee(page, label, value) {
  await page.getByLabel('Assigned to', { exact: true }).selectOption({ label })
  await page.waitForFunction((v) => {
    const settled = window.__lastSettledURL
    return Boolean(settled) && new URL(settled, location.href).searchParams.get('assignee') === v
  }, value)
  await page.waitForURL((url) => url.searchParams.get('assignee') === value)
}

/** `who` (an Owner or Admin) ticks or unticks the organization setting `name` (its field) and saves. */
export async function setSetting(team, who, name, on) {
  await openPage(team, who, '/settings')
  await who.page.locator(`input[name=${name}]`).setChecked(on)
  await Promise.all([who.page.waitForURL(/saved=1/), who.page.getByRole('button', { name: 'Save settings' }).click()])
}

/** `who`, on the page of the lead they have open, adds the note `body` and waits for it in the timeline. */
export async function addNote(who, body) {
  await who.page.locator('#note-body').fill(body)
  await submitAndWait(who.page, who.page.getByRole('button', { name: 'Add note' }))
  await who.page.locator('#timeline li[data-activity-type="note_added"]', { hasText: body }).waitFor()
}

/**
 * `who`, on the page of the lead they have open, logs a communication of kind `kind` ('Call', 'Email', 'Meeting')
 * summed up as `summary`, and waits for it in the Communications list.
 */
export async function logCommunication(who, kind, summary) {
  const section = who.page.locator('#communications')
  await section.locator('summary').click()
  await section.getByLabel('Kind').selectOption({ label: kind })
  await section.getByLabel('Summary').fill(summary)
  await submitAndWait(who.page, section.getByRole('button', { name: 'Log it' }))
  await who.page.locator('#communications-items li[data-communication-id]', { hasText: summary }).waitFor()
}

/** Opens `who`'s notifications feed and waits for an unread notification saying `sentence`; answers it. */
export async function notifiedOf(team, who, sentence) {
  await openPage(team, who, '/notifications')
  const item = who.page.locator('#notification-list li[data-unread="true"]', { hasText: sentence })
  await item.first().waitFor()
  return item
}

/** `who`, on the page of a lead they may change, sets its status to `label` (with `reason`) and waits for it. */
export async function setStatus(who, label, reason) {
  const form = who.page.locator('#status-form')
  await form.locator('select[name=status]').selectOption({ label })
  if (reason) await form.getByLabel('Reason for the status change').fill(reason)
  await submitAndWait(who.page, form.getByRole('button', { name: 'Update status' }))
  await who.page
    .locator('#timeline li[data-activity-type="status_changed"]', { hasText: `to ${label}` })
    .first()
    .waitFor()
}
