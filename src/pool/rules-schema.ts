/** The routing rules page's forms (`/o/{slug}/routing/rules`): a new rule, a rule's edit, and a dry run's lead. */
import { z } from 'zod'
import {
  LEAD_STATUSES,
  RULE_ACTIONS,
  RULE_FIELDS,
  RULE_TESTS,
  type RuleCondition,
  type RuleField,
  type RuleTest,
} from '../db/schema'
import type { RuleListing } from '../leads/rule-book'
import { optionalSingleLine, singleLine } from '../lib/text'

/** How many condition rows the new-rule form offers (`field1`/`test1`/`value1`, …); empty rows are left out. */
export const CONDITION_ROWS = 3

/** The words the page uses for each field a condition can ask about. */
export const FIELD_LABELS: Record<(typeof RULE_FIELDS)[number], string> = {
  source: 'Source',
  via: 'Came in by',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  status: 'Status',
}

/** How a lead can come in, as `via` names it (the value a condition on "Came in by" compares with). */
export const VIA_LABELS: Record<string, string> = {
  form: 'the web form',
  api: 'the API',
  import: 'an import',
  email: 'an email to the inbound address',
  typed: 'typed in by a member',
}

/** Ids of the ticked members (sent once, many times, or not at all). */
const memberIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

/** One condition row's fields. */
const field = z.union([z.enum(RULE_FIELDS), z.literal('')], 'Choose one of the listed fields').default('')
const test = z.enum(RULE_TESTS, 'Choose equals, contains or is empty').default('equals')
const value = optionalSingleLine('value', 200)

type Rows = Record<`${'field' | 'test' | 'value'}${1 | 2 | 3}`, string> & {
  field1: RuleField | ''
  field2: RuleField | ''
  field3: RuleField | ''
  test1: RuleTest
  test2: RuleTest
  test3: RuleTest
}

/** The form's condition rows, in order. */
function rowsOf(form: Rows): { field: RuleField | ''; test: RuleTest; value: string }[] {
  return [
    { field: form.field1, test: form.test1, value: form.value1 },
    { field: form.field2, test: form.test2, value: form.value2 },
    { field: form.field3, test: form.test3, value: form.value3 },
  ]
}

/**
 * The new-rule form: `name`, condition rows (a row without a field is left out; equals and contains need a value),
 * `action`, the round-robin's members (`memberIds`) or the one member (`memberId`).
 * @returns `{ name, conditions, action, memberIds }` (`memberIds` of `member`: the one chosen)
 */
export const newRuleSchema = z
  .object({
    name: singleLine('rule’s name', 100, 'Enter the rule’s name'),
    action: z.enum(RULE_ACTIONS, 'Choose what the rule does'),
    memberIds,
    memberId: z.string().default(''),
    field1: field,
    test1: test,
    value1: value,
    field2: field,
    test2: test,
    value2: value,
    field3: field,
    test3: test,
    value3: value,
  })
  .superRefine((form, ctx) => {
    rowsOf(form).forEach((row, i) => {
      if (row.field && row.test !== 'is_empty' && row.value === '')
        ctx.addIssue({ code: 'custom', path: [`value${i + 1}`], message: 'Enter the text to compare with' })
    })
  })
  .transform((form) => {
    const conditions: RuleCondition[] = rowsOf(form).flatMap(({ field, test, value }) =>
      field ? [{ field, test, value: test === 'is_empty' ? '' : value }] : [],
    )
    const chosen = form.action === 'member' ? (form.memberId ? [form.memberId] : []) : form.memberIds
    return { name: form.name, action: form.action, conditions, memberIds: chosen }
  })

/** The dry run's lead: each field a rule can ask about (empty when not given). */
export const dryRunSchema = z.object({
  source: optionalSingleLine('source', 100),
  via: z.enum(['form', 'api', 'import', 'email', 'typed'], 'Choose how the lead comes in').default('form'),
  name: optionalSingleLine('name', 200),
  email: optionalSingleLine('email', 254),
  phone: optionalSingleLine('phone number', 50),
  company: optionalSingleLine('company', 200),
  status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').default('new'),
})

/** An edit's `shownAt`: the rule's `updatedAt` when the form was shown (epoch ms). */
export const shownAtSchema = z.object({ shownAt: z.coerce.number().int().catch(0) })

/** The edit form's fields for `rule` as stored: its name, condition rows, action and members. */
export function ruleValues(rule: Pick<RuleListing, 'name' | 'conditions' | 'action' | 'members'>) {
  const values: Record<string, string> = { name: rule.name, action: rule.action }
  rule.conditions.forEach((c, i) => {
    values[`field${i + 1}`] = c.field
    values[`test${i + 1}`] = c.test
    values[`value${i + 1}`] = c.value
  })
  if (rule.action === 'member') values.memberId = rule.members[0]?.id ?? ''
  return values
}

/** Moving a rule: one place `up` (tried earlier) or `down`. */
export const moveSchema = z.object({ by: z.enum(['up', 'down'], 'Choose up or down') })
