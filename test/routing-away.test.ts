/**
 * Routing a manager can trust (issue #27): who is away, capacity and weights, and concurrency. Weights and caps set
 * on the team page, away on the preferences or team page; leads arrive by the web form, many at once.
 */
import { describe, expect, it } from 'vitest'
import { agePools } from '../src/pool/aging'
import { addLead, addMembers, responsesInParallel, rows } from './concurrency'
import { alertOf, dom, textOf } from './dom'
import { Client, env, signUp } from './helpers'
import { orgIdOf, setOrg, signedInMembers } from './pool-fixtures'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const visitor = () => new Client()

/** Turns on round-robin over `memberIds` through the pool settings page. */
async function roundRobin(owner: Client, slug: string, memberIds: string[]) {
  const body = new URLSearchParams({ routing: 'round_robin', poolClaimCap: '0' })
  for (const id of memberIds) body.append('routingMemberIds', id)
  expect((await owner.request(`/o/${slug}/settings/pool`, { method: 'POST', body })).status).toBe(303)
}

/** Gives the organization a form key through the settings page; returns the form's path. */
async function webForm(owner: Client, slug: string): Promise<string> {
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<{ form_key: string }>()
  return `/f/${row!.form_key}`
}

/** Posts the web form once as a new visitor; returns who the lead went to (a user id, or `pool`). */
async function arrive(form: string, slug: string, email: string): Promise<string> {
  expect((await visitor().post(form, { name: `Visitor ${email}`, email })).status).toBe(303)
  const [row] = await rows<{ user_id: string | null }>(
    `SELECT a.user_id FROM leads l JOIN organizations o ON o.id = l.org_id
     LEFT JOIN lead_assignees a ON a.lead_id = l.id AND a.kind = 'primary' WHERE o.slug = ? AND l.email = ?`,
    slug,
    email,
  )
  return row!.user_id ?? 'pool'
}

/** How many leads of the organization at `slug` each member holds. */
async function heldBy(slug: string, ids: string[]): Promise<number[]> {
  const counts = await rows<{ user_id: string; n: number }>(
    `SELECT a.user_id, count(*) AS n FROM lead_assignees a JOIN leads l ON l.id = a.lead_id
     WHERE l.org_id = ? GROUP BY a.user_id`,
    await orgIdOf(slug),
  )
  return ids.map((id) => counts.find((c) => c.user_id === id)?.n ?? 0)
}

/** The sentence the lead page's timeline writes for the routing of the lead with `email` (the routing ledger). */
async function routingSentence(owner: Client, slug: string, email: string): Promise<string> {
  const [lead] = await rows<{ id: string }>('SELECT id FROM leads WHERE email = ?', email)
  const page = dom(await owner.html(`/o/${slug}/leads/${lead!.id}`))
  const entry = [...page.querySelectorAll('#timeline li[data-activity-type]')].find((li) =>
    ['assigned', 'moved_to_pool'].includes(li.getAttribute('data-activity-type')!),
  )
  return textOf(entry?.querySelector('span') ?? null)
}

/** The name of user `userId`. */
async function nameOf(userId: string): Promise<string> {
  const [row] = await rows<{ name: string }>('SELECT name FROM users WHERE id = ?', userId)
  return row!.name
}

/** The team page's row of member `userId`, as the owner sees it. */
async function teamRow(owner: Client, slug: string, userId: string) {
  return dom(await owner.html(`/o/${slug}/team`)).querySelector(`tr[data-member-id="${userId}"]`)
}

describe('weighted routing, away and at cap', () => {
  it('48 leads at once over weights 1, 1 and 2 with a fourth away: exactly 12, 12 and 24', async () => {
    const { client: owner, slug } = await signUp('Weighted Org')
    const [ana, bo, cy, dee] = await addMembers(slug, 4)
    await roundRobin(owner, slug, [ana!, bo!, cy!, dee!])
    expect((await owner.post(`/o/${slug}/team/${cy}/routing`, { weight: '2', cap: '0' })).status).toBe(303)
    expect((await owner.post(`/o/${slug}/team/${dee}/away`, { until: '' })).status).toBe(303)
    expect(textOf((await teamRow(owner, slug, cy!))!.querySelector('[data-routing-share]'))).toBe('weight 2')
    expect(textOf((await teamRow(owner, slug, dee!))!.querySelector('[data-away]'))).toBe('Away until back')
    const form = await webForm(owner, slug)
    const answers = await responsesInParallel(48, (i) =>
      visitor().post(form, { name: `Rush ${i}`, email: `rush.${i}@example.com` }),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(48).fill(303))
    expect(await heldBy(slug, [ana!, bo!, cy!, dee!])).toEqual([12, 12, 24, 0])
    // The routing page's balance agrees: each got exactly their share, and Dee was skipped 48 times, away.
    const balance = dom(await owner.html(`/o/${slug}/routing?days=7`))
    const cells = (id: string) =>
      ['routed', 'expected', 'difference'].map((c) =>
        textOf(balance.querySelector(`tr[data-member-id="${id}"] [data-${c}]`)),
      )
    expect([ana, bo, cy].map((id) => cells(id!))).toEqual([
      ['12', '12.0', '0.0'],
      ['12', '12.0', '0.0'],
      ['24', '24.0', '0.0'],
    ])
    expect(textOf(balance.querySelector(`tr[data-member-id="${dee}"] [data-skipped="away"]`))).toBe('48')
  })

  it('a member back from a week away takes turns from then on, with no burst of missed leads', async () => {
    const { client: owner, slug } = await signUp('Holiday Org')
    const [ana, bo] = await addMembers(slug, 2)
    await roundRobin(owner, slug, [ana!, bo!])
    // Bo is away for a week (the owner's time zone is UTC); the week's leads all go to Ana.
    const week = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 16)
    expect((await owner.post(`/o/${slug}/team/${bo}/away`, { until: week })).status).toBe(303)
    expect(textOf((await teamRow(owner, slug, bo!))!.querySelector('[data-away]'))).toMatch(/^Away until \d/)
    const form = await webForm(owner, slug)
    const during: string[] = []
    for (let i = 0; i < 10; i++) during.push(await arrive(form, slug, `week.${i}@example.com`))
    expect(during).toEqual(Array(10).fill(ana))
    // The lead page says why: "Routed to Ana: Bo away until 14 Dec 2026, 18:40 (UTC)".
    expect(await routingSentence(owner, slug, 'week.0@example.com')).toMatch(
      new RegExp(
        `^Routed to ${await nameOf(ana!)}: ${await nameOf(bo!)} away until \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\(UTC\\)$`,
      ),
    )
    expect((await owner.post(`/o/${slug}/team/${bo}/back`)).status).toBe(303)
    expect((await teamRow(owner, slug, bo!))!.querySelector('[data-away]')).toBeNull()
    const after: string[] = []
    for (let i = 0; i < 6; i++) after.push(await arrive(form, slug, `back.${i}@example.com`))
    expect(after).toEqual([bo, ana, bo, ana, bo, ana])
  })

  it('skips a member outside their working hours, says when they start, and lets them claim from the pool then', async () => {
    const { client: owner, slug } = await signUp('Working Hours Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [ana, bo] = await signedInMembers(slug, 2)
    await roundRobin(owner, slug, [ana!.userId, bo!.userId])
    // Bo works 09:00-17:00 on the day after tomorrow only (UTC, his time zone): now is outside his hours.
    const day = new Date(Date.now() + 2 * DAY)
    const body = new URLSearchParams({ workHours: '1', workStart: '09:00', workEnd: '17:00' })
    body.append('workDays', String(day.getUTCDay()))
    expect((await bo!.client.request(`/o/${slug}/preferences/hours`, { method: 'POST', body })).status).toBe(303)
    // No day ticked: refused on the preferences page, with what was typed.
    const noDay = await bo!.client.post(`/o/${slug}/preferences/hours`, {
      workHours: '1',
      workStart: '08:30',
      workEnd: '16:00',
    })
    expect(noDay.status).toBe(422)
    const again = dom(await noDay.text())
    expect(textOf(again.querySelector('[data-working-hours-form] [data-error-for="workDays"]'))).toBe(
      'Tick at least one working day',
    )
    expect(again.querySelector('[data-working-hours-form] input[name="workStart"]')!.getAttribute('value')).toBe(
      '08:30',
    )
    const prefs = dom(await bo!.client.html(`/o/${slug}/preferences`))
    const ticks = [...prefs.querySelectorAll('[data-working-hours-form] input[type="checkbox"]:checked')]
    expect(ticks.map((t) => t.getAttribute('value'))).toEqual(['1', String(day.getUTCDay())])
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(day)
    expect(textOf((await teamRow(owner, slug, bo!.userId))!.querySelector('[data-working-hours]'))).toBe(
      `works ${weekday} 09:00–17:00 (UTC)`,
    )
    const form = await webForm(owner, slug)
    const during: string[] = []
    for (let i = 0; i < 3; i++) during.push(await arrive(form, slug, `hours.${i}@example.com`))
    expect(during).toEqual([ana!.userId, ana!.userId, ana!.userId])
    // "Routed to Ana: Bo outside working hours (back Wed 09:00)", in the owner's time zone (UTC).
    expect(await routingSentence(owner, slug, 'hours.0@example.com')).toBe(
      `Routed to ${ana!.name}: ${bo!.name} outside working hours (back ${weekday} 09:00)`,
    )
    // Claiming from the pool stays open outside one's working hours.
    const pooled = await addLead(slug, 'Late pool lead', { inPool: true })
    expect((await bo!.client.post(`/o/${slug}/leads/${pooled}/claim?from=pool`)).status).toBe(303)
    // An Agent may not set someone else's hours; an owner may, and a refused form keeps what was typed.
    const none = { workStart: '09:00', workEnd: '17:00' }
    expect((await ana!.client.post(`/o/${slug}/team/${bo!.userId}/hours`, none)).status).toBe(403)
    const refused = await owner.post(`/o/${slug}/team/${bo!.userId}/hours`, {
      workHours: '1',
      workDays: '2',
      workStart: '18:00',
      workEnd: '08:00',
    })
    expect(refused.status).toBe(422)
    const row = dom(await refused.text()).querySelector(`tr[data-member-id="${bo!.userId}"]`)!
    expect(textOf(row.querySelector('[data-working-hours-form] [data-error-for="workEnd"]'))).toBe(
      'The end comes after the start',
    )
    expect(row.querySelector('input[name="workStart"]')!.getAttribute('value')).toBe('18:00')
    const kept = [...row.querySelectorAll('input[name="workDays"]:checked')].map((t) => t.getAttribute('value'))
    expect(kept).toEqual(['2'])
    // Without working hours Bo takes turns again from now on: a new stretch, no catch-up burst.
    expect((await owner.post(`/o/${slug}/team/${bo!.userId}/hours`, none)).status).toBe(303)
    expect((await teamRow(owner, slug, bo!.userId))!.querySelector('[data-working-hours]')).toBeNull()
    const after: string[] = []
    for (let i = 0; i < 4; i++) after.push(await arrive(form, slug, `anytime.${i}@example.com`))
    expect(after).toEqual([bo!.userId, ana!.userId, bo!.userId, ana!.userId])
  })

  it('skips members at their routing cap; when nobody can take a lead it goes to the pool and managers are told once', async () => {
    const { client: owner, slug } = await signUp('Capped Org')
    const [ana, bo] = await addMembers(slug, 2)
    await roundRobin(owner, slug, [ana!, bo!])
    expect((await owner.post(`/o/${slug}/team/${ana}/routing`, { weight: '1', cap: '1' })).status).toBe(303)
    expect((await owner.post(`/o/${slug}/team/${bo}/routing`, { weight: '1', cap: '2' })).status).toBe(303)
    const form = await webForm(owner, slug)
    const got: string[] = []
    for (let i = 0; i < 5; i++) got.push(await arrive(form, slug, `cap.${i}@example.com`))
    expect(got.filter((to) => to === ana)).toHaveLength(1)
    expect(got.filter((to) => to === bo)).toHaveLength(2)
    expect(got.slice(3)).toEqual(['pool', 'pool'])
    const [said, passed] = (await routingSentence(owner, slug, 'cap.3@example.com')).split(': ')
    expect(said).toBe('Routing put this lead in the pool')
    expect(passed!.split(', ').sort()).toEqual([`${await nameOf(ana!)} at cap`, `${await nameOf(bo!)} at cap`].sort())
    const told = () =>
      owner
        .html(`/o/${slug}/notifications`)
        .then((html) => [...dom(html).querySelectorAll('#notification-list li')].map((li) => textOf(li)))
        .then((items) => items.filter((t) => t.includes('Nobody in the routing could take')))
    expect(await told()).toHaveLength(1)
    expect((await told())[0]).toContain('Visitor cap.3@example.com')
    // Ana closes her lead: below her cap again, she takes the next one; the one after finds nobody and tells again.
    const [anas] = await rows<{ lead_id: string }>('SELECT lead_id FROM lead_assignees WHERE user_id = ?', ana)
    expect((await owner.post(`/o/${slug}/leads/${anas!.lead_id}/status`, { status: 'won' })).status).toBe(303)
    expect(await arrive(form, slug, 'cap.5@example.com')).toBe(ana)
    expect(await arrive(form, slug, 'cap.6@example.com')).toBe('pool')
    expect(await told()).toHaveLength(2)
  })

  it('the team page keeps a refused cap with its reason, and an Agent may not set anyone’s routing', async () => {
    const { client: owner, slug } = await signUp('Refused Cap Org')
    const [agent] = await signedInMembers(slug, 1)
    const res = await owner.post(`/o/${slug}/team/${agent!.userId}/routing`, { weight: '3', cap: 'lots' })
    expect(res.status).toBe(422)
    const row = dom(await res.text()).querySelector(`tr[data-member-id="${agent!.userId}"]`)!
    expect(row.querySelector('details.routing-controls')!.hasAttribute('open')).toBe(true)
    expect(row.querySelector('input[name="cap"]')!.getAttribute('value')).toBe('lots')
    expect(row.querySelector('select[name="weight"] option[selected]')!.getAttribute('value')).toBe('3')
    expect(textOf(row.querySelector('[data-error-for="cap"]'))).toBe('Enter a whole number of leads, 0 for no cap')
    const refused = await agent!.client.post(`/o/${slug}/team/${agent!.userId}/routing`, { weight: '5', cap: '0' })
    expect(refused.status).toBe(403)
    const away = await owner.post(`/o/${slug}/team/${agent!.userId}/away`, { until: '2001-01-01T00:00' })
    expect(away.status).toBe(422)
    const awayRow = dom(await away.text()).querySelector(`tr[data-member-id="${agent!.userId}"]`)!
    expect(textOf(awayRow.querySelector('[data-error-for="until"]'))).toBe(
      'Choose a time after now, or leave it empty.',
    )
    expect(awayRow.querySelector('input[name="until"]')!.getAttribute('value')).toBe('2001-01-01T00:00')
  })
})

describe('an away member and the pool', () => {
  it('cannot claim (409, the pool says why instead of offering Claim) until they mark themselves back', async () => {
    const { slug } = await signUp('Away Pool Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Waiting lead', { inPool: true })
    expect((await agent!.client.post(`/o/${slug}/preferences/away`, { until: '' })).status).toBe(303)
    const prefs = dom(await agent!.client.html(`/o/${slug}/preferences`))
    expect(textOf(prefs.querySelector('#away [data-away-form]'))).toBe('Away until back I am back')
    const pool = dom(await agent!.client.html(`/o/${slug}/pool`))
    expect(textOf(pool.querySelector('[data-away-reason]'))).toBe(
      'You are away until back, so you cannot claim from the pool. Mark yourself back to claim.',
    )
    expect(pool.querySelector('section.claims-off #pool-list')).not.toBeNull()
    const refused = await agent!.client.post(`/o/${slug}/leads/${lead}/claim?from=pool`)
    expect(refused.status).toBe(409)
    expect(alertOf(await refused.text())).toContain('You are away until you say you are back, so you cannot claim')
    expect((await agent!.client.post(`/o/${slug}/preferences/back`)).status).toBe(303)
    expect(dom(await agent!.client.html(`/o/${slug}/pool`)).querySelector('[data-away-reason]')).toBeNull()
    expect((await agent!.client.post(`/o/${slug}/leads/${lead}/claim?from=pool`)).status).toBe(303)
  })

  it('the lead page of a pool lead says why instead of offering Claim while they are away', async () => {
    const { slug } = await signUp('Away Lead Page Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Pool lead', { inPool: true })
    const claimButton = (page: ReturnType<typeof dom>) =>
      [...page.querySelectorAll('#assignment button')].find((b) => textOf(b) === 'Claim this lead')
    expect(claimButton(dom(await agent!.client.html(`/o/${slug}/leads/${lead}`)))).toBeDefined()
    expect((await agent!.client.post(`/o/${slug}/preferences/away`, { until: '' })).status).toBe(303)
    const page = dom(await agent!.client.html(`/o/${slug}/leads/${lead}`))
    expect(claimButton(page)).toBeUndefined()
    expect(textOf(page.querySelector('#assignment [data-away-reason]'))).toBe(
      'You are away until back, so you cannot claim from the pool. Mark yourself back to claim.',
    )
    expect(page.querySelector('#assignment [data-away-reason] a')!.getAttribute('href')).toBe(
      `/o/${slug}/preferences#away`,
    )
    // The section alone (what a live update reloads) says the same.
    const answer = await agent!.client.get(`/o/${slug}/leads/${lead}/assignment`, { 'HX-Request': 'true' })
    const section = dom(await answer.text())
    expect(textOf(section.querySelector('[data-away-reason]'))).toMatch(/^You are away until back/)
    expect((await agent!.client.post(`/o/${slug}/preferences/back`)).status).toBe(303)
    const back = dom(await agent!.client.html(`/o/${slug}/leads/${lead}`))
    expect(back.querySelector('#assignment [data-away-reason]')).toBeNull()
    expect(claimButton(back)).toBeDefined()
  })

  it('a week away moves the return timer of their claimed leads a week later', async () => {
    const { slug } = await signUp('Away Timer Org')
    await setOrg(slug, { pool_enabled: 1, pool_return_days: 3 })
    const [away, present] = await signedInMembers(slug, 2)
    const orgId = await orgIdOf(slug)
    const claimedAt = Date.now() - 10 * DAY
    const leads: Record<string, string> = {}
    for (const m of [away!, present!]) {
      const lead = await addLead(slug, `Claimed by ${m.name}`, { assignee: m.userId })
      leads[m.userId] = lead
      await env.DB.batch([
        env.DB.prepare('UPDATE lead_assignees SET assigned_at = ? WHERE lead_id = ?').bind(claimedAt, lead),
        env.DB.prepare(
          "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, 'claimed', '{}', ?)",
        ).bind(crypto.randomUUID(), orgId, lead, m.userId, claimedAt),
      ])
    }
    // Away from a day after the claim, for a week.
    await env.DB.prepare('INSERT INTO away_periods (id, org_id, user_id, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)')
      .bind(crypto.randomUUID(), orgId, away!.userId, claimedAt + DAY, claimedAt + 8 * DAY)
      .run()
    const warned = async () =>
      (
        await rows<{ user_id: string }>(
          "SELECT user_id FROM notifications WHERE org_id = ? AND type = 'return_warning'",
          orgId,
        )
      ).map((r) => r.user_id)
    // Two days and an hour after the claim the present member is warned; the away one's timer stood still a week.
    await agePools(env, claimedAt + 2 * DAY + HOUR)
    expect(await warned()).toEqual([present!.userId])
    await agePools(env, claimedAt + 8 * DAY + 12 * HOUR)
    expect(await warned()).toEqual([present!.userId])
    await agePools(env, claimedAt + 9 * DAY + HOUR)
    expect((await warned()).sort()).toEqual([present!.userId, away!.userId].sort())
    expect(await rows('SELECT user_id FROM lead_assignees WHERE lead_id = ?', leads[away!.userId])).toEqual([
      { user_id: away!.userId },
    ])
  })
})
