/**
 * The weighted rotation's invariants (issue #27, "Concurrency"), over generated sequences of arrivals, away periods,
 * caps, weight changes and closed leads, run through `takeTurn` (src/leads/weighted-rotation.ts) as a routing turn
 * does: no one over their cap, no away member chosen, and over any stretch in which the members who can take a lead
 * and their weights do not change, each member's count within one lead of their weighted share.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { shapeOf, takeTurn, type RotationState } from '../src/leads/weighted-rotation'

type Event =
  | { kind: 'arrive' }
  | { kind: 'away' | 'back' | 'close'; who: number }
  | { kind: 'weight'; who: number; weight: number }
  | { kind: 'cap'; who: number; cap: number }

const event = (members: number): fc.Arbitrary<Event> => {
  const who = fc.nat({ max: members - 1 })
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant({ kind: 'arrive' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constantFrom('away' as const, 'back' as const, 'close' as const), who }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('weight' as const), who, weight: fc.integer({ min: 1, max: 5 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cap' as const), who, cap: fc.nat({ max: 12 }) }) },
  )
}

const world = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: n, maxLength: n }),
    events: fc.array(event(n), { maxLength: 200 }),
  }),
)

describe('the weighted rotation', () => {
  it('never chooses an away member or one at their cap, and keeps each stretch within one lead of the weights', () => {
    fc.assert(
      fc.property(world, ({ weights, events }) => {
        const members = weights.map((weight, i) => ({ id: `m${i}`, weight, cap: 0, away: false, held: 0 }))
        let state: RotationState = { shape: '', credits: new Map(), last: null }
        let stretch = { shape: '', arrivals: 0, counts: new Map<string, number>() }
        for (const e of events) {
          if (e.kind !== 'arrive') {
            const m = members[e.who]!
            if (e.kind === 'away') m.away = true
            else if (e.kind === 'back') m.away = false
            else if (e.kind === 'close') m.held = Math.max(0, m.held - 1)
            else if (e.kind === 'weight') m.weight = e.weight
            else if (e.kind === 'cap') m.cap = e.cap
            continue
          }
          const candidates = members
            .filter((m) => !m.away && (m.cap === 0 || m.held < m.cap))
            .map((m) => ({ userId: m.id, weight: m.weight }))
          if (candidates.length === 0) continue
          const turn = takeTurn(state, candidates)
          const chosen = members.find((m) => m.id === turn.userId)!
          expect(chosen.away).toBe(false)
          expect(chosen.cap === 0 || chosen.held < chosen.cap).toBe(true)
          chosen.held++
          state = turn.state
          const shape = shapeOf(candidates)
          if (shape !== stretch.shape) stretch = { shape, arrivals: 0, counts: new Map() }
          stretch.arrivals++
          stretch.counts.set(chosen.id, (stretch.counts.get(chosen.id) ?? 0) + 1)
          const total = candidates.reduce((sum, c) => sum + c.weight, 0)
          for (const c of candidates) {
            const share = (stretch.arrivals * c.weight) / total
            expect(Math.abs((stretch.counts.get(c.userId) ?? 0) - share)).toBeLessThanOrEqual(1)
          }
        }
      }),
      { numRuns: 300 },
    )
  })

  it('gives weights 1, 1 and 2 turns in the ratio 1:1:2 at every multiple of 4', () => {
    let state: RotationState = { shape: '', credits: new Map(), last: null }
    const got: string[] = []
    const candidates = [
      { userId: 'ana', weight: 1 },
      { userId: 'bo', weight: 1 },
      { userId: 'cy', weight: 2 },
    ]
    for (let i = 0; i < 8; i++) {
      const turn = takeTurn(state, candidates)
      got.push(turn.userId)
      state = turn.state
    }
    for (let k = 4; k <= 8; k += 4)
      expect(['ana', 'bo', 'cy'].map((id) => got.slice(0, k).filter((g) => g === id).length)).toEqual([
        k / 4,
        k / 4,
        k / 2,
      ])
  })
})
