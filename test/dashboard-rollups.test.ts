/**
 * The dashboard's rollups (docs/ARCHITECTURE.md "Dashboard": lead_day_counts, member_lead_counts,
 * first_touch_day_counts, kept by the triggers of migrations/0025_dashboard_rollups.sql) equal a recount from the
 * leads themselves after any generated sequence of changes: creation, an import of several leads at once,
 * assignment, collaborators, unassignment, pool, status, archive and restore, deletion, first touch, a missed
 * target, and a lead's arrival moved to another day; and so does the migration's backfill from the leads.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Viewer } from '../src/access/viewer'
import { dashboardNumbers } from '../src/dashboard/numbers'
import { createDb } from '../src/db/client'
import { LEAD_STATUSES } from '../src/db/schema'
import { addLead, addMembers, rows } from './concurrency'
import { env, signUp } from './helpers'
import { signedInMembers } from './pool-fixtures'

const DAY = 86_400_000
const SOURCES = ['', 'Website', 'Referral']

const change = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    source: fc.constantFrom(...SOURCES),
    status: fc.constantFrom(...LEAD_STATUSES),
    day: fc.nat(3),
    inPool: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('import' as const),
    source: fc.constantFrom(...SOURCES),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constantFrom(
      'assign' as const,
      'collaborate' as const,
      'unassign' as const,
      'status' as const,
      'pool' as const,
      'unpool' as const,
      'archive' as const,
      'restore' as const,
      'delete' as const,
      'touch' as const,
      'miss' as const,
      'move' as const,
    ),
    lead: fc.nat(30),
    member: fc.nat(2),
    status: fc.constantFrom(...LEAD_STATUSES),
    day: fc.nat(3),
  }),
)

/** The rollups as stored, rows of zero left out (a count that went back to zero keeps its row). */
async function stored(orgId: string) {
  return {
    days: await rows(
      'SELECT scope, day, source, status, leads FROM lead_day_counts WHERE org_id = ? AND leads <> 0 ORDER BY 1, 2, 3, 4',
      orgId,
    ),
    members: await rows(
      'SELECT user_id, source, status, leads FROM member_lead_counts WHERE org_id = ? AND leads <> 0 ORDER BY 1, 2, 3',
      orgId,
    ),
    touches: await rows(
      `SELECT scope, day, source, touched, wait_ms, missed FROM first_touch_day_counts
       WHERE org_id = ? AND (touched <> 0 OR wait_ms <> 0 OR missed <> 0) ORDER BY 1, 2, 3`,
      orgId,
    ),
  }
}

/** The same numbers counted from `leads` now. */
async function recounted(orgId: string) {
  return {
    days: await rows(
      `SELECT scope, day, source, status, count(*) AS leads FROM (
         SELECT 'all' AS scope, created_at / 86400000 AS day, source, status FROM leads
           WHERE org_id = ?1 AND archived_at IS NULL
         UNION ALL
         SELECT coalesce(primary_assignee_id, CASE WHEN in_pool THEN 'pool' ELSE 'unassigned' END),
           created_at / 86400000, source, status FROM leads
           WHERE org_id = ?1 AND archived_at IS NULL AND (primary_assignee_id IS NOT NULL OR assignee_count = 0)
       ) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      orgId,
    ),
    members: await rows(
      `SELECT primary_assignee_id AS user_id, source, status, count(*) AS leads FROM leads
       WHERE org_id = ? AND archived_at IS NULL AND primary_assignee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      orgId,
    ),
    touches: await rows(
      `SELECT scope, day, source, count(*) AS touched, sum(wait) AS wait_ms, sum(missed) AS missed FROM (
         SELECT 'all' AS scope, first_touched_at / 86400000 AS day, source, first_touched_at - created_at AS wait,
           first_touch_missed_at IS NOT NULL AS missed FROM leads
           WHERE org_id = ?1 AND archived_at IS NULL AND first_touched_at IS NOT NULL
         UNION ALL
         SELECT first_touched_by, first_touched_at / 86400000, source, first_touched_at - created_at,
           first_touch_missed_at IS NOT NULL FROM leads
           WHERE org_id = ?1 AND archived_at IS NULL AND first_touched_at IS NOT NULL AND first_touched_by IS NOT NULL
       ) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      orgId,
    ),
  }
}

describe('dashboard rollups', () => {
  it('equal a recount from the leads after any sequence of changes', async () => {
    const { slug } = await signUp('Rollup Org')
    const members = await addMembers(slug, 3)
    const [org] = await rows<{ id: string }>('SELECT id FROM organizations WHERE slug = ?', slug)
    const orgId = org!.id
    const today = Math.floor(Date.now() / DAY) * DAY
    const run = (sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params)
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.includes('dashboard_rollups'))!.queries.filter(
      (q) => q.includes('INSERT INTO') && !q.includes('CREATE TRIGGER'),
    )
    expect(backfill).toHaveLength(3)
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 14 }), async (changes) => {
        await run('UPDATE leads SET archived_at = NULL WHERE org_id = ?', orgId).run()
        await run('DELETE FROM leads WHERE org_id = ?', orgId).run()
        // Each run starts from empty rollups, so a run's counterexample is its own (not an earlier run's drift).
        for (const table of ['lead_day_counts', 'member_lead_counts', 'first_touch_day_counts'])
          await run(`DELETE FROM ${table} WHERE org_id = ?`, orgId).run()
        const ids: string[] = []
        let clock = today + 3 * 3_600_000
        for (const c of changes) {
          clock += 60_000
          if (c.kind === 'create') {
            const id = crypto.randomUUID()
            ids.push(id)
            const at = today - c.day * DAY + 1_000
            await run(
              'INSERT INTO leads (id, org_id, name, source, status, in_pool, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
              id,
              orgId,
              'Lead',
              c.source,
              c.status,
              c.inPool ? 1 : 0,
              at,
              at,
            ).run()
            continue
          }
          if (c.kind === 'import') {
            // An import writes its chunk in one statement and assigns in the same batch (src/imports/writer.ts).
            const batch = Array.from({ length: c.count }, () => crypto.randomUUID())
            ids.push(...batch)
            await env.DB.batch([
              run(
                `INSERT INTO leads (id, org_id, name, source, in_pool, created_at, updated_at)
                 SELECT value, ?, 'Imported', ?, 0, ?, ? FROM json_each(?)`,
                orgId,
                c.source,
                clock,
                clock,
                JSON.stringify(batch),
              ),
              run(
                "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'primary', ?)",
                orgId,
                batch[0],
                members[0],
                clock,
              ),
            ])
            continue
          }
          if (!ids.length) continue
          const lead = ids[c.lead % ids.length]!
          const member = members[c.member]!
          switch (c.kind) {
            case 'assign':
              await env.DB.batch([
                run("DELETE FROM lead_assignees WHERE lead_id = ? AND kind = 'primary'", lead),
                run('DELETE FROM lead_assignees WHERE lead_id = ? AND user_id = ?', lead, member),
                run(
                  `INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at)
                   SELECT ?, ?, ?, 'primary', ? WHERE EXISTS (SELECT 1 FROM leads WHERE id = ?2)`,
                  orgId,
                  lead,
                  member,
                  clock,
                ),
              ])
              break
            case 'collaborate':
              await run(
                `INSERT OR IGNORE INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at)
                 SELECT ?, ?, ?, 'collaborator', ? WHERE EXISTS (SELECT 1 FROM leads WHERE id = ?2)`,
                orgId,
                lead,
                member,
                clock,
              ).run()
              break
            case 'unassign':
              await run('DELETE FROM lead_assignees WHERE lead_id = ?', lead).run()
              break
            case 'status':
              await run('UPDATE leads SET status = ? WHERE id = ?', c.status, lead).run()
              break
            case 'pool':
            case 'unpool':
              await run('UPDATE leads SET in_pool = ? WHERE id = ?', c.kind === 'pool' ? 1 : 0, lead).run()
              break
            case 'archive':
              await run('UPDATE leads SET archived_at = ? WHERE id = ? AND archived_at IS NULL', clock, lead).run()
              break
            case 'restore':
              await run('UPDATE leads SET archived_at = NULL WHERE id = ?', lead).run()
              break
            case 'delete':
              await run('DELETE FROM leads WHERE id = ?', lead).run()
              break
            case 'touch':
              // A note by whoever holds it as primary: the first-touch trigger of migrations/0024 stamps it.
              await run(
                `INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at)
                 SELECT ?, ?, ?, primary_assignee_id, 'note_added', '{}', ? FROM leads
                 WHERE id = ?3 AND primary_assignee_id IS NOT NULL`,
                crypto.randomUUID(),
                orgId,
                lead,
                clock,
              ).run()
              break
            case 'miss':
              await run(
                'UPDATE leads SET first_touch_missed_at = ? WHERE id = ? AND first_touch_missed_at IS NULL',
                clock,
                lead,
              ).run()
              break
            case 'move':
              await run('UPDATE leads SET created_at = ? WHERE id = ?', today - c.day * DAY + 2_000, lead).run()
              break
          }
        }
        const kept = await stored(orgId)
        expect(kept).toEqual(await recounted(orgId))
        // The migration's backfill, run from empty rollups (every organization's rows: it fills them all), finds
        // what the triggers kept.
        for (const table of ['lead_day_counts', 'member_lead_counts', 'first_touch_day_counts'])
          await run(`DELETE FROM ${table}`).run()
        for (const query of backfill) await env.DB.prepare(query).run()
        expect(await stored(orgId)).toEqual(kept)
      }),
      { numRuns: 40 },
    )
  })

  it('stay equal to a recount when members change the same leads at once (no answer 5xx)', async () => {
    const { client: owner, slug } = await signUp('Busy Org')
    const [a, b] = await signedInMembers(slug, 2)
    const [org] = await rows<{ id: string }>('SELECT id FROM organizations WHERE slug = ?', slug)
    const leads = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => addLead(slug, `Busy ${i}`, { assignee: a!.userId })))
    const answers = await Promise.all(
      leads.flatMap((lead, i) => [
        owner.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: i % 2 ? b!.userId : a!.userId }),
        a!.client.post(`/o/${slug}/leads/${lead}/notes`, { body: 'Called' }),
        a!.client.post(`/o/${slug}/leads/${lead}/status`, { status: 'contacted' }),
        owner.post(`/o/${slug}/leads/${lead}/status`, { status: i % 3 ? 'won' : 'lost' }),
        ...(i === 5 ? [owner.post(`/o/${slug}/leads/${lead}/archive`)] : []),
      ]),
    )
    expect(answers.map((r) => r.status).filter((s) => s >= 500)).toEqual([])
    expect(await stored(org!.id)).toEqual(await recounted(org!.id))
    expect((await stored(org!.id)).members.length).toBeGreaterThan(0)
  })

  it("the dashboard's reads search the rollups and the members' open tasks by key, never scan a table", async () => {
    const { slug } = await signUp('Plan Org')
    const [agentId] = await addMembers(slug, 1)
    const [org] = await rows<{ id: string; name: string }>('SELECT id, name FROM organizations WHERE slug = ?', slug)
    const [owner] = await rows<{ user_id: string }>(
      "SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner'",
      org!.id,
    )
    const seen: { sql: string; params: unknown[] }[] = []
    const recording = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== 'prepare') return Reflect.get(target, prop, target) as unknown
        return (sql: string) => {
          const entry = { sql, params: [] as unknown[] }
          seen.push(entry)
          const statement = target.prepare(sql)
          return new Proxy(statement, {
            get(st, p) {
              if (p !== 'bind') return Reflect.get(st, p, st) as unknown
              return (...params: unknown[]) => {
                entry.params = params
                return st.bind(...params)
              }
            },
          })
        }
      },
    })
    const db = createDb(recording)
    const viewers: Viewer[] = [
      { orgId: org!.id, userId: owner!.user_id, role: 'owner', poolEnabled: true, multipleAssignees: false },
      { orgId: org!.id, userId: agentId!, role: 'agent', poolEnabled: true, multipleAssignees: false },
    ]
    const unitOrg = { id: org!.id, name: org!.name, slug, database: 'DB' }
    for (const viewer of viewers)
      for (const filters of [
        { days: 90, source: null, member: null },
        { days: 7, source: 'Website', member: agentId! },
      ])
        await dashboardNumbers({ db, org: unitOrg, viewer, now: Date.now() }, filters)
    expect(seen.length).toBeGreaterThan(10)
    const scans: string[] = []
    for (const q of seen) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>()
      for (const { detail } of plan.results) if (/^SCAN /.test(detail)) scans.push(`${detail}\n  in ${q.sql}`)
    }
    expect(scans).toEqual([])
  })
})
