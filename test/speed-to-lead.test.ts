/**
 * Speed to lead (docs/ARCHITECTURE.md "Speed to lead"): when a lead was first assigned and first touched by someone
 * holding it, as its page, the lead list and the team page show it, and the migration's backfill from the history.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WORKED_ACTIVITIES } from '../src/activity/activities'
import { percentile } from '../src/orgs/first-touch-times'
import { addLead, addMembers, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { env, signUp } from './helpers'
import { orgIdOf, signedInMembers } from './pool-fixtures'

const MINUTE = 60_000

/** The "First touch" fact of the lead page `html`. */
const firstTouchOf = (html: string) => textOf(dom(html).querySelector('dd[data-first-touch]'))

/** Moves lead `leadId`'s arrival and first assignment back by minutes (the test cannot wait for a clock). */
async function backdate(leadId: string, arrivedMinutesAgo: number, assignedMinutesAgo: number) {
  const now = Date.now()
  await env.DB.prepare('UPDATE leads SET created_at = ?, first_assigned_at = ? WHERE id = ?')
    .bind(now - arrivedMinutesAgo * MINUTE, now - assignedMinutesAgo * MINUTE, leadId)
    .run()
}

describe('speed to lead', () => {
  it('the lead page tells when the lead was first touched by whoever holds it, not by anyone else', async () => {
    const { client: owner, slug } = await signUp('Speed Org')
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Quick lead', { assignee: agent!.userId })
    await backdate(lead, 12, 5)
    const page = `/o/${slug}/leads/${lead}`
    expect(firstTouchOf(await agent!.client.html(page))).toBe('Not touched yet, assigned 5 min ago')
    // The owner does not hold the lead: their note is not its first touch.
    expect((await owner.post(`${page}/notes`, { body: 'Owner looked at it' })).status).toBe(303)
    expect(firstTouchOf(await owner.html(page))).toBe('Not touched yet, assigned 5 min ago')
    expect((await agent!.client.post(`${page}/notes`, { body: 'Called, left a message' })).status).toBe(303)
    const touched = 'First touched 12 min after it arrived (5 min after it was assigned)'
    expect(firstTouchOf(await owner.html(page))).toBe(touched)
    // Later work does not move it.
    expect((await agent!.client.post(`${page}/status`, { status: 'contacted' })).status).toBe(303)
    expect(firstTouchOf(await owner.html(page))).toBe(touched)
    expect(await rows('SELECT first_touched_by FROM leads WHERE id = ?', lead)).toEqual([
      { first_touched_by: agent!.userId },
    ])
  })

  it('a lead nobody holds says so; a status change by its holder is a first touch', async () => {
    const { client: owner, slug } = await signUp('Status Org')
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Waiting lead')
    const page = `/o/${slug}/leads/${lead}`
    expect(firstTouchOf(await owner.html(page))).toBe('Not touched yet, not assigned')
    await env.DB.prepare(
      "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'primary', ?)",
    )
      .bind(await orgIdOf(slug), lead, agent!.userId, Date.now())
      .run()
    await backdate(lead, 30, 30)
    expect((await agent!.client.post(`${page}/status`, { status: 'contacted' })).status).toBe(303)
    expect(firstTouchOf(await owner.html(page))).toBe('First touched 30 min after it arrived')
  })

  it('with business hours, the wait counts only them: Friday 16:50 to Monday 09:05 is 15 minutes', async () => {
    const { client: owner, slug } = await signUp('Hours Org')
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Weekend lead', { assignee: agent!.userId })
    expect((await agent!.client.post(`/o/${slug}/leads/${lead}/notes`, { body: 'Called' })).status).toBe(303)
    const friday = Date.parse('2025-12-05T16:50:00+01:00')
    // Touched then, its wait not written yet (src/orgs/first-touch-wait.ts): the page works it out from the columns.
    await env.DB.prepare(
      'UPDATE leads SET created_at = ?, first_assigned_at = ?, first_touched_at = ?, first_touch_wait_ms = NULL WHERE id = ?',
    )
      .bind(friday, friday, Date.parse('2025-12-08T09:05:00+01:00'), lead)
      .run()
    const page = `/o/${slug}/leads/${lead}`
    expect(firstTouchOf(await owner.html(page))).toBe('First touched 2 d after it arrived')
    await env.DB.prepare("UPDATE organizations SET business_time_zone = 'Europe/Berlin' WHERE slug = ?")
      .bind(slug)
      .run()
    expect(firstTouchOf(await owner.html(page))).toBe('First touched 15 min after it arrived')
  })

  it('the list has a "First touch" column that sorts, fastest first, leads not touched yet last', async () => {
    const { client: owner, slug } = await signUp('Sort Org')
    const [agent] = await signedInMembers(slug, 1)
    for (const [name, after] of Object.entries({ Slow: 40, Fast: 3, Middle: 15 })) {
      const lead = await addLead(slug, name, { assignee: agent!.userId })
      await backdate(lead, after, after)
      expect((await agent!.client.post(`/o/${slug}/leads/${lead}/notes`, { body: 'Called' })).status).toBe(303)
    }
    await addLead(slug, 'Untouched', { assignee: agent!.userId })
    const names = (html: string) => texts(html, '#lead-list tbody td.lead-name a')
    const cells = (html: string) => texts(html, '#lead-list tbody td[data-first-touch]')
    const fastest = await owner.html(`/o/${slug}/leads?sort=first-touch`)
    expect(names(fastest)).toEqual(['Fast', 'Middle', 'Slow', 'Untouched'])
    expect(cells(fastest)).toEqual(['3 min', '15 min', '40 min', 'Not yet'])
    expect(texts(fastest, '#lead-list th[aria-sort="ascending"]')).toEqual(['First touch ▲'])
    const slowest = await owner.html(`/o/${slug}/leads?sort=-first-touch`)
    expect(names(slowest)).toEqual(['Untouched', 'Slow', 'Middle', 'Fast'])
    // A next page continues after the last row of the one before, untouched leads included.
    const ids = await rows<{ id: string }>("SELECT id FROM leads WHERE name = 'Middle'")
    expect(names(await owner.html(`/o/${slug}/leads?sort=first-touch&cursor=${ids[0]!.id}`))).toEqual([
      'Slow',
      'Untouched',
    ])
  })

  it('the team page gives each member the median and 90th percentile time to first touch over 30 days', async () => {
    const { client: owner, slug } = await signUp('Team Speed Org')
    const [quick, idle] = await signedInMembers(slug, 2)
    for (const after of [40, 3, 15]) {
      const lead = await addLead(slug, `Lead ${after}`, { assignee: quick!.userId })
      await backdate(lead, after, after)
      expect((await quick!.client.post(`/o/${slug}/leads/${lead}/notes`, { body: 'Called' })).status).toBe(303)
    }
    // A lead first touched 31 days ago, ten hours after it arrived, is out of the window.
    const old = await addLead(slug, 'Old lead', { assignee: quick!.userId })
    expect((await quick!.client.post(`/o/${slug}/leads/${old}/notes`, { body: 'Called' })).status).toBe(303)
    const touched = Date.now() - 31 * 24 * 60 * MINUTE
    await env.DB.prepare('UPDATE leads SET created_at = ?, first_touched_at = ? WHERE id = ?')
      .bind(touched - 600 * MINUTE, touched, old)
      .run()
    const team = dom(await owner.html(`/o/${slug}/team`))
    const cell = (userId: string) => textOf(team.querySelector(`tr[data-member-id="${userId}"] td[data-first-touch]`))
    expect(cell(quick!.userId)).toBe('median 15 min, 90% within 40 min (3 leads)')
    expect(cell(idle!.userId)).toBe('—')
    // Agents see no one's numbers.
    expect(dom(await idle!.client.html(`/o/${slug}/team`)).querySelector('td[data-first-touch]')).toBeNull()
  })

  it('a percentile is one of the values, and the 90th is never below the median', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 50 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b)
        const [median, p90] = [percentile(sorted, 0.5), percentile(sorted, 0.9)]
        expect(sorted).toContain(median)
        expect(p90).toBeGreaterThanOrEqual(median)
        // At least half the values are at or below the median, and at least 90 % at or below the 90th.
        expect(sorted.filter((v) => v <= median).length * 2).toBeGreaterThanOrEqual(sorted.length)
        expect(sorted.filter((v) => v <= p90).length * 10).toBeGreaterThanOrEqual(sorted.length * 9)
      }),
      { numRuns: 200 },
    )
  })

  it('the backfill from the history finds what the triggers wrote, for generated histories', async () => {
    const { slug } = await signUp('Backfill Org')
    const people = await addMembers(slug, 3)
    const orgId = await orgIdOf(slug)
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.includes('speed_to_lead'))!.queries.filter(
      (q) => q.includes('UPDATE `leads` SET') && !q.includes('CREATE TRIGGER'),
    )
    expect(backfill).toHaveLength(2)
    const step = fc.record({
      who: fc.constantFrom(...people),
      kind: fc.constantFrom('assign', 'collaborate', 'claim', 'work'),
      type: fc.constantFrom(...WORKED_ACTIVITIES),
    })
    const activity = (leadId: string, actor: string | null, type: string, data: object, at: number) =>
      env.DB.prepare(
        'INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).bind(crypto.randomUUID(), orgId, leadId, actor, type, JSON.stringify(data), at)
    const holder = (leadId: string, userId: string, kind: string, at: number) =>
      env.DB.prepare(
        'INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, ?, ?)',
      ).bind(orgId, leadId, userId, kind, at)
    const stamps = (leadId: string) =>
      rows('SELECT first_assigned_at, first_touched_at, first_touched_by FROM leads WHERE id = ?', leadId)
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 8 }), async (steps) => {
        const lead = await addLead(slug, 'Generated')
        const holders = new Set<string>()
        let primary = false
        let at = Date.now()
        for (const { who, kind, type } of steps) {
          at += MINUTE
          if (kind === 'work') await activity(lead, who, type, {}, at).run()
          else if (holders.has(who) || (kind !== 'collaborate' && primary)) continue
          else {
            holders.add(who)
            primary ||= kind !== 'collaborate'
            const given =
              kind === 'claim'
                ? activity(lead, who, 'claimed', {}, at)
                : kind === 'assign'
                  ? activity(lead, null, 'assigned', { to: { id: who } }, at)
                  : activity(lead, null, 'collaborator_added', { collaborator: { id: who } }, at)
            await env.DB.batch([holder(lead, who, kind === 'collaborate' ? 'collaborator' : 'primary', at), given])
          }
        }
        const written = await stamps(lead)
        await env.DB.prepare(
          'UPDATE leads SET first_assigned_at = NULL, first_touched_at = NULL, first_touched_by = NULL WHERE id = ?',
        )
          .bind(lead)
          .run()
        for (const query of backfill) await env.DB.prepare(query).run()
        expect(await stamps(lead)).toEqual(written)
      }),
      { numRuns: 25 },
    )
  })

  it('two holders working a lead at the same moment: one first touch, one of theirs, and no 5xx', async () => {
    const { slug } = await signUp('Race Org')
    const [ava, bo] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Raced lead', { assignee: ava!.userId })
    await env.DB.prepare(
      "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'collaborator', ?)",
    )
      .bind(await orgIdOf(slug), lead, bo!.userId, Date.now())
      .run()
    const page = `/o/${slug}/leads/${lead}`
    const answers = await Promise.all([
      ava!.client.post(`${page}/notes`, { body: 'Ava called' }),
      bo!.client.post(`${page}/notes`, { body: 'Bo emailed' }),
      ava!.client.post(`${page}/status`, { status: 'contacted' }),
    ])
    expect(answers.map((a) => a.status < 500)).toEqual([true, true, true])
    const [stamp] = await rows<{ first_touched_at: number; first_touched_by: string }>(
      'SELECT first_touched_at, first_touched_by FROM leads WHERE id = ?',
      lead,
    )
    // The stamp is one of the works, by its author: whichever batch committed first.
    const works = await rows<{ created_at: number; actor_id: string }>(
      "SELECT created_at, actor_id FROM activities WHERE lead_id = ? AND type IN ('note_added', 'status_changed')",
      lead,
    )
    expect(works).toHaveLength(3)
    expect(works).toContainEqual({ created_at: stamp!.first_touched_at, actor_id: stamp!.first_touched_by })
    expect([ava!.userId, bo!.userId]).toContain(stamp!.first_touched_by)
  })

  it('the trigger counts as work exactly what the pool return counts (one list)', async () => {
    const trigger = await rows<{ sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'activities_first_touch_ai'",
    )
    const inList = /`type` IN \(([^)]*)\)/.exec(trigger[0]!.sql)![1]!
    const types = [...inList.matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
    expect(types.sort()).toEqual([...WORKED_ACTIVITIES].sort())
  })
})
