/**
 * The dashboard's rollups (docs/ARCHITECTURE.md "Dashboard": lead_day_counts, member_lead_counts,
 * first_touch_day_counts, kept by the triggers of migrations/0025_dashboard_rollups.sql and, for the wait,
 * migrations/0030_first_touch_wait.sql) equal a recount from the
 * leads themselves after any generated sequence of changes: creation, an import of several leads at once,
 * assignment, collaborators, unassignment, pool, status, archive and restore, deletion, first touch, a missed
 * target, and a lead's arrival moved to another day; and so does the migrations' backfill from the leads. The same by
 * quarter hour (lead_slot_counts, first_touch_slot_counts of migrations/0031_dashboard_local_days.sql), and the
 * dashboard's numbers read from them equal a recount of the leads by local day in a generated time zone.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Viewer } from '../src/access/viewer'
import { localDayOf } from '../src/dashboard/local-days'
import { dashboardNumbers } from '../src/dashboard/numbers'
import { createDb } from '../src/db/client'
import { LEAD_STATUSES } from '../src/db/schema'
import { addLead, addMembers, rows } from './concurrency'
import { env, signUp } from './helpers'
import { signedInMembers } from './pool-fixtures'

const DAY = 86_400_000
const SOURCES = ['', 'Website', 'Referral']
const ROLLUPS = [
  'lead_day_counts',
  'member_lead_counts',
  'first_touch_day_counts',
  'lead_slot_counts',
  'first_touch_slot_counts',
]
/** UTC, a zone with daylight saving, +05:30, +05:45 and +12:45/+13:45 (Chatham, with daylight saving). */
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham']

const change = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    source: fc.constantFrom(...SOURCES),
    status: fc.constantFrom(...LEAD_STATUSES),
    day: fc.nat(3),
    minute: fc.nat(1439),
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
      'wait' as const,
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
    slots: await rows(
      'SELECT scope, slot, source, status, leads FROM lead_slot_counts WHERE org_id = ? AND leads <> 0 ORDER BY 1, 2, 3, 4',
      orgId,
    ),
    touchSlots: await rows(
      `SELECT scope, slot, source, touched, wait_ms, missed FROM first_touch_slot_counts
       WHERE org_id = ? AND (touched <> 0 OR wait_ms <> 0 OR missed <> 0) ORDER BY 1, 2, 3`,
      orgId,
    ),
  }
}

/** The same numbers counted from `leads` now. */
async function recounted(orgId: string) {
  const byDay = await recount(orgId, 86_400_000)
  const bySlot = await recount(orgId, 900_000)
  return {
    days: byDay.leads,
    members: byDay.members,
    touches: byDay.touches,
    slots: bySlot.leads.map(({ day, ...r }) => ({ ...r, slot: day })),
    touchSlots: bySlot.touches.map(({ day, ...r }) => ({ ...r, slot: day })),
  }
}

/** The rollups counted from `leads`, by `unit` ms (a day or a quarter hour) as `day`. */
async function recount(orgId: string, unit: number) {
  return {
    leads: await rows<{ day: number }>(
      `SELECT scope, day, source, status, count(*) AS leads FROM (
           SELECT 'all' AS scope, created_at / CAST(?2 AS INTEGER) AS day, source, status FROM leads
             WHERE org_id = ?1 AND archived_at IS NULL
           UNION ALL
           SELECT coalesce(primary_assignee_id, CASE WHEN in_pool THEN 'pool' ELSE 'unassigned' END),
             created_at / CAST(?2 AS INTEGER), source, status FROM leads
             WHERE org_id = ?1 AND archived_at IS NULL AND (primary_assignee_id IS NOT NULL OR assignee_count = 0)
         ) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      orgId,
      unit,
    ),
    members: await rows(
      `SELECT primary_assignee_id AS user_id, source, status, count(*) AS leads FROM leads
       WHERE org_id = ? AND archived_at IS NULL AND primary_assignee_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      orgId,
    ),
    touches: await rows<{ day: number }>(
      `SELECT scope, day, source, count(*) AS touched, sum(wait) AS wait_ms, sum(missed) AS missed FROM (
           SELECT 'all' AS scope, first_touched_at / CAST(?2 AS INTEGER) AS day, source,
             coalesce(first_touch_wait_ms, first_touched_at - created_at) AS wait,
             first_touch_missed_at IS NOT NULL AS missed FROM leads
             WHERE org_id = ?1 AND archived_at IS NULL AND first_touched_at IS NOT NULL
           UNION ALL
           SELECT first_touched_by, first_touched_at / CAST(?2 AS INTEGER), source,
             coalesce(first_touch_wait_ms, first_touched_at - created_at),
             first_touch_missed_at IS NOT NULL FROM leads
             WHERE org_id = ?1 AND archived_at IS NULL AND first_touched_at IS NOT NULL AND first_touched_by IS NOT NULL
         ) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      orgId,
      unit,
    ),
  }
}

type Lead = {
  created_at: number
  source: string
  status: string
  in_pool: number
  assignee_count: number
  first_touched_at: number | null
  first_touched_by: string | null
  first_touch_missed_at: number | null
  first_touch_wait_ms: number | null
}

/** What the dashboard shows the Owner for the leads of `orgId` now, counted from the leads by local day in `timeZone`. */
async function recountedLocally(orgId: string, timeZone: string, from: number, to: number, now: number) {
  const list = await rows<Lead>(
    `SELECT created_at, source, status, in_pool, assignee_count, first_touched_at, first_touched_by,
       first_touch_missed_at, first_touch_wait_ms FROM leads WHERE org_id = ? AND archived_at IS NULL`,
    orgId,
  )
  const tally = <K extends string>(keys: string[], add: Record<K, number>, into: Map<string, Record<K, number>>) => {
    const key = JSON.stringify(keys)
    const sum = into.get(key) ?? (Object.fromEntries(Object.keys(add).map((k) => [k, 0])) as Record<K, number>)
    for (const k of Object.keys(add) as K[]) sum[k] += add[k]
    into.set(key, sum)
  }
  const arrivals = new Map<string, { leads: number }>()
  const touches = new Map<string, { touched: number; waitMs: number; missed: number }>()
  const waiting = new Map<string, { leads: number }>()
  const today = localDayOf(now, timeZone)
  for (const lead of list) {
    const day = localDayOf(lead.created_at, timeZone)
    if (day >= from && day <= to) tally([String(day), lead.source, lead.status], { leads: 1 }, arrivals)
    if (lead.assignee_count === 0)
      tally([lead.in_pool ? 'pool' : 'unassigned', String(Math.max(day, today - 31))], { leads: 1 }, waiting)
    if (lead.first_touched_at === null) continue
    const touchDay = localDayOf(lead.first_touched_at, timeZone)
    if (touchDay >= from && touchDay <= to)
      tally(
        [String(touchDay)],
        {
          touched: 1,
          waitMs: lead.first_touch_wait_ms ?? lead.first_touched_at - lead.created_at,
          missed: lead.first_touch_missed_at === null ? 0 : 1,
        },
        touches,
      )
  }
  const sorted = <T>(list: T[]) => list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  return {
    arrivals: sorted(
      [...arrivals].map(([key, v]) => {
        const [day, source, status] = JSON.parse(key) as string[]
        return { day: Number(day), source: source!, status: status!, ...v }
      }),
    ),
    touches: sorted([...touches].map(([key, v]) => ({ day: Number((JSON.parse(key) as string[])[0]), ...v }))),
    waiting: sorted(
      [...waiting].map(([key, v]) => {
        const [scope, day] = JSON.parse(key) as string[]
        return { scope: scope!, day: Number(day), ...v }
      }),
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
    const [owner] = await rows<{ user_id: string }>(
      "SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner'",
      orgId,
    )
    const viewer: Viewer = {
      orgId,
      userId: owner!.user_id,
      role: 'owner',
      poolEnabled: true,
      multipleAssignees: true,
    }
    const unitOrg = { id: orgId, name: 'Rollup Org', slug, database: 'DB' }
    const backfill = env.TEST_MIGRATIONS.filter((m) => /dashboard_(rollups|local_days)/.test(m.name)).flatMap((m) =>
      m.queries.filter((q) => q.includes('INSERT INTO') && !q.includes('CREATE TRIGGER')),
    )
    expect(backfill).toHaveLength(5)
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 14 }),
        fc.constantFrom(...ZONES),
        fc.nat(23),
        async (changes, timeZone, hour) => {
          await run('UPDATE leads SET archived_at = NULL WHERE org_id = ?', orgId).run()
          await run('DELETE FROM leads WHERE org_id = ?', orgId).run()
          // Each run starts from empty rollups, so a run's counterexample is its own (not an earlier run's drift).
          for (const table of ROLLUPS) await run(`DELETE FROM ${table} WHERE org_id = ?`, orgId).run()
          const ids: string[] = []
          let clock = today + hour * 3_600_000
          for (const c of changes) {
            clock += 60_000
            if (c.kind === 'create') {
              const id = crypto.randomUUID()
              ids.push(id)
              const at = today - c.day * DAY + c.minute * 60_000 + 1_000
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
              case 'wait':
                // The working wait written for a touched lead (src/orgs/first-touch-wait.ts): the rollups sum it.
                await run(
                  'UPDATE leads SET first_touch_wait_ms = ? WHERE id = ? AND first_touched_at IS NOT NULL',
                  c.day * 600_000,
                  lead,
                ).run()
                break
            }
          }
          expect(await stored(orgId)).toEqual(await recounted(orgId))
          // 0025's and 0031's backfills count the wall clock, as the rollups do until a wait is written: without the
          // waits, the rollups are what they find.
          await run('UPDATE leads SET first_touch_wait_ms = NULL WHERE org_id = ?', orgId).run()
          const kept = await stored(orgId)
          expect(kept).toEqual(await recounted(orgId))
          // The migration's backfill, run from empty rollups (every organization's rows: it fills them all), finds
          // what the triggers kept.
          for (const table of ROLLUPS) await run(`DELETE FROM ${table}`).run()
          for (const query of backfill) await env.DB.prepare(query).run()
          expect(await stored(orgId)).toEqual(kept)
          // The dashboard's numbers by local day (src/dashboard/local-days.ts) are the leads' recount by local day.
          const now = today + 2 * DAY
          const numbers = await dashboardNumbers(
            { db: createDb(env.DB), org: unitOrg, viewer, now },
            { days: 7, source: null, member: null },
            { timeZone },
          )
          const sorted = <T>(list: T[]) => list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
          expect({
            arrivals: sorted(
              numbers.arrivals.map(({ day, source, status, leads }) => ({ day, source, status, leads })),
            ),
            touches: sorted(
              numbers.touches.map(({ day, touched, waitMs, missed }) => ({ day, touched, waitMs, missed })),
            ),
            waiting: sorted(numbers.waiting.map(({ scope, day, leads }) => ({ scope, day, leads }))),
          }).toEqual(await recountedLocally(orgId, timeZone, numbers.from, numbers.to, now))
        },
      ),
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
        for (const timeZone of ['UTC', 'Asia/Kathmandu'])
          await dashboardNumbers({ db, org: unitOrg, viewer, now: Date.now() }, filters, { timeZone })
    expect(seen.length).toBeGreaterThan(10)
    const scans: string[] = []
    const bandPlans: string[] = []
    for (const q of seen) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>()
      // `b` is the list of bands the statement is given (json_each, src/dashboard/local-days.ts), not a table.
      for (const { detail } of plan.results)
        if (/^SCAN /.test(detail) && !/^SCAN b VIRTUAL TABLE/.test(detail)) scans.push(`${detail}\n  in ${q.sql}`)
      if (/json_each/.test(q.sql)) bandPlans.push(plan.results.map((r) => r.detail).join('; '))
    }
    expect(scans).toEqual([])
    // Each band is searched in its quarter-hour rollup by key and slot range.
    expect(bandPlans.length).toBeGreaterThan(0)
    for (const plan of bandPlans)
      expect(plan).toMatch(
        /SEARCH \w+ USING PRIMARY KEY \(org_id=\? AND scope=\? AND slot>\? AND slot<\?\)|SEARCH \w+ USING INDEX sqlite_autoindex_\w+_slot_counts_1 \(org_id=\? AND scope=\? AND slot>\? AND slot<\?\)/,
      )
  })
})
