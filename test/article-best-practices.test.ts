/**
 * The help article "Sharing Leads with Your Team", said as a sales team reads it (issue #24, items 5, 7 and 8):
 * unassigned leads show how long they have waited and are named in the managers' digest, the web form's visitor
 * meets the organization and not Leadpool, and the words a team reads after a lost claim, in the pool, on a
 * handoff and on the team page say what happened.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { agePools } from '../src/pool/aging'
import { addLead, rows } from './concurrency'
import { alertOf, dom, textOf } from './dom'
import { Client, createLead, env, joinAs, signUp } from './helpers'
import { setOrg, signedInMembers, userIdOf } from './pool-fixtures'

const HOUR = 3_600_000

/** Makes lead `leadId` look created `hours` ago (its creation and its `created` activity). */
async function createdHoursAgo(leadId: string, hours: number) {
  const at = Date.now() - hours * HOUR
  await env.DB.batch([
    env.DB.prepare('UPDATE leads SET created_at = ? WHERE id = ?').bind(at, leadId),
    env.DB.prepare("UPDATE activities SET created_at = ? WHERE lead_id = ? AND type = 'created'").bind(at, leadId),
  ])
}

/** What the list's "Assigned to" cell of lead `leadId` says, on the page `html`. */
function assignedCell(html: string, leadId: string): string {
  return textOf(dom(html).querySelector(`tr[data-lead-id="${leadId}"] td[data-label="Assigned to"] span`))
}

describe('Best practices: "Don’t leave leads unassigned for long" and "Review unassigned leads regularly"', () => {
  let owner: Awaited<ReturnType<typeof signUp>>
  let threeHours: string
  let fiveHours: string
  let unassignedNow: string
  let assigned: string

  beforeAll(async () => {
    owner = await signUp('Unassigned Age Co', 'Olga Owner')
    // Leads an Owner types in start unassigned, for triage.
    threeHours = await createLead(owner.client, owner.slug, { name: 'Three Hours' })
    fiveHours = await createLead(owner.client, owner.slug, { name: 'Five Hours' })
    unassignedNow = await createLead(owner.client, owner.slug, { name: 'Unassigned Just Now' })
    assigned = await createLead(owner.client, owner.slug, { name: 'Owned Lead' })
    await createdHoursAgo(threeHours, 3)
    await createdHoursAgo(fiveHours, 5)
    await createdHoursAgo(unassignedNow, 10)
    const me = await userIdOf(owner.email)
    for (const lead of [unassignedNow, assigned])
      expect((await owner.client.post(`/o/${owner.slug}/leads/${lead}/assign`, { assigneeId: me })).status).toBe(303)
    // Created ten hours ago, it has waited only since it was unassigned again, just now.
    expect((await owner.client.post(`/o/${owner.slug}/leads/${unassignedNow}/assign`, { assigneeId: '' })).status).toBe(
      303,
    )
  })

  it('the list shows how long each unassigned lead has waited, and marks one waiting over the setting (4 hours unless changed)', async () => {
    const html = await owner.client.html(`/o/${owner.slug}/leads`)
    expect(assignedCell(html, threeHours)).toBe('Unassigned 3 h')
    expect(assignedCell(html, fiveHours)).toBe('Unassigned 5 h · waiting over 4 hours')
    expect(assignedCell(html, unassignedNow)).toBe('Unassigned 0 min')
    expect(assignedCell(html, assigned)).toBe('Olga Owner')
  })

  it('Owners and Admins change the marker in the pool and routing settings; 0 turns it off, nonsense is refused', async () => {
    const settings = `/o/${owner.slug}/settings/pool`
    const form = (hours: string) => ({ routing: 'unassigned', unassignedWarnHours: hours })
    expect((await owner.client.post(settings, form('2'))).status).toBe(303)
    let html = await owner.client.html(`/o/${owner.slug}/leads`)
    expect(assignedCell(html, threeHours)).toBe('Unassigned 3 h · waiting over 2 hours')
    expect((await owner.client.post(settings, form('0'))).status).toBe(303)
    html = await owner.client.html(`/o/${owner.slug}/leads`)
    expect(assignedCell(html, fiveHours)).toBe('Unassigned 5 h')
    const refused = await owner.client.post(settings, form('soon'))
    expect(refused.status).toBe(422)
    const page = dom(await refused.text())
    expect(textOf(page.querySelector('[data-error-for="unassignedWarnHours"]'))).toBe(
      'Enter the number of hours as a whole number',
    )
    expect(page.querySelector('input[name="unassignedWarnHours"]')?.getAttribute('value')).toBe('soon')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    expect((await agent.client.post(settings, form('1'))).status).toBe(403)
    expect((await owner.client.post(settings, form('4'))).status).toBe(303)
  })

  it('the Unassigned filter says how many leads wait unassigned', async () => {
    const html = await owner.client.html(`/o/${owner.slug}/leads`)
    const option = dom(html).querySelector('#assignee-filter option[value="unassigned"]')
    expect(textOf(option)).toBe('Unassigned (3)')
  })

  it('the managers’ daily digest names the unassigned leads waiting over the setting, once a day', async () => {
    const me = await userIdOf(owner.email)
    const now = Date.now()
    await agePools(env, now)
    await agePools(env, now + HOUR)
    const digests = await rows<{ data: string }>(
      "SELECT data FROM notifications WHERE user_id = ? AND type = 'unassigned_waiting'",
      me,
    )
    expect(digests).toHaveLength(1)
    const named = (JSON.parse(digests[0]!.data) as { leads: { id: string }[] }).leads.map((l) => l.id)
    expect(named).toEqual([fiveHours])
    const feed = await owner.client.html(`/o/${owner.slug}/notifications`)
    expect(textOf(dom(feed).querySelector('#notification-list'))).toContain(
      'Five Hours has waited unassigned longer than the warning time',
    )
  })

  it('"waiting over N hours" shows exactly when the wait is longer than N hours (generated waits and settings)', async () => {
    const { client, slug } = await signUp('Generated Waits Co')
    const lead = await createLead(client, slug, { name: 'Generated Wait' })
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 72 }), async (minutes, hours) => {
        await createdHoursAgo(lead, minutes / 60)
        await setOrg(slug, { unassigned_warn_hours: hours })
        const cell = assignedCell(await client.html(`/o/${slug}/leads`), lead)
        expect(cell.startsWith('Unassigned ')).toBe(true)
        expect(cell.includes('waiting over')).toBe(hours > 0 && minutes * 60_000 > hours * HOUR)
      }),
      { numRuns: 12 },
    )
  })
})

describe('Assignment workflows: "Lead comes in (via form)"', () => {
  let formPath: string

  beforeAll(async () => {
    const { client, slug } = await signUp('Harbour Bikes')
    expect((await client.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
    const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
      .bind(slug)
      .first<{ form_key: string }>()
    formPath = `/f/${row!.form_key}`
  })

  /** What of Leadpool a visitor could see or follow on `html`: its name, links into it, its scripts. */
  function leadpoolIn(html: string) {
    const page = dom(html)
    return {
      named: /Leadpool/i.test(textOf(page.querySelector('title')) + textOf(page.querySelector('body'))),
      links: [...page.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
      scripts: page.querySelectorAll('script').length,
    }
  }

  it('the thank-you page shows the organization’s name and the thanks, nothing of the app', async () => {
    const visitor = new Client()
    const sent = await visitor.post(formPath, { name: 'Vera Visitor', email: 'vera@example.com' })
    expect(sent.status).toBe(303)
    const html = await visitor.html(sent.headers.get('Location')!)
    const page = dom(html)
    expect(textOf(page.querySelector('header'))).toBe('Harbour Bikes')
    expect(textOf(page.querySelector('main h1'))).toBe('Thank you')
    expect(textOf(page.querySelector('main'))).toContain('Your message was sent to Harbour Bikes.')
    expect(leadpoolIn(html)).toEqual({ named: false, links: [], scripts: 0 })
  })

  it('the form’s own error page says what to correct under the organization’s name, nothing of the app', async () => {
    const visitor = new Client()
    const refused = await visitor.post(formPath, { name: '', email: 'not an address', message: 'Call me' })
    expect(refused.status).toBe(422)
    const html = await refused.text()
    const page = dom(html)
    expect(textOf(page.querySelector('header'))).toBe('Harbour Bikes')
    expect(alertOf(html)).toContain('Enter your name')
    expect(alertOf(html)).toContain('Enter a valid email address')
    // What was typed is there to copy.
    expect(textOf(page.querySelector('[data-sent]'))).toContain('Call me')
    expect(leadpoolIn(html)).toEqual({ named: false, links: [], scripts: 0 })
  })
})

describe('Troubleshooting: "Assignment not updating → refresh the page" (the words)', () => {
  it('a lost claim says who has the lead and that the pool already shows it, never "reload"', async () => {
    const { slug } = await signUp('Lost Claim Co')
    await setOrg(slug, { pool_enabled: 1 })
    const [ann, bob] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Contested', { inPool: true })
    const claim = `/o/${slug}/leads/${lead}/claim?from=pool`
    expect((await ann!.client.post(claim, {}, { 'HX-Request': 'true' })).status).toBe(204)
    const lost = await bob!.client.post(claim, {}, { 'HX-Request': 'true' })
    expect(lost.status).toBe(409)
    const alert = alertOf(await lost.text())
    expect(alert).toContain(`Already claimed by ${ann!.name}.`)
    expect(alert).toContain('The pool already shows this')
    expect(alert).not.toMatch(/reload|go back/i)
    // Sent from the lead page the loser may no longer see: its own page, the way back to the pool.
    const fromLead = await bob!.client.post(`/o/${slug}/leads/${lead}/claim`)
    expect(fromLead.status).toBe(409)
    const page = dom(await fromLead.text())
    expect(textOf(page.querySelector('main'))).not.toMatch(/reload|go back/i)
    expect(page.querySelector(`main a[href="/o/${slug}/pool"]`)).not.toBeNull()
  })

  it('the pool says "Waiting: 3 h", not "waiting 3 h" under its Waiting label', async () => {
    const { client, slug } = await signUp('Waiting Words Co')
    const lead = await addLead(slug, 'Pooled', { inPool: true })
    await env.DB.prepare('UPDATE leads SET pooled_at = ? WHERE id = ?')
      .bind(Date.now() - 3 * HOUR - 60_000, lead)
      .run()
    const cell = dom(await client.html(`/o/${slug}/pool`)).querySelector(
      `tr[data-lead-id="${lead}"] td[data-label="Waiting"]`,
    )
    expect(textOf(cell)).toBe('3 h')
  })

  it('the new owner’s handoff box has its own heading, not "Reassignment"', async () => {
    const owner = await signUp('Handoff Words Co')
    const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
    const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
    const lead = await createLead(owner.client, owner.slug, { name: 'Handed Over' })
    const assign = (userId: string) =>
      owner.client.post(`/o/${owner.slug}/leads/${lead}/assign`, { assigneeId: userId, note: 'Call on Monday' })
    expect((await assign(gus.userId)).status).toBe(303)
    expect((await assign(hal.userId)).status).toBe(303)
    const section = dom(await hal.client.html(`/o/${owner.slug}/leads/${lead}`)).querySelector('#handoff')
    expect(textOf(section?.querySelector('h2'))).toBe('Handed to you')
    expect(textOf(section?.querySelector('[data-handoff="waiting-for-you"]'))).toContain('Call on Monday')
    // Hal may not hand it on (the default), so he may ask for reassignment: under a heading of its own.
    expect(textOf(section?.querySelector('h3'))).toBe('Reassignment')
  })

  it('changing a role to the role the member already has says nothing changed', async () => {
    const owner = await signUp('Same Role Co')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const done = await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/role`, { role: 'agent' })
    expect(done.status).toBe(303)
    const notice = dom(await owner.client.html(done.headers.get('Location')!)).querySelector('[role="status"]')
    expect(textOf(notice)).toBe('Nothing changed: the member already had that role.')
    const changed = await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/role`, { role: 'admin' })
    const said = dom(await owner.client.html(changed.headers.get('Location')!)).querySelector('[role="status"]')
    expect(textOf(said)).toBe('Role changed.')
  })
})
