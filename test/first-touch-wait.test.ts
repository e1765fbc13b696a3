/**
 * The working wait to first touch (docs/ARCHITECTURE.md "Speed to lead"): business hours, with the time the toucher
 * was away taken out, the same on the lead page, in the list's column and sort, on the team page and in the
 * dashboard's rollup; the first-touch target's clock stands still while the assignee is away.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkAllFirstTouchTargets } from '../src/pool/first-touch-target'
import { CHORES } from '../src/scheduled'
import { addLead, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { Client, env, signUp } from './helpers'
import { orgIdOf, setOrg, signedInMembers, userIdOf } from './pool-fixtures'

const MINUTE = 60_000
const BERLIN = { business_time_zone: 'Europe/Berlin', business_days: '1,2,3,4,5', business_start: '09:00' }

/** The lead page's "First touch" fact of lead `leadId`, as `client` sees it. */
async function factOf(client: Client, slug: string, leadId: string) {
  return textOf(dom(await client.html(`/o/${slug}/leads/${leadId}`)).querySelector('dd[data-first-touch]'))
}

/** The "First touch" cell of lead `leadId` in the list page `html`. */
const cellOf = (html: string, leadId: string) =>
  textOf(dom(html).querySelector(`#lead-list tr[data-lead-id="${leadId}"] td[data-first-touch]`))

/** Runs the cron's chore that writes the waits no request wrote (none before this change: then nothing). */
const sweep = (now = Date.now()) => CHORES['first-touch waits']?.(env, now)

/** Says lead `leadId` arrived (and was first assigned) at `arrivedAt` (epoch ms). */
async function arrived(leadId: string, arrivedAt: number) {
  await env.DB.prepare('UPDATE leads SET created_at = ?, first_assigned_at = ? WHERE id = ?')
    .bind(arrivedAt, arrivedAt, leadId)
    .run()
}

/** Member `userId` of `slug` worked lead `leadId` at `at` (epoch ms): a note's activity written as it would have been. */
async function workedAt(slug: string, leadId: string, userId: string, at: number) {
  await env.DB.prepare(
    "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, 'note_added', '{}', ?)",
  )
    .bind(crypto.randomUUID(), await orgIdOf(slug), leadId, userId, at)
    .run()
}

/** Member `userId` of `slug` is away from `from` until `until` (epoch ms; null: not back yet). */
async function away(slug: string, userId: string, from: number, until: number | null) {
  await env.DB.prepare('INSERT INTO away_periods (id, org_id, user_id, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)')
    .bind(crypto.randomUUID(), await orgIdOf(slug), userId, from, until)
    .run()
}

describe('the working wait to first touch', () => {
  it('the list column and the lead page say the same wait, for generated leads, hours and away periods', async () => {
    const { client: owner, slug } = await signUp('Same Wait Org')
    const [agent] = await signedInMembers(slug, 1)
    const hours = fc.option(
      fc.record({
        business_time_zone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
        business_days: fc.subarray(['0', '1', '2', '3', '4', '5', '6'], { minLength: 1 }).map((d) => d.join(',')),
        business_start: fc.constantFrom('00:00', '08:30', '09:00'),
        business_end: fc.constantFrom('12:00', '17:00', '24:00'),
      }),
    )
    const absence = fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.option(fc.nat(3 * 24 * 60))))
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10 * 24 * 60 }), hours, absence, async (ago, open, gone) => {
        const name = `Generated ${++n}`
        const lead = await addLead(slug, name, { assignee: agent!.userId })
        const now = Date.now()
        await arrived(lead, now - ago * MINUTE)
        await setOrg(slug, open ?? { business_time_zone: null })
        await env.DB.prepare('DELETE FROM away_periods WHERE user_id = ?').bind(agent!.userId).run()
        if (gone) {
          const from = now - Math.floor(gone[0] * ago) * MINUTE
          await away(slug, agent!.userId, from, gone[1] === null ? null : from + gone[1] * MINUTE)
        }
        expect((await agent!.client.post(`/o/${slug}/leads/${lead}/notes`, { body: 'Called' })).status).toBe(303)
        const fact = await factOf(owner, slug, lead)
        const wait = /^First touched (.+?) after it arrived/.exec(fact)?.[1]
        expect(wait, fact).toBeDefined()
        expect(cellOf(await owner.html(`/o/${slug}/leads`), lead)).toBe(wait)
      }),
      { numRuns: 12 },
    )
  })

  it('the list sorts by the business-hours wait, across a weekend and a daylight-saving change', async () => {
    const { client: owner, slug } = await signUp('Sorted Hours Org')
    await setOrg(slug, BERLIN)
    const [agent] = await signedInMembers(slug, 1)
    // Berlin, Monday to Friday 09:00–17:00.
    const leads = {
      // Friday 16:50 to Monday 09:05: 15 minutes (2 days by the wall clock).
      Weekend: ['2025-12-05T16:50:00+01:00', '2025-12-08T09:05:00+01:00'],
      // Monday 08:00 to 10:30: 90 minutes (2.5 hours by the wall clock).
      Morning: ['2025-12-08T08:00:00+01:00', '2025-12-08T10:30:00+01:00'],
      // Friday 16:00 (UTC+1) to Monday 10:00 (UTC+2) over the change to summer time: 2 hours (2 days by the wall clock).
      Summer: ['2025-03-28T16:00:00+01:00', '2025-03-31T10:00:00+02:00'],
    }
    const ids: Record<string, string> = {}
    for (const [name, [from, to]] of Object.entries(leads)) {
      const lead = await addLead(slug, name, { assignee: agent!.userId })
      await arrived(lead, Date.parse(from!))
      await workedAt(slug, lead, agent!.userId, Date.parse(to!))
      ids[name] = lead
    }
    await addLead(slug, 'Untouched', { assignee: agent!.userId })
    await sweep()
    const names = (html: string) => texts(html, '#lead-list tbody td.lead-name a')
    const fastest = await owner.html(`/o/${slug}/leads?sort=first-touch`)
    expect(names(fastest)).toEqual(['Weekend', 'Morning', 'Summer', 'Untouched'])
    expect(texts(fastest, '#lead-list tbody td[data-first-touch]')).toEqual(['15 min', '1 h', '2 h', 'Not yet'])
    expect(names(await owner.html(`/o/${slug}/leads?sort=-first-touch`))).toEqual([
      'Untouched',
      'Summer',
      'Morning',
      'Weekend',
    ])
    // The lead page says the same.
    expect(await factOf(owner, slug, ids.Weekend!)).toBe('First touched 15 min after it arrived')
    expect(await factOf(owner, slug, ids.Summer!)).toBe('First touched 2 h after it arrived')
    // The dashboard's rollup sums the same waits (15 + 90 + 120 minutes).
    const [sum] = await rows<{ wait: number }>(
      "SELECT sum(wait_ms) AS wait FROM first_touch_day_counts WHERE org_id = ? AND scope = 'all'",
      await orgIdOf(slug),
    )
    expect(sum!.wait).toBe(225 * MINUTE)
  })

  it('the clock stands still while the toucher was away: the lead page, the list and the team page', async () => {
    const { client: owner, slug } = await signUp('Away Wait Org')
    const [agent] = await signedInMembers(slug, 1)
    const now = Date.now()
    // Away from 90 to 30 minutes ago.
    await away(slug, agent!.userId, now - 90 * MINUTE, now - 30 * MINUTE)
    // Arrived 100 minutes ago, worked now: 40 minutes, written with the note.
    const noted = await addLead(slug, 'Noted lead', { assignee: agent!.userId })
    await arrived(noted, now - 100 * MINUTE)
    expect((await agent!.client.post(`/o/${slug}/leads/${noted}/notes`, { body: 'Called' })).status).toBe(303)
    // Arrived 100 minutes ago, worked 20 minutes ago (a path no request wrote the wait for): 20 minutes.
    const swept = await addLead(slug, 'Swept lead', { assignee: agent!.userId })
    await arrived(swept, now - 100 * MINUTE)
    await workedAt(slug, swept, agent!.userId, now - 20 * MINUTE)
    // Before the sweep the lead page works it out; after, it and the list read the stored wait.
    expect(await factOf(owner, slug, swept)).toBe('First touched 20 min after it arrived')
    await sweep()
    expect(await factOf(owner, slug, noted)).toBe('First touched 40 min after it arrived')
    expect(await factOf(owner, slug, swept)).toBe('First touched 20 min after it arrived')
    const list = await owner.html(`/o/${slug}/leads`)
    expect([cellOf(list, noted), cellOf(list, swept)]).toEqual(['40 min', '20 min'])
    const team = dom(await owner.html(`/o/${slug}/team`))
    expect(textOf(team.querySelector(`tr[data-member-id="${agent!.userId}"] td[data-first-touch]`))).toBe(
      'median 20 min, 90% within 40 min (2 leads)',
    )
  })

  it('a bulk status change by the Owner holding the leads stores their waits in its batch: the list says so at once', async () => {
    const { client: owner, slug, email } = await signUp('Bulk Wait Org')
    const ownerId = await userIdOf(email)
    const now = Date.now()
    // Arrived 30 minutes ago; the Owner was away for 20 of them.
    const first = await addLead(slug, 'First bulk lead', { assignee: ownerId })
    await arrived(first, now - 30 * MINUTE)
    await away(slug, ownerId, now - 25 * MINUTE, now - 5 * MINUTE)
    // Touched an hour ago, 5 minutes after it arrived: a later change leaves its wait alone.
    const earlier = await addLead(slug, 'Earlier lead', { assignee: ownerId })
    await arrived(earlier, now - 65 * MINUTE)
    await workedAt(slug, earlier, ownerId, now - 60 * MINUTE)
    await sweep()
    const body = new URLSearchParams([
      ['leadIds', first],
      ['leadIds', earlier],
      ['status', 'contacted'],
    ])
    expect((await owner.request(`/o/${slug}/leads/bulk-status`, { method: 'POST', body })).status).toBeLessThan(400)
    const list = await owner.html(`/o/${slug}/leads`)
    expect([cellOf(list, first), cellOf(list, earlier)]).toEqual(['10 min', '5 min'])
    expect(await factOf(owner, slug, first)).toBe('First touched 10 min after it arrived')
  })

  it('the migration wrote the wall clock where SQL can tell the wait, and left the rest to the sweep', async () => {
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.includes('first_touch_wait'))!.queries.filter((q) =>
      q.includes('UPDATE `leads` SET `first_touch_wait_ms`'),
    )
    expect(backfill).toHaveLength(1)
    const now = Date.now()
    const touchedLead = async (slug: string, name: string, userId: string) => {
      const lead = await addLead(slug, name, { assignee: userId })
      await arrived(lead, now - 50 * MINUTE)
      await workedAt(slug, lead, userId, now - 10 * MINUTE)
      return lead
    }
    const plain = await signUp('Plain Backfill Org')
    const [present, absent] = await signedInMembers(plain.slug, 2)
    const clock = await touchedLead(plain.slug, 'Wall clock', present!.userId)
    await away(plain.slug, absent!.userId, now - 30 * MINUTE, now - 20 * MINUTE)
    const paused = await touchedLead(plain.slug, 'Paused', absent!.userId)
    const hours = await signUp('Hours Backfill Org')
    await setOrg(hours.slug, BERLIN)
    const [worker] = await signedInMembers(hours.slug, 1)
    const inHours = await touchedLead(hours.slug, 'In hours', worker!.userId)
    await env.DB.prepare(backfill[0]!).run()
    const waitOf = async (lead: string) =>
      (await rows<{ wait: number | null }>('SELECT first_touch_wait_ms AS wait FROM leads WHERE id = ?', lead))[0]!.wait
    expect([await waitOf(clock), await waitOf(paused), await waitOf(inHours)]).toEqual([40 * MINUTE, null, null])
    await sweep()
    expect(await waitOf(paused)).toBe(30 * MINUTE)
    expect(await waitOf(inHours)).not.toBeNull()
  })

  it('two holders working a lead at once: the wait stored is the first touch’s, and no answer is 5xx', async () => {
    const { slug } = await signUp('Raced Wait Org')
    await setOrg(slug, { ...BERLIN, business_days: '0,1,2,3,4,5,6', business_start: '00:00', business_end: '24:00' })
    const [ava, bo] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Raced lead', { assignee: ava!.userId })
    await env.DB.prepare(
      "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'collaborator', ?)",
    )
      .bind(await orgIdOf(slug), lead, bo!.userId, Date.now())
      .run()
    const now = Date.now()
    await arrived(lead, now - 50 * MINUTE)
    // Bo was away for 20 of those minutes; Ava never.
    await away(slug, bo!.userId, now - 40 * MINUTE, now - 20 * MINUTE)
    const page = `/o/${slug}/leads/${lead}`
    const answers = await Promise.all([
      ava!.client.post(`${page}/notes`, { body: 'Ava called' }),
      bo!.client.post(`${page}/notes`, { body: 'Bo emailed' }),
      ava!.client.post(`${page}/status`, { status: 'contacted' }),
      bo!.client.post(`${page}/tasks`, { title: 'Call back', assigneeId: bo!.userId, dueDate: '2030-01-15' }),
    ])
    expect(answers.map((a) => a.status).filter((s) => s >= 500)).toEqual([])
    const [stamp] = await rows<{ at: number; by: string; created: number; wait: number }>(
      'SELECT first_touched_at AS at, first_touched_by AS by, created_at AS created, first_touch_wait_ms AS wait FROM leads WHERE id = ?',
      lead,
    )
    // Whoever's batch came first: their wait, their absence taken out.
    const absent = stamp!.by === bo!.userId ? 20 * MINUTE : 0
    expect(stamp!.wait).toBe(stamp!.at - stamp!.created - absent)
  })

  it('the first-touch target does not warn or miss while the assignee is away, and counts without their absence', async () => {
    const { slug, email } = await signUp('Away Target Org')
    await setOrg(slug, { first_touch_target_minutes: 30 })
    const [gone, back] = await signedInMembers(slug, 2)
    const ownerId = await userIdOf(email)
    const now = Date.now()
    // Assigned an hour ago; its assignee went away 5 minutes ago and is not back.
    const waiting = await addLead(slug, 'Waiting lead', { assignee: gone!.userId })
    await arrived(waiting, now - 60 * MINUTE)
    await away(slug, gone!.userId, now - 5 * MINUTE, null)
    // Assigned 40 minutes ago; its assignee was away from 35 to 15 minutes ago: it has waited 20 minutes.
    const paused = await addLead(slug, 'Paused lead', { assignee: back!.userId })
    await arrived(paused, now - 40 * MINUTE)
    await away(slug, back!.userId, now - 35 * MINUTE, now - 15 * MINUTE)
    const notified = async (userId: string) =>
      (
        await rows<{ type: string; data: string }>(
          "SELECT type, data FROM notifications WHERE user_id = ? AND type LIKE 'first_touch_%' ORDER BY created_at, id",
          userId,
        )
      ).map((n) => `${n.type}: ${(JSON.parse(n.data) as { leads: { name: string }[] }).leads[0]!.name}`)
    await checkAllFirstTouchTargets(env, now)
    expect(await notified(gone!.userId)).toEqual([])
    expect(await notified(back!.userId)).toEqual([])
    expect(await notified(ownerId)).toEqual([])
    // Five minutes later the paused lead has waited 25 of its 30 minutes: its assignee hears it is near.
    await checkAllFirstTouchTargets(env, now + 5 * MINUTE)
    expect(await notified(back!.userId)).toEqual(['first_touch_due: Paused lead'])
    expect(await notified(ownerId)).toEqual([])
    // Back 10 minutes from now, the waiting lead's clock runs again: it missed the target (56 minutes worked), and so
    // did the paused one (31).
    await env.DB.prepare('UPDATE away_periods SET ends_at = ? WHERE user_id = ?')
      .bind(now + 10 * MINUTE, gone!.userId)
      .run()
    await checkAllFirstTouchTargets(env, now + 11 * MINUTE)
    expect((await notified(ownerId)).sort()).toEqual([
      'first_touch_missed: Paused lead',
      'first_touch_missed: Waiting lead',
    ])
    expect(await notified(gone!.userId)).toEqual([])
  })
})
