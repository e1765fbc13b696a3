/**
 * The first-touch target (src/pool/first-touch-target.ts): the assignee is told once when a lead nears it, Owners and
 * Admins once when it is missed, nobody about a lead its holder touched, and a missed lead can go back to the pool.
 */
import { describe, expect, it } from 'vitest'
import { checkAllFirstTouchTargets } from '../src/pool/first-touch-target'
import { addLead, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { Client, env, signUp } from './helpers'
import { setOrg, signedInMembers, userIdOf } from './pool-fixtures'

const MINUTE = 60_000

/** Moves lead `leadId`'s first assignment back by `minutes` (the test cannot wait for a clock). */
async function assignedAgo(leadId: string, minutes: number, now: number) {
  await env.DB.prepare('UPDATE leads SET first_assigned_at = ? WHERE id = ?')
    .bind(now - minutes * MINUTE, leadId)
    .run()
}

/** The types of notifications `userId` has, in order. */
async function notified(userId: string) {
  const found = await rows<{ type: string; data: string }>(
    "SELECT type, data FROM notifications WHERE user_id = ? AND type LIKE 'first_touch_%' ORDER BY created_at, id",
    userId,
  )
  return found.map((n) => `${n.type}: ${(JSON.parse(n.data) as { leads: { name: string }[] }).leads[0]!.name}`)
}

describe('first-touch target', () => {
  it('tells the assignee once at 80 %, the managers once at the target, and no one about a touched lead', async () => {
    const { client: owner, slug, email } = await signUp('Target Org')
    await setOrg(slug, { first_touch_target_minutes: 30 })
    const [agent] = await signedInMembers(slug, 1)
    const ownerId = await userIdOf(email)
    const now = Date.now()
    const slow = await addLead(slug, 'Slow lead', { assignee: agent!.userId })
    const worked = await addLead(slug, 'Worked lead', { assignee: agent!.userId })
    const fresh = await addLead(slug, 'Fresh lead', { assignee: agent!.userId })
    await assignedAgo(slow, 25, now)
    await assignedAgo(worked, 25, now)
    await assignedAgo(fresh, 10, now)
    expect((await agent!.client.post(`/o/${slug}/leads/${worked}/notes`, { body: 'Called back' })).status).toBe(303)
    await checkAllFirstTouchTargets(env, now)
    await checkAllFirstTouchTargets(env, now + MINUTE)
    expect(await notified(agent!.userId)).toEqual(['first_touch_due: Slow lead'])
    expect(await notified(ownerId)).toEqual([])
    // At 30 minutes, and again later: the managers hear once.
    await checkAllFirstTouchTargets(env, now + 6 * MINUTE)
    await checkAllFirstTouchTargets(env, now + 14 * MINUTE)
    expect(await notified(ownerId)).toEqual(['first_touch_missed: Slow lead'])
    expect(await notified(agent!.userId)).toEqual(['first_touch_due: Slow lead', 'first_touch_due: Fresh lead'])
    // The owner reads it in their notifications; the lead stays with its assignee (no return set).
    const feed = texts(await owner.html(`/o/${slug}/notifications`), 'main li')
    expect(feed.join(' ')).toContain('Slow lead missed the first-touch target')
    expect(await rows('SELECT user_id FROM lead_assignees WHERE lead_id = ?', slow)).toEqual([
      { user_id: agent!.userId },
    ])
  })

  it('with the return set, a missed lead goes back to the pool, saying why in its timeline', async () => {
    const { client: owner, slug } = await signUp('Return Target Org')
    await setOrg(slug, { first_touch_target_minutes: 15, first_touch_return: 1, pool_enabled: 1 })
    const [agent] = await signedInMembers(slug, 1)
    const now = Date.now()
    const lead = await addLead(slug, 'Missed lead', { assignee: agent!.userId })
    await assignedAgo(lead, 16, now)
    await checkAllFirstTouchTargets(env, now)
    expect(await rows('SELECT in_pool, assignee_count FROM leads WHERE id = ?', lead)).toEqual([
      { in_pool: 1, assignee_count: 0 },
    ])
    const timeline = texts(await owner.html(`/o/${slug}/leads/${lead}`), '#timeline li')
    expect(timeline.join(' ')).toContain(
      `This lead went back to the pool: ${agent!.name} had not touched it within the first-touch target of 15 min`,
    )
    expect(dom(await owner.html(`/o/${slug}/pool`)).querySelector(`[data-lead-id="${lead}"]`)).not.toBeNull()
  })

  it('Owners and Admins set business hours and the target; a mistake is shown with what was typed', async () => {
    const { client: owner, slug } = await signUp('Settings Speed Org')
    const [agent] = await signedInMembers(slug, 1)
    const path = `/o/${slug}/settings/speed`
    const form = {
      businessHours: '1',
      businessTimeZone: 'America/New_York',
      businessDays: ['1', '2', '3'],
      businessStart: '08:30',
      businessEnd: '16:00',
      firstTouchTargetMinutes: '45',
      firstTouchReturn: '1',
    }
    const send = (client: Client, fields: Record<string, string | string[]>) =>
      client.request(path, {
        method: 'POST',
        body: new URLSearchParams(Object.entries(fields).flatMap(([k, v]) => [v].flat().map((one) => [k, one]))),
      })
    const refused = await send(owner, { ...form, businessEnd: '08:00' })
    expect(refused.status).toBe(422)
    const page = dom(await refused.text())
    expect(textOf(page.querySelector('[data-error-for="businessEnd"]'))).toBe('The end comes after the start')
    expect(page.querySelector('input[name="firstTouchTargetMinutes"]')!.getAttribute('value')).toBe('45')
    const ticked = [...page.querySelectorAll('input[name="businessDays"]')].filter((box) => box.hasAttribute('checked'))
    expect(ticked.map((box) => box.getAttribute('value'))).toEqual(['1', '2', '3'])
    expect((await send(owner, form)).status).toBe(303)
    expect(
      await rows(
        'SELECT business_time_zone, business_days, business_start, business_end, first_touch_target_minutes, first_touch_return FROM organizations WHERE slug = ?',
        slug,
      ),
    ).toEqual([
      {
        business_time_zone: 'America/New_York',
        business_days: '1,2,3',
        business_start: '08:30',
        business_end: '16:00',
        first_touch_target_minutes: 45,
        first_touch_return: 1,
      },
    ])
    const saved = dom(await owner.html(path))
    expect(saved.querySelector('select[name="businessTimeZone"] option[selected]')!.getAttribute('value')).toBe(
      'America/New_York',
    )
    expect((await send(agent!.client, form)).status).toBe(403)
  })

  it('counts business time: a lead assigned on Friday evening is not due over the weekend', async () => {
    const { slug } = await signUp('Weekend Org')
    await setOrg(slug, { first_touch_target_minutes: 30, business_time_zone: 'Europe/Berlin' })
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Weekend lead', { assignee: agent!.userId })
    const friday = Date.parse('2025-12-05T16:50:00+01:00')
    await env.DB.prepare('UPDATE leads SET first_assigned_at = ? WHERE id = ?').bind(friday, lead).run()
    await checkAllFirstTouchTargets(env, Date.parse('2025-12-07T12:00:00+01:00'))
    expect(await notified(agent!.userId)).toEqual([])
    // Monday 09:15: 10 + 15 business minutes, past 80 % of 30.
    await checkAllFirstTouchTargets(env, Date.parse('2025-12-08T09:15:00+01:00'))
    expect(await notified(agent!.userId)).toEqual(['first_touch_due: Weekend lead'])
  })
})
