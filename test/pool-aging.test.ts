/** The pool's aging cron: the daily stale digest to Owners/Admins, and untouched claimed leads returned to the pool. */
import { describe, expect, it } from 'vitest'
import { agePools } from '../src/pool/aging'
import { addLead, rows } from './concurrency'
import { env, signUp } from './helpers'
import { orgIdOf, setOrg, signedInMembers, userIdOf } from './pool-fixtures'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('pool aging', () => {
  it('sends Owners/Admins one digest a day of leads waiting longer than the warning', async () => {
    const { slug, email } = await signUp('Stale Org')
    await setOrg(slug, { pool_stale_hours: 2 })
    const lead = await addLead(slug, 'Old pool lead', { inPool: true })
    const fresh = await addLead(slug, 'Fresh pool lead', { inPool: true })
    const now = Date.now()
    await env.DB.prepare('UPDATE leads SET pooled_at = ? WHERE id = ?')
      .bind(now - 3 * HOUR, lead)
      .run()
    const owner = await userIdOf(email)
    await agePools(env, now)
    await agePools(env, now + HOUR)
    const digests = await rows<{ data: string }>(
      "SELECT data FROM notifications WHERE user_id = ? AND type = 'pool_stale'",
      owner,
    )
    expect(digests).toHaveLength(1)
    expect(digests[0]!.data).toContain(lead)
    expect(digests[0]!.data).not.toContain(fresh)
    await agePools(env, now + DAY + HOUR)
    expect(await rows("SELECT id FROM notifications WHERE user_id = ? AND type = 'pool_stale'", owner)).toHaveLength(2)
  })

  it('warns the assignee a day before, then returns an untouched claimed lead to the pool', async () => {
    const { slug } = await signUp('Return Org')
    await setOrg(slug, { pool_enabled: 1, pool_return_days: 3 })
    const [agent, busy] = await signedInMembers(slug, 2)
    const now = Date.now()
    const claimedAt = now - 2 * DAY - HOUR
    const idle = await addLead(slug, 'Idle lead', { assignee: agent!.userId })
    const worked = await addLead(slug, 'Worked lead', { assignee: busy!.userId })
    const orgId = await orgIdOf(slug)
    for (const [lead, userId] of [
      [idle, agent!.userId],
      [worked, busy!.userId],
    ] as const) {
      await env.DB.batch([
        env.DB.prepare('UPDATE lead_assignees SET assigned_at = ? WHERE lead_id = ?').bind(claimedAt, lead),
        env.DB.prepare(
          "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, 'claimed', '{}', ?)",
        ).bind(crypto.randomUUID(), orgId, lead, userId, claimedAt),
      ])
    }
    await agePools(env, now)
    const warnings = await rows<{ user_id: string }>("SELECT user_id FROM notifications WHERE type = 'return_warning'")
    expect(warnings.map((w) => w.user_id).sort()).toEqual([agent!.userId, busy!.userId].sort())
    // The busy agent works their lead after the warning; the other does nothing.
    expect((await busy!.client.post(`/o/${slug}/leads/${worked}/status`, { status: 'contacted' })).status).toBe(303)
    await agePools(env, now + DAY)
    const idleNow = await rows<{ in_pool: number }>('SELECT in_pool FROM leads WHERE id = ?', idle)
    expect(idleNow).toEqual([{ in_pool: 1 }])
    expect(await rows('SELECT user_id FROM lead_assignees WHERE lead_id = ?', idle)).toEqual([])
    expect(await rows("SELECT id FROM activities WHERE lead_id = ? AND type = 'returned_to_pool'", idle)).toHaveLength(
      1,
    )
    expect(await rows('SELECT user_id FROM lead_assignees WHERE lead_id = ?', worked)).toEqual([
      { user_id: busy!.userId },
    ])
  })
})
