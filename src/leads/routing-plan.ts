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

/** Why a member was passed over for a lead (the ledger's words, `data.skipped` of its activity). */
export type Skipped = { id: string; name: string; why: 'deactivated' | 'away' | 'at_cap'; until?: number | null }

/** A rotation: its members in order and its state. Key `org` is the organization's, a rule's id a rule's. */
export type Rotation = { memberIds: string[]; state: RotationState }

/**
 * What a routing turn decides from, read once; `decide` advances `held` and `rotations` as it gives leads.
 * `held`: each capped member's open leads from the pool (`pool`: claimed and routed) and from routing (`routed`).
 */
export type RoutingState = {
  fallback: RoutingMode
  claimCap: number
  members: Map<string, RoutingMember>
  away: Map<string, number | null>
  held: Map<string, { pool: number; routed: number }>
  rules: RoutingRule[]
  rotations: Map<string, Rotation>
}

/** A rule as the ledger names it (its name at the time). */
export type RuleRef = { id: string; name: string }

/**
 * Where one lead goes: a member, `pool` or `unassigned`; `rule`: the rule that decided; `fellThrough`: the rule that
 * matched but none of whose members could take it (the fallback decided); `skipped`: who was passed over and why;
 * `stuck`: the fallback's round-robin found nobody.
 */
export type Decision = {
  to: { id: string; name: string } | 'pool' | 'unassigned'
  rule?: RuleRef
  fellThrough?: RuleRef
  skipped: Skipped[]
  rotated: boolean
  stuck: boolean
}

/** Why member `userId` cannot take a lead now, or null when they can. */
function passedOver(state: RoutingState, member: RoutingMember): Skipped | null {
  const who = { id: member.userId, name: member.name }
  if (!member.active) return { ...who, why: 'deactivated' }
  if (state.away.has(member.userId)) return { ...who, why: 'away', until: state.away.get(member.userId) ?? null }
  const h = state.held.get(member.userId) ?? { pool: 0, routed: 0 }
  if ((state.claimCap > 0 && h.pool >= state.claimCap) || (member.cap > 0 && h.routed >= member.cap))
    return { ...who, why: 'at_cap' }
  return null
}

/**
 * Picks who of `memberIds` takes the lead: the rotation `key`'s next turn (weighted), or the first who can when
 * `key` is null (a rule's one member). Counts the lead against the chosen member's caps.
 */
function pick(state: RoutingState, memberIds: string[], key: string | null) {
  const members = memberIds.map((id) => state.members.get(id)).filter((m) => m !== undefined)
  const skipped = members.map((m) => passedOver(state, m)).filter((s) => s !== null)
  const able = members.filter((m) => !skipped.some((s) => s.id === m.userId))
  const rotation = key === null ? undefined : state.rotations.get(key)
  let chosen = able[0]
  if (rotation && able.length > 0) {
    const turn = takeTurn(
      rotation.state,
      able.map((m) => ({ userId: m.userId, weight: m.weight })),
    )
    rotation.state = turn.state
    chosen = state.members.get(turn.userId)
  }
  if (chosen) {
    const h = state.held.get(chosen.userId) ?? { pool: 0, routed: 0 }
    state.held.set(chosen.userId, { pool: h.pool + 1, routed: h.routed + 1 })
  }
  return { chosen: chosen ? { id: chosen.userId, name: chosen.name } : null, skipped }
}

/**
 * Decides where `lead` goes and advances `state` (the chosen member's counts, the rotation's credits): the first
 * rule in order whose conditions hold (`pool`; `member`: that member; `round_robin`: the rule's own weighted
 * rotation), skipping members away, at a cap or deactivated; a rule none of whose members can take the lead, or no
 * rule, leaves it to the organization's routing (unassigned, pool, or its round-robin; nobody: the pool, `stuck`).
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
    if (picked.chosen) return { to: picked.chosen, rule: ref, skipped: picked.skipped, rotated: true, stuck: false }
    skipped = picked.skipped
  }
  const base = { fellThrough: ref, skipped, rotated: rule !== null, stuck: false }
  if (state.fallback === 'unassigned') return { ...base, to: 'unassigned' }
  if (state.fallback === 'pool') return { ...base, to: 'pool' }
  const picked = pick(state, state.rotations.get('org')?.memberIds ?? [], 'org')
  const all = [...skipped, ...picked.skipped.filter((s) => !skipped.some((k) => k.id === s.id))]
  return { ...base, skipped: all, rotated: true, to: picked.chosen ?? 'pool', stuck: picked.chosen === null }
}
