/**
 * The simulation of docs/SCALE.md (scripts/scale-model.mjs): the same seed gives the same databases, and the
 * placement on the database with the most room keeps the fullest within the largest organization of the mean
 * (generated loads, fast-check); rebalanced, no database shared by two organizations ends past ADD_AT, and none is lost.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ADD_AT, DATABASE_BYTES, placeGreedy, simulate, type Assumptions } from '../scripts/scale-model.mjs'

const ASSUME: Assumptions = {
  bytesPerLead: 9_000,
  writesPerLead: 9.5,
  peakFactor: 6,
  writeCapacity: 50,
  alpha: 1.1,
  minMembers: 2,
  maxMembers: 2_000,
  leadsPerMemberDay: 3,
  sigma: 0.8,
  arrivalMonths: 24,
}

describe('the scale simulation', () => {
  it('gives the same result for the same seed, and another for another seed', () => {
    const run = (seed: number) => simulate({ seed, k: 4, orgs: 300, months: 24, assume: ASSUME })
    expect(run(7)).toEqual(run(7))
    expect(run(8).bytes).not.toEqual(run(7).bytes)
  })

  it('places each organization so the fullest database holds at most the mean plus the largest organization', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e10, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        (loads, k) => {
          const bins = new Array<number>(k).fill(0)
          placeGreedy(loads, k).forEach((to, i) => (bins[to]! += loads[i]!))
          const mean = loads.reduce((s, x) => s + x, 0) / k
          expect(Math.max(...bins)).toBeLessThanOrEqual(mean + Math.max(...loads) + 1e-3)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('rebalanced, leaves no database shared by organizations past 70 % and loses no organization', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 400 }), (seed, k, orgs) => {
        const r = simulate({ seed, k, orgs, months: 24, assume: ASSUME, rebalance: true })
        expect(r.held.reduce((s, n) => s + n, 0)).toBe(orgs)
        r.held.forEach((n, i) => {
          const share = Math.max(r.bytes[i]! / DATABASE_BYTES, r.writes[i]! / ASSUME.writeCapacity)
          if (n > 1) expect(share).toBeLessThanOrEqual(ADD_AT + 1e-9)
        })
      }),
      { numRuns: 30 },
    )
  })
})
