/**
 * Where each new lead goes (docs/ARCHITECTURE.md "Intake and routing"): the first routing rule that matches it
 * (leads/routing-rules.ts), else the organization's routing, its fallback. Pure: a routing turn (leads/routing.ts)
 * reads the state once, decides each lead here and writes what changed; the dry run decides on the same state and
 * writes nothing.
 */
import type { RoutingMode } from '../db/schema'
import { firstMatchingRule, type LeadShape, type RoutingRule } from './routing-rules'
import { takeTurn, type RotationState } from './weighted-rotation'

/** A member routing may give leads to: whether active, their weight (1-5) and routing cap (0 = none). */
export type RoutingMember = { userId: string; name: string; active: boolean; weight: number; cap: number }

/**
 * Why a member was passed over for a lead (the ledger's words, `data.skipped` of its activity). `until` (epoch ms):
 * when an away member is back (null: until they say so), or when an `outside_hours` member's working hours start.
 */
export type Skipped = {
  id: string
  name: string
  why: 'deactivated' | 'away' | 'outside_hours' | 'at_cap'
  until?: number | null
}

/**
 * The fairness balance after a routed lead (`data.balance` of its activity), of the rotation that decided (the
 * organization's or the rule's; a 'Give to this member' rule: that member alone): each member who could take the
 * lead, with their weight (1-5) and their credit in the current stretch after the turn (leads/weighted-rotation.ts:
 * above 0, owed a lead; below, ahead; 0 for a rule's one member). A member's expected share of that lead is their
 * weight over the sum of the weights (the routing page, pool/routing-balance.ts).
 */
export type Balance = { id: string; weight: number; credit: number }[]

/** A rotation: its members in order and its state. Key `org` is the organization's, a rule's id a rule's. */
export type Rotation = { memberIds: string[]; state: RotationState }

/**
 * What a routing turn decides from, read once; `decide` advances `held` and `rotations` as it gives leads.
 * `away`: members away, each with when they are back (epoch ms; null: until they say so); `offHours`: members outside
 * their working hours, each with when those start (epoch ms). `held`: each capped member's open leads from the pool
 * (`pool`: claimed and routed) and from routing (`routed`).
 */
export type RoutingState = {
  fallback: RoutingMode
  claimCap: number
  members: Map<string, RoutingMember>
  away: Map<string, number | null>
  offHours: Map<string, number>
  held: Map<string, { pool: number; routed: number }>
  rules: RoutingRule[]
  rotations: Map<string, Rotation>
}

/** A rule as the ledger names it (its name at the time). */
export type RuleRef = { id: string; name: string }

/**
 * Where one lead goes: a member, `pool` or `unassigned`; `rule`: the rule that decided; `fellThrough`: the rule that
 * matched but none of whose members could take it (the fallback decided); `skipped`: who was passed over and why;
 * `balance`: given to a member, the balance of the rotation that chose them; `stuck`: the fallback's round-robin
 * found nobody.
 */
export type Decision = {
  to: { id: string; name: string } | 'pool' | 'unassigned'
  rule?: RuleRef
  fellThrough?: RuleRef
  skipped: Skipped[]
  balance?: Balance
  rotated: boolean
  stuck: boolean
}

/** Why member `userId` cannot take a lead now, or null when they can. */
function passedOver(state: RoutingState, member: RoutingMember): Skipped | null {
  const who = { id: member.userId, name: member.name }
  if (!member.active) return { ...who, why: 'deactivated' }
  if (state.away.has(member.userId)) return { ...who, why: 'away', until: state.away.get(member.userId) ?? null }
  const opens = state.offHours.get(member.userId)
  if (opens !== undefined) return { ...who, why: 'outside_hours', until: opens }
  const h = state.held.get(member.userId) ?? { pool: 0, routed: 0 }
  if ((state.claimCap > 0 && h.pool >= state.claimCap) || (member.cap > 0 && h.routed >= member.cap))
    return { ...who, why: 'at_cap' }
  return null
}

/**
 * Picks who of `memberIds` takes the lead: the rotation `key`'s next turn (weighted), or the first who can when
 * `key` is null (a rule's one member). Counts the lead against the chosen member's caps. `balance`: each member who
 * could take it, with their weight and credit after the turn.
 */
function pick(state: RoutingState, memberIds: string[], key: string | null) {
  const members = memberIds.map((id) => state.members.get(id)).filter((m) => m !== undefined)
  const skipped = members.map((m) => passedOver(state, m)).filter((s) => s !== null)
  const able = members.filter((m) => !skipped.some((s) => s.id === m.userId))
  const rotation = key === null ? undefined : state.rotations.get(key)
  let chosen = able[0]
  let credits = new Map<string, number>()
  if (rotation && able.length > 0) {
    const turn = takeTurn(
      rotation.state,
      able.map((m) => ({ userId: m.userId, weight: m.weight })),
    )
    rotation.state = turn.state
    credits = turn.state.credits
    chosen = state.members.get(turn.userId)
  }
  if (!chosen) return { chosen: null, skipped }
  const h = state.held.get(chosen.userId) ?? { pool: 0, routed: 0 }
  state.held.set(chosen.userId, { pool: h.pool + 1, routed: h.routed + 1 })
  const balance: Balance = able.map((m) => ({
    id: m.userId,
    weight: m.weight,
    credit: credits.get(m.userId) ?? 0,
  }))
  return { chosen: { id: chosen.userId, name: chosen.name }, skipped, balance }
}

/**
 * Decides where `lead` goes and advances `state` (the chosen member's counts, the rotation's credits): the first
 * rule in order whose conditions hold (`pool`; `member`: that member; `round_robin`: the rule's own weighted
 * rotation), skipping members away, outside their working hours, at a cap or deactivated; a rule none of whose
 * members can take the lead, or no rule, leaves it to the organization's routing (unassigned, pool, or its
 * round-robin; nobody: the pool, `stuck`).
 */
export function decide(state: RoutingState, lead: LeadShape): Decision {
  const rule = firstMatchingRule(state.rules, lead)
  const ref = rule ? { id: rule.id, name: rule.name } : undefined
  let skipped: Skipped[] = []
  if (rule) {
    if (rule.action === 'pool') return { to: 'pool', rule: ref, skipped, rotated: false, stuck: false }
    const picked =
      rule.action === 'member'
        ? pick(state, rule.memberId ? [rule.memberId] : [], null)
        : pick(state, state.rotations.get(rule.id)?.memberIds ?? [], rule.id)
    if (picked.chosen)
      return {
        to: picked.chosen,
        rule: ref,
        skipped: picked.skipped,
        balance: picked.balance,
        rotated: true,
        stuck: false,
      }
    skipped = picked.skipped
  }
  const base = { fellThrough: ref, skipped, rotated: rule !== null, stuck: false }
  if (state.fallback === 'unassigned') return { ...base, to: 'unassigned' }
  if (state.fallback === 'pool') return { ...base, to: 'pool' }
  const picked = pick(state, state.rotations.get('org')?.memberIds ?? [], 'org')
  const all = [...skipped, ...picked.skipped.filter((s) => !skipped.some((k) => k.id === s.id))]
  if (!picked.chosen) return { ...base, skipped: all, rotated: true, to: 'pool', stuck: true }
  return { ...base, skipped: all, balance: picked.balance, rotated: true, to: picked.chosen }
}
