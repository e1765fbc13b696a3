/**
 * Routing's invariants in D1 (issue #27, "Concurrency"): generated sequences of arrivals, away periods, caps, weight
 * changes, working hours and closed leads, each arrival routed by `routeLeadsNow` (src/leads/routing.ts) with its state in D1 as a
 * routing turn leaves it. No one over their cap, no away member nor member outside their working hours chosen, nobody skipped who could take the lead, and
 * over any stretch in which the eligible members and weights do not change, each member's count within one lead of
 * their weighted share.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { routeLeadsNow } from '../src/leads/routing'
import { addLead, addMembers, rows } from './concurrency'
import { env, signUp } from './helpers'
import { orgIdOf, setOrg } from './pool-fixtures'

type Event =
  | { kind: 'arrive' }
  | { kind: 'away' | 'back' | 'close'; who: number }
  | { kind: 'weight'; who: number; weight: number }
  | { kind: 'cap'; who: number; cap: number }
  | { kind: 'hours'; who: number; hours: Hours | null }

/** Working hours in UTC (the members' time zone): weekdays (0 Sunday … 6 Saturday) and whole hours `[start, end)`. */
type Hours = { days: number[]; start: number; end: number }

const MEMBERS = 3

const who = fc.nat({ max: MEMBERS - 1 })
const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'arrive' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('away' as const, 'back' as const, 'close' as const), who }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('weight' as const), who, weight: fc.integer({ min: 1, max: 5 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cap' as const), who, cap: fc.nat({ max: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hours' as const),
      who,
      hours: fc.option(
        fc
          .record({
            days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
            start: fc.integer({ min: 0, max: 23 }),
            length: fc.integer({ min: 1, max: 24 }),
          })
          .map(({ days, start, length }) => ({ days, start, end: Math.min(24, start + length) })),
        { nil: null },
      ),
    }),
  },
)

/** Whether `hours` (null: none set) hold at `at` (epoch ms), read in UTC without the code under test. */
function working(hours: Hours | null, at: number): boolean {
  if (!hours) return true
  const d = new Date(at)
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60
  return hours.days.includes(d.getUTCDay()) && hour >= hours.start && hour < hours.end
}

const hhmm = (hour: number) => `${String(hour).padStart(2, '0')}:00`

describe('routing turns in D1', () => {
  it('keep every invariant over generated arrivals, away periods, caps, weight changes and working hours', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 40 }), async (events) => {
        const { slug } = await signUp(`Invariant Org ${++run}`)
        const orgId = await orgIdOf(slug)
        const ids = await addMembers(slug, MEMBERS)
        await setOrg(slug, { routing: 'round_robin' })
        await env.DB.batch(
          ids.map((id, position) =>
            env.DB.prepare('INSERT INTO routing_members (org_id, user_id, position) VALUES (?, ?, ?)').bind(
              orgId,
              id,
              position,
            ),
          ),
        )
        const model = ids.map((id) => ({
          id,
          weight: 1,
          cap: 0,
          away: false,
          hours: null as Hours | null,
          open: [] as string[],
        }))
        let stretch = { shape: '', arrivals: 0, counts: new Map<string, number>() }
        let now = Date.now()
        for (const e of events) {
          // 37 minutes a step: a run walks through the hours of a day or more, in and out of working hours.
          now += 37 * 60_000
          if (e.kind === 'arrive') {
            const eligible = model.filter(
              (m) => !m.away && working(m.hours, now) && (m.cap === 0 || m.open.length < m.cap),
            )
            const lead = await addLead(slug, `Arrival ${now}`)
            const unit = unitFor(env, { id: orgId, name: 'Invariant Org', slug, database: 'DB' }, { now })
            const [routed] = await routeLeadsNow(unit, [lead])
            if (eligible.length === 0) {
              expect(routed!.to).toBe('pool')
              continue
            }
            const chosen = eligible.find((m) => m.id === routed!.to)
            expect(chosen, 'routed to an eligible member: not away, in working hours, below their cap').toBeDefined()
            chosen!.open.push(lead)
            const shape = eligible.map((m) => `${m.id}:${m.weight}`).join(',')
            if (shape !== stretch.shape) stretch = { shape, arrivals: 0, counts: new Map() }
            stretch.arrivals++
            stretch.counts.set(chosen!.id, (stretch.counts.get(chosen!.id) ?? 0) + 1)
            const total = eligible.reduce((sum, m) => sum + m.weight, 0)
            for (const m of eligible)
              expect(
                Math.abs((stretch.counts.get(m.id) ?? 0) - (stretch.arrivals * m.weight) / total),
              ).toBeLessThanOrEqual(1)
            continue
          }
          const m = model[e.who]!
          if (e.kind === 'away' && !m.away) {
            m.away = true
            await env.DB.prepare('INSERT INTO away_periods (id, org_id, user_id, starts_at) VALUES (?, ?, ?, ?)')
              .bind(crypto.randomUUID(), orgId, m.id, now)
              .run()
          } else if (e.kind === 'back' && m.away) {
            m.away = false
            await env.DB.prepare('UPDATE away_periods SET ends_at = ? WHERE user_id = ? AND ends_at IS NULL')
              .bind(now, m.id)
              .run()
          } else if (e.kind === 'close' && m.open.length > 0) {
            await env.DB.prepare("UPDATE leads SET status = 'won' WHERE id = ?").bind(m.open.shift()).run()
          } else if (e.kind === 'weight') {
            m.weight = e.weight
            await env.DB.prepare('UPDATE memberships SET routing_weight = ? WHERE user_id = ?')
              .bind(e.weight, m.id)
              .run()
          } else if (e.kind === 'hours') {
            m.hours = e.hours
            await env.DB.prepare('UPDATE memberships SET work_days = ?, work_start = ?, work_end = ? WHERE user_id = ?')
              .bind(e.hours ? e.hours.days.join(',') : null, hhmm(e.hours?.start ?? 9), hhmm(e.hours?.end ?? 17), m.id)
              .run()
          } else if (e.kind === 'cap') {
            m.cap = e.cap
            await env.DB.prepare('UPDATE memberships SET routing_cap = ? WHERE user_id = ?').bind(e.cap, m.id).run()
          }
        }
        // D1 agrees with the model: each member holds exactly the open leads routed to them.
        const held = await rows<{ user_id: string; n: number }>(
          `SELECT a.user_id, count(*) AS n FROM lead_assignees a JOIN leads l ON l.id = a.lead_id
           WHERE l.org_id = ? AND l.status IN ('new', 'contacted', 'qualified') GROUP BY a.user_id`,
          orgId,
        )
        for (const m of model) expect(held.find((h) => h.user_id === m.id)?.n ?? 0).toBe(m.open.length)
      }),
      { numRuns: 12 },
    )
  })
})
