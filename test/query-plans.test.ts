/**
 * Every list, count, filter, search and export query is served by an index: the queries the domain
 * functions send to D1 are recorded, and `EXPLAIN QUERY PLAN` of each must not scan `leads`,
 * `activities` or `lead_assignees` (a `SCAN` of one of them, covering index or not, grows with the
 * table), walk a whole organization's assignments or activities through an `(org_id, …)` index, or
 * answer a search by testing each of the organization's leads, or sort all matching leads to show a page
 * (docs/ARCHITECTURE.md "Scale").
 * Lists without search walk `(org_id, …, id)` indexes in order and stop at the page size.
 */
import { describe, expect, it } from 'vitest'
import { handedOverTo } from '../src/activity/activities'
import { selectLeads } from '../src/assignment/bulk'
import { createDb } from '../src/db/client'
import { exportLeadsCsv } from '../src/leads/export'
import { RANKED_MATCHES } from '../src/leads/search'
import { LEAD_STATUSES } from '../src/db/schema'
import { assigneeChoices } from '../src/leads/assignee-choices'
import { countLeads, rowsBefore } from '../src/leads/list-totals'
import { findLeadRow, listLeads, type LeadFilters } from '../src/leads/list-query'
import { findVisibleLead } from '../src/leads/lead-detail'
import { routingBalance } from '../src/pool/routing-balance'
import { sweepFirstTouchWaits } from '../src/orgs/first-touch-wait'
import type { Viewer } from '../src/access/viewer'
import { addLead, addManyLeads, addMembers, rows } from './concurrency'
import { env, signUp } from './helpers'

type Recorded = { sql: string; params: unknown[] }

/** A D1 binding that records every statement prepared through it (with its bound parameters). */
function recordingD1(seen: Recorded[]): D1Database {
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop !== 'prepare') return Reflect.get(target, prop, target) as unknown
      return (sql: string) => {
        const entry: Recorded = { sql, params: [] }
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
}

/** The growing tables (`leads`, `activities`, `lead_assignees`) by the aliases `sql` gives them (`FROM leads own`). */
function aliases(sql: string): Map<string, string> {
  const names = new Map<string, string>()
  for (const m of sql.matchAll(/\b(?:from|join)\s+"?(leads|activities|lead_assignees)"?\s+(?:as\s+)?"?(\w+)"?/gi)) {
    if (!/^(where|on|left|inner|join|order|group|limit|as|union)$/i.test(m[2]!)) names.set(m[2]!, m[1]!)
  }
  return names
}

/** A bounded total's part (src/leads/list-totals.ts `boundedCount`), in the statement that reads a list's total. */
const BOUNDED_COUNT = /\(SELECT count\(\*\) FROM \(select .*\) "matching"\)/s

/** The plan lines of `q` that scan one of the tables that grow with an organization. */
async function fullScans(q: Recorded): Promise<string[]> {
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .bind(...q.params)
    .all<{ id: number; parent: number; detail: string }>()
  const search = /leads_fts MATCH/.test(q.sql)
  const broad = /leads_fts\.rowid DESC/.test(q.sql)
  const leadPage = /^select .* from "leads" .*limit \?$/s.test(q.sql)
  // A list total (not the position count of a later page, which follows the page, nor a punctuation-only search).
  const count = BOUNDED_COUNT.test(q.sql) && !/instr\(/.test(q.sql)
  const names = aliases(q.sql)
  const parents = new Map(plan.results.map((r) => [r.id, r]))
  // Inside an `IN (SELECT …)` list or a compound query, every row the step walks is read before the outer query
  // can stop at its page size.
  const inList = (r: { parent: number }): boolean => {
    const up = parents.get(r.parent)
    return Boolean(up) && (/^(LIST SUBQUERY|COMPOUND QUERY|MERGE)/.test(up!.detail) || inList(up!))
  }
  return plan.results
    .map((r) => ({
      ...r,
      detail: r.detail.replace(/^(SCAN|SEARCH) (\w+)/, (_, how: string, t: string) => `${how} ${names.get(t) ?? t}`),
    }))
    .filter(
      (r) =>
        /^SCAN (leads|activities|lead_assignees)\b/.test(r.detail) ||
        // Walking every row of the organization through an (org_id, …) index is a scan too …
        /^SEARCH (activities|lead_assignees) .*\(org_id=\?\)$/.test(r.detail) ||
        // … and so is a search that tests each of the organization's leads instead of asking the word index …
        (search && /^SEARCH leads .*\(org_id=\?\)$/.test(r.detail)) ||
        // … and a list of lead ids read from all of the organization's leads (e.g. a UNION SQLite merges in id order) …
        (inList(r) && /^SEARCH leads .*\(org_id=\?\)$/.test(r.detail)) ||
        // … and so is a count that tests each of the organization's leads (an Agent's visibility tested lead by
        // lead, or a filter no index serves): a total grows with the organization then, even when bounded.
        // (The "Archived" filter's partial index holds only archived leads.)
        (count && /^SEARCH leads .*\(org_id=\?\)$/.test(r.detail) && !/leads_org_archived_id_idx/.test(r.detail)) ||
        // … and so is sorting every matching lead to show the first page (only a ranked search sorts, and only up
        // to RANKED_MATCHES leads).
        (leadPage && (!search || broad) && /^USE TEMP B-TREE FOR ORDER BY/.test(r.detail)),
    )
    .map((r) => r.detail)
}

describe('query plans', () => {
  it('no list, count, filter, search or export query scans leads, activities or lead_assignees', async () => {
    const { slug } = await signUp()
    const [agentId, otherId] = await addMembers(slug, 2)
    const [org] = await rows<{ id: string; name: string }>('SELECT id, name FROM organizations WHERE slug = ?', slug)
    const [owner] = await rows<{ user_id: string }>(
      "SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner'",
      org!.id,
    )
    const leadId = await addLead(slug, 'José Smith', { assignee: agentId })
    await addLead(slug, 'Pool Lead', { inPool: true })
    await addLead(slug, 'Other Lead', { assignee: otherId })
    await addLead(slug, 'Unassigned Lead')
    // A search broader than RANKED_MATCHES is read in the word index's order instead of ranked.
    await addManyLeads(slug, 'Broadway', RANKED_MATCHES + 1)

    const seen: Recorded[] = []
    const db = createDb(recordingD1(seen))
    const viewers: Viewer[] = [
      { orgId: org!.id, userId: owner!.user_id, role: 'owner', poolEnabled: true, multipleAssignees: true },
      { orgId: org!.id, userId: agentId!, role: 'agent', poolEnabled: true, multipleAssignees: true },
      { orgId: org!.id, userId: agentId!, role: 'agent', poolEnabled: false, multipleAssignees: false },
    ]
    const filterSets: LeadFilters[] = [
      {},
      { cursor: leadId },
      { status: LEAD_STATUSES[0] },
      { assignee: 'me' },
      { assignee: 'pool' },
      { assignee: 'unassigned' },
      { assignee: otherId },
      { q: 'smi' },
      { q: 'jose smith', cursor: leadId },
      { q: 'smi', status: 'new', assignee: 'me' },
      { q: 'smi', assignee: 'unassigned' },
      { q: '%' },
      { q: 'broad' },
      { q: 'broad', cursor: leadId },
      { q: 'broad', status: 'new', assignee: 'me' },
      { q: 'broad', assignee: 'unassigned', sort: 'name' },
      { attention: 'handoff-waiting' },
      { attention: 'handoff-waiting', cursor: leadId },
      { attention: 'handoff-waiting', status: 'new', assignee: otherId },
      { attention: 'reassignment-requested' },
      { attention: 'reassignment-requested', assignee: 'me', cursor: leadId },
      { q: 'smi', attention: 'handoff-waiting' },
      { q: 'smi', attention: 'reassignment-requested' },
      // The list's sorts (keyset on `(org_id, created_at|name|last_activity_at|first touch, id)`, status a status
      // at a time), with and without a cursor, and the source and creation-date filters.
      ...(
        [
          '-created',
          'created',
          'name',
          '-name',
          '-activity',
          'activity',
          'status',
          '-status',
          'first-touch',
          '-first-touch',
        ] as const
      ).flatMap((sort) => [{ sort }, { sort, cursor: leadId }]),
      { status: 'new', sort: 'first-touch', cursor: leadId },
      { source: 'Website', sort: '-first-touch' },
      { source: 'Website' },
      { source: 'Website', cursor: leadId },
      { from: '2020-01-01', to: '2099-12-31' },
      { from: '2020-01-01', cursor: leadId },
      { to: '2099-12-31', sort: 'created', cursor: leadId },
      { from: '2020-01-01', sort: 'name' },
      { status: 'new', sort: '-status', cursor: leadId },
      { assignee: 'unassigned', sort: '-activity' },
      { assignee: 'pool', sort: 'name', cursor: leadId },
      { source: 'Website', sort: 'name' },
      { status: 'new', sort: '-activity', cursor: leadId },
      { status: 'new', from: '2020-01-01', sort: 'name' },
      { from: '2020-01-01', sort: 'status', cursor: leadId },
      { source: 'Website', to: '2099-12-31' },
      { archived: true },
      { archived: true, sort: 'name' },
    ]
    for (const viewer of viewers) {
      for (const filters of filterSets) {
        await listLeads({ db, viewer }, filters)
        await countLeads({ db, viewer }, filters)
        await rowsBefore({ db, viewer }, filters)
        await exportLeadsCsv({ db, viewer }, filters)
        await selectLeads(db, viewer, { filters }).catch(() => null) // nothing selected: a refusal
      }
      await assigneeChoices({ db, org: { id: org!.id, name: org!.name, slug, database: 'DB' } })
      await findLeadRow({ db, viewer }, leadId)
      await findVisibleLead({ db, viewer }, leadId)
      await handedOverTo({ db, viewer }, leadId)
    }

    const selects = seen.filter((q) => /^\s*select/i.test(q.sql))
    expect(selects.length).toBeGreaterThan(100)
    expect(selects.filter((q) => BOUNDED_COUNT.test(q.sql)).length).toBeGreaterThan(50)
    expect(selects.filter((q) => /leads_fts\.rowid DESC/.test(q.sql)).length).toBeGreaterThanOrEqual(4 * 3)
    const scanning: string[] = []
    for (const q of selects) {
      const scans = await fullScans(q)
      if (scans.length) scanning.push(`${scans.join(', ')}\n  in ${q.sql}`)
    }
    expect(scanning).toEqual([])

    // The "Needs attention" filters start from the organization's few waiting handoffs or requests and
    // look each lead up by id, instead of testing each of its leads.
    const attention = selects.filter(
      (q) => /from "leads"/.test(q.sql) && /"(lead_handoffs|reassignment_requests)"/.test(q.sql),
    )
    expect(attention.length).toBeGreaterThan(20)
    const walking: string[] = []
    for (const q of attention) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>()
      const leadSteps = plan.results.map((r) => r.detail).filter((d) => /^SEARCH leads /.test(d))
      if (leadSteps.some((d) => !/\b(id|rowid)=\?/.test(d))) walking.push(`${leadSteps.join(', ')}\n  in ${q.sql}`)
    }
    expect(walking).toEqual([])
    // It plans every query of every page for several roles and filters: about 15 s alone, twice that under load.
  }, 90_000)

  it('the routing page reads only routing’s activities of the period, on their partial index', async () => {
    const { slug } = await signUp('Routing Plan Org')
    await addLead(slug, 'Some lead')
    const [org] = await rows<{ id: string; name: string }>('SELECT id, name FROM organizations WHERE slug = ?', slug)
    const seen: Recorded[] = []
    const db = createDb(recordingD1(seen))
    await routingBalance(
      { db, org: { id: org!.id, name: org!.name, slug, database: 'DB' }, now: Date.now() },
      { days: 90 },
    )
    const ledger = seen.filter((q) => /from activities a/i.test(q.sql))
    expect(ledger).toHaveLength(3)
    for (const q of ledger) {
      expect(await fullScans(q)).toEqual([])
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>()
      expect(plan.results.map((r) => r.detail)).toContainEqual(
        expect.stringMatching(/^SEARCH a USING INDEX activities_org_routed_idx \(org_id=\? AND created_at>\?\)$/),
      )
    }
  })

  it('the sweep of first-touch waits reads only the unwritten ones, on their partial index', async () => {
    const { slug } = await signUp('Wait Plan Org')
    const [member] = await addMembers(slug, 1)
    const lead = await addLead(slug, 'Touched lead', { assignee: member })
    await env.DB.prepare(
      "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) SELECT ?, org_id, id, ?, 'note_added', '{}', ? FROM leads WHERE id = ?",
    )
      .bind(crypto.randomUUID(), member, Date.now(), lead)
      .run()
    const seen: Recorded[] = []
    await sweepFirstTouchWaits({ ...env, DB: recordingD1(seen) }, Date.now())
    const reads = seen.filter((q) => /^\s*select/i.test(q.sql) && /from "?leads"?\s/i.test(q.sql))
    expect(reads).toHaveLength(2)
    for (const q of reads) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>()
      const leadSteps = plan.results.map((r) => r.detail).filter((d) => /^(SCAN|SEARCH) leads\b/.test(d))
      expect(leadSteps.length).toBeGreaterThan(0)
      for (const step of leadSteps) expect(step).toMatch(/USING (COVERING )?INDEX leads_org_wait_unwritten_idx/)
    }
    expect(await rows('SELECT first_touch_wait_ms IS NOT NULL AS written FROM leads WHERE id = ?', lead)).toEqual([
      { written: 1 },
    ])
  })

  it('notices a full scan (the check can fail)', async () => {
    expect(await fullScans({ sql: "SELECT id FROM leads WHERE name = 'x'", params: [] })).toEqual([
      expect.stringMatching(/^SCAN leads/),
    ])
    // Under another name, and as the list of an IN (…) the outer query reads whole before stopping.
    expect(await fullScans({ sql: "SELECT id FROM leads own WHERE own.name = 'x'", params: [] })).toEqual([
      expect.stringMatching(/^SCAN leads/),
    ])
    const merged = `SELECT id FROM leads WHERE org_id = 'o' AND id IN (SELECT lead_id FROM lead_assignees WHERE org_id = 'o'
      AND user_id = 'u' UNION SELECT own.id FROM leads own WHERE own.org_id = 'o' AND own.name = 'x') LIMIT 51`
    expect(await fullScans({ sql: merged, params: [] })).toEqual([
      expect.stringMatching(/^SEARCH leads .*\(org_id=\?\)$/),
    ])
  })
})
