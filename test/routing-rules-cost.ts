/**
 * What deciding a lead's routing costs in CPU (BENCHMARKS.md "Routing"): `decide` (src/leads/routing-plan.ts) over
 * 20 rules of three conditions each, the matching one last, with a round-robin of eight members; no D1. Run:
 * `npx tsx test/routing-rules-cost.ts` (not a vitest file: plain Node).
 */
import { decide, type RoutingState } from '../src/leads/routing-plan'
import type { LeadShape } from '../src/leads/routing-rules'

const members = Array.from({ length: 8 }, (_, i) => ({
  userId: `u${i}`,
  name: `M${i}`,
  active: true,
  weight: 1 + (i % 3),
  cap: 0,
}))
const rules = Array.from({ length: 20 }, (_, i) => ({
  id: `r${i}`,
  name: `Rule ${i}`,
  action: 'round_robin' as const,
  memberId: null,
  conditions: [
    { field: 'via' as const, test: 'equals' as const, value: 'form' },
    { field: 'source' as const, test: 'contains' as const, value: i === 19 ? 'spanish' : `campaign ${i}` },
    { field: 'phone' as const, test: 'is_empty' as const, value: '' },
  ],
}))
const state: RoutingState = {
  fallback: 'pool',
  claimCap: 0,
  members: new Map(members.map((m) => [m.userId, m])),
  away: new Map(),
  offHours: new Map(),
  held: new Map(),
  rules,
  rotations: new Map(
    rules.map((r) => [
      r.id,
      { memberIds: members.map((m) => m.userId), state: { shape: '', last: null, credits: new Map() } },
    ]),
  ),
}
const lead: LeadShape = {
  via: 'form',
  source: 'Spanish web ad',
  name: 'Sol',
  email: 'sol@example.com',
  phone: '',
  company: 'Acme',
  status: 'new',
}
const n = 100_000
for (let i = 0; i < 10_000; i++) decide(state, lead)
const start = performance.now()
for (let i = 0; i < n; i++) decide(state, lead)
const micros = ((performance.now() - start) * 1000) / n
console.log(`decide, 20 rules (the last matches), round-robin of 8: ${micros.toFixed(2)} µs per lead over ${n} leads`)
