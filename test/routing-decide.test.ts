/**
 * The routing decision (src/leads/routing-plan.ts `decide`) over generated states (fast-check): rules of every action
 * with their own rotations, the organization's fallback, members deactivated, away or outside their working hours.
 * Whatever decides, a rule or the fallback, nobody away or outside their working hours is given a lead, they are
 * named in the ledger with their reason, and the balance recorded is of those the deciding rotation could choose.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ROUTING_MODES } from '../src/db/schema'
import { decide, type Rotation, type RoutingState } from '../src/leads/routing-plan'
import type { LeadShape } from '../src/leads/routing-rules'

const IDS = ['m0', 'm1', 'm2', 'm3']
const someIds = fc.subarray(IDS)

const ruleOf = (i: number) =>
  fc
    .record({
      matchesX: fc.boolean(),
      action: fc.constantFrom('pool' as const, 'member' as const, 'round_robin' as const),
      memberId: fc.constantFrom(...IDS),
      memberIds: someIds,
    })
    .map((r) => ({ ...r, id: `r${i}` }))

const world = fc.record({
  members: fc.tuple(...IDS.map(() => fc.record({ active: fc.boolean(), weight: fc.integer({ min: 1, max: 3 }) }))),
  away: someIds,
  offHours: someIds,
  fallback: fc.constantFrom(...ROUTING_MODES),
  orgIds: someIds,
  rules: fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleOf(i)))),
  sources: fc.array(fc.constantFrom('x', ''), { minLength: 1, maxLength: 8 }),
})

const rotation = (memberIds: string[]): Rotation => ({
  memberIds,
  state: { shape: '', last: null, credits: new Map() },
})

type World = typeof world extends fc.Arbitrary<infer W> ? W : never

/** The routing state of a generated world: every rotation at the start of a stretch, no caps. */
function stateOf(w: World): RoutingState {
  const state: RoutingState = {
    fallback: w.fallback,
    claimCap: 0,
    members: new Map(IDS.map((id, i) => [id, { userId: id, name: id, cap: 0, ...w.members[i]! }])),
    away: new Map(w.away.map((id) => [id, null])),
    offHours: new Map(w.offHours.map((id) => [id, 1_000])),
    held: new Map(),
    rules: w.rules.map((r) => ({
      id: r.id,
      name: r.id,
      conditions: r.matchesX ? [{ field: 'source' as const, test: 'equals' as const, value: 'x' }] : [],
      action: r.action,
      memberId: r.action === 'member' ? r.memberId : null,
    })),
    rotations: new Map([
      ['org', rotation(w.orgIds)],
      ...w.rules.filter((r) => r.action === 'round_robin').map((r) => [r.id, rotation(r.memberIds)] as const),
    ]),
  }
  return state
}

const shape = (source: string) => ({ source }) as LeadShape

describe('the routing decision', () => {
  it('never gives a lead to a member away or outside working hours, names why, and balances only who could take it', () => {
    fc.assert(
      fc.property(world, (w) => {
        const state = stateOf(w)
        const unable = (id: string) => !state.members.get(id)!.active || w.away.includes(id) || w.offHours.includes(id)
        for (const source of w.sources) {
          const d = decide(state, shape(source))
          for (const s of d.skipped) {
            const why = !state.members.get(s.id)!.active
              ? 'deactivated'
              : w.away.includes(s.id)
                ? 'away'
                : w.offHours.includes(s.id)
                  ? 'outside_hours'
                  : 'at_cap'
            expect(s.why).toBe(why)
            if (why === 'outside_hours') expect(s.until).toBe(1_000)
          }
          if (typeof d.to === 'string') {
            expect(d.balance).toBeUndefined()
            continue
          }
          expect(unable(d.to.id)).toBe(false)
          // The balance is of the rotation that decided: its members who could take the lead, in its order.
          const rule = w.rules.find((r) => r.id === d.rule?.id)
          const deciding = !rule ? w.orgIds : rule.action === 'member' ? [rule.memberId] : rule.memberIds
          expect(d.balance!.map((b) => b.id)).toEqual(deciding.filter((id) => !unable(id)))
          expect(d.balance!.map((b) => b.id)).toContain(d.to.id)
        }
      }),
      { numRuns: 400 },
    )
  })
})
