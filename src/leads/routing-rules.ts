/**
 * Routing rules by field (docs/ARCHITECTURE.md "Intake and routing"): which rule, in the order Owners and Admins
 * gave, takes a new lead. Pure: the routing turn (leads/routing.ts) and the dry run read the rules and the lead.
 */
import type { RuleAction, RuleCondition, RuleField } from '../db/schema'

/** A lead as the rules see it: each field's text (`via`: `form`, `api`, `import`, `typed`, …). */
export type LeadShape = Record<RuleField, string>

/** A rule as routing reads it, in order. `memberId`: for `member`, who is given the lead. */
export type RoutingRule = {
  id: string
  name: string
  conditions: RuleCondition[]
  action: RuleAction
  memberId: string | null
}

/** Text compared without case or surrounding white space. */
const folded = (text: string) => text.trim().toLowerCase()

/** Whether `lead`'s field holds the condition (`equals`, `contains`: case-insensitive, trimmed). */
export function conditionHolds(condition: RuleCondition, lead: LeadShape): boolean {
  const field = folded(lead[condition.field] ?? '')
  if (condition.test === 'is_empty') return field === ''
  const value = folded(condition.value)
  return condition.test === 'equals' ? field === value : field.includes(value)
}

/** The first of `rules` (in order) all of whose conditions hold for `lead`, or null when none does. */
export function firstMatchingRule<R extends Pick<RoutingRule, 'conditions'>>(rules: R[], lead: LeadShape): R | null {
  return rules.find((rule) => rule.conditions.every((c) => conditionHolds(c, lead))) ?? null
}
