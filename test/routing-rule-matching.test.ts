/**
 * Which routing rule takes a lead (src/leads/routing-rules.ts), over generated rules and leads: the first rule in
 * order all of whose conditions hold wins, reordering two matching rules changes the winner, and a condition works
 * on any field. The conditions' meaning is written again here by hand (`holds`), as the oracle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RULE_FIELDS, RULE_TESTS, type RuleCondition } from '../src/db/schema'
import { firstMatchingRule, type LeadShape } from '../src/leads/routing-rules'

/** Short texts from a small alphabet, with case and surrounding spaces varied, so rules and leads often meet. */
const text = fc
  .tuple(fc.constantFrom('', 'es', 'ES', 'web', 'Web form', 'api', 'Acme', 'acme ltd'), fc.constantFrom('', ' '))
  .map(([t, pad]) => `${pad}${t}${pad}`)

const lead: fc.Arbitrary<LeadShape> = fc.record(
  Object.fromEntries(RULE_FIELDS.map((f) => [f, text])) as Record<keyof LeadShape, fc.Arbitrary<string>>,
)
const condition: fc.Arbitrary<RuleCondition> = fc.record({
  field: fc.constantFrom(...RULE_FIELDS),
  test: fc.constantFrom(...RULE_TESTS),
  value: text,
})
const rule = (id: number) => fc.array(condition, { maxLength: 3 }).map((conditions) => ({ id: `r${id}`, conditions }))
const rules = fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rule(i))))

/** The oracle: whether `c` holds for `l`, compared without case or surrounding spaces. */
function holds(c: RuleCondition, l: LeadShape): boolean {
  const have = l[c.field].trim().toLocaleLowerCase('en')
  const want = c.value.trim().toLocaleLowerCase('en')
  if (c.test === 'is_empty') return have.length === 0
  return c.test === 'equals' ? have === want : have.indexOf(want) >= 0
}

describe('routing rule matching', () => {
  it('the first rule in order whose conditions all hold wins; none: no rule', () => {
    fc.assert(
      fc.property(rules, lead, (list, l) => {
        const expected = list.findIndex((r) => r.conditions.every((c) => holds(c, l)))
        expect(firstMatchingRule(list, l)?.id ?? null).toBe(expected < 0 ? null : list[expected]!.id)
      }),
      { numRuns: 500 },
    )
  })

  it('moving a later matching rule above the winner makes it the winner', () => {
    fc.assert(
      fc.property(rules, lead, fc.nat(), (list, l, pick) => {
        const matching = list.filter((r) => r.conditions.every((c) => holds(c, l)))
        fc.pre(matching.length >= 2)
        const later = matching[1 + (pick % (matching.length - 1))]!
        expect(firstMatchingRule(list, l)).toBe(matching[0])
        const reordered = [later, ...list.filter((r) => r !== later)]
        expect(firstMatchingRule(reordered, l)).toBe(later)
      }),
      { numRuns: 300 },
    )
  })

  it('a condition on any field asks that field alone', () => {
    fc.assert(
      fc.property(lead, fc.constantFrom(...RULE_FIELDS), text, (l, field, value) => {
        fc.pre(value.trim() !== '')
        const spanish = { id: 'spanish', conditions: [{ field, test: 'equals' as const, value }] }
        const same = { ...l, [field]: value.toUpperCase() }
        const other = { ...l, [field]: `${value.trim()}x` }
        expect(firstMatchingRule([spanish], same)).toBe(spanish)
        expect(firstMatchingRule([spanish], other)).toBeNull()
        const empty = { id: 'empty', conditions: [{ field, test: 'is_empty' as const, value: '' }] }
        expect(firstMatchingRule([empty], { ...l, [field]: '  ' })).toBe(empty)
        expect(firstMatchingRule([empty], same)).toBeNull()
      }),
      { numRuns: 300 },
    )
  })
})
