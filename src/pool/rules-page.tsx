/**
 * The routing rules page (`GET /o/{slug}/routing/rules`, Owners and Admins): the rules in order with edit, move up /
 * down and remove, the fallback, the new-rule form and the dry run; and a rule's edit page (docs/ARCHITECTURE.md
 * "Intake and routing").
 */
import { routingSentence } from '../activity/timeline'
import { LEAD_STATUSES, RULE_ACTIONS, RULE_FIELDS, RULE_TESTS, type RoutingMode, type RuleAction } from '../db/schema'
import type { Decision } from '../leads/routing-plan'
import { ledgerData } from '../leads/routing'
import type { RuleListing } from '../leads/rule-book'
import type { RuleCondition } from '../db/schema'
import type { Member } from '../orgs/members'
import { Field, FieldError, FormAlert, Notice, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'
import { CONDITION_ROWS, FIELD_LABELS, ruleValues, VIA_LABELS } from './rules-schema'

const TEST_LABELS: Record<RuleCondition['test'], string> = {
  equals: 'equals',
  contains: 'contains',
  is_empty: 'is empty',
}

const ACTION_LABELS: Record<RuleAction, string> = {
  round_robin: 'Round-robin among the members ticked below (by their weights)',
  member: 'Give to this member',
  pool: 'Put in the pool',
}

const FALLBACK_LABELS: Record<RoutingMode, string> = {
  unassigned: 'leave it unassigned',
  pool: 'put it in the pool',
  round_robin: 'round-robin among the members chosen in Pool and routing',
}

/** "Source contains “web” and Came in by equals “form”"; "Every lead" without conditions. */
function whenText(conditions: RuleCondition[]): string {
  if (conditions.length === 0) return 'Every lead'
  return conditions
    .map((c) => `${FIELD_LABELS[c.field]} ${TEST_LABELS[c.test]}${c.test === 'is_empty' ? '' : ` “${c.value}”`}`)
    .join(' and ')
}

/** "Round-robin among Ana, Bo", "Give to Ana", "Put in the pool". */
function thenText(rule: RuleListing): string {
  const names = rule.members.map((m) => m.name).join(', ')
  if (rule.action === 'pool') return 'Put in the pool'
  return rule.action === 'member' ? `Give to ${names || 'a member no longer here'}` : `Round-robin among ${names}`
}

/** A select of `options` (value → label) named `name`, `value` selected. */
function Select(props: {
  name: string
  label: string
  options: [string, string][]
  value: string
  errors?: FieldErrors
}) {
  const invalid = Boolean(props.errors?.[props.name])
  return (
    <label class="field">
      <span>{props.label}</span>
      <select
        name={props.name}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${props.name}-error` : undefined}
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      <FieldError errors={props.errors} name={props.name} />
    </label>
  )
}

/** The rules in order, each with edit, move up / down and remove (links and forms: they work without JavaScript). */
function RuleTable({ rules, base }: { rules: RuleListing[]; base: string }) {
  if (rules.length === 0) return <p data-no-rules>No rules yet: every new lead goes to the fallback.</p>
  return (
    <table id="rule-list" class="cards">
      <thead>
        <tr>
          <th>#</th>
          <th>Rule</th>
          <th>When</th>
          <th>Then</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((rule, i) => (
          <tr data-rule-id={rule.id}>
            <td data-label="#">{i + 1}</td>
            <td data-label="Rule" data-rule-name>
              {rule.name}
            </td>
            <td data-label="When">{whenText(rule.conditions)}</td>
            <td data-label="Then">{thenText(rule)}</td>
            <td data-label="Actions">
              <div class="actions">
                <a href={`${base}/${rule.id}/edit`} class="button secondary" aria-label={`Edit: ${rule.name}`}>
                  Edit
                </a>
                <form method="post" action={`${base}/${rule.id}/move`}>
                  <input type="hidden" name="by" value="up" />
                  <button type="submit" class="secondary" disabled={i === 0} aria-label={`Move up: ${rule.name}`}>
                    Move up
                  </button>
                </form>
                <form method="post" action={`${base}/${rule.id}/move`}>
                  <input type="hidden" name="by" value="down" />
                  <button
                    type="submit"
                    class="secondary"
                    disabled={i === rules.length - 1}
                    aria-label={`Move down: ${rule.name}`}
                  >
                    Move down
                  </button>
                </form>
                <form method="post" action={`${base}/${rule.id}/delete`}>
                  <button type="submit" class="secondary" aria-label={`Remove: ${rule.name}`}>
                    Remove
                  </button>
                </form>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * A rule's form: a new one (`id` `new-rule`, posted to the rules) or an edit (`edit-rule`, posted to the rule, with
 * the `shownAt` it was shown with); `values` as sent (a refused form), as stored (an edit) or empty.
 */
function RuleForm(props: {
  id: 'new-rule' | 'edit-rule'
  action: string
  submit: string
  shownAt?: number
  members: Member[]
  values: Record<string, string>
  chosen: Set<string>
  errors?: FieldErrors
}) {
  const { values, errors } = props
  const fields: [string, string][] = [['', '—'], ...RULE_FIELDS.map((f): [string, string] => [f, FIELD_LABELS[f]])]
  const tests = RULE_TESTS.map((t): [string, string] => [t, TEST_LABELS[t]])
  return (
    <form method="post" action={props.action} id={props.id}>
      {props.shownAt !== undefined && <input type="hidden" name="shownAt" value={String(props.shownAt)} />}
      <Field label="Name" name="name" value={values.name} errors={errors} required />
      <fieldset>
        <legend>When all of these hold</legend>
        <p>
          Came in by: {Object.keys(VIA_LABELS).join(', ')}. Text is compared without case. Leave a row’s field empty to
          skip it; no condition at all matches every lead.
        </p>
        {Array.from({ length: CONDITION_ROWS }, (_, i) => i + 1).map((n) => (
          <div class="condition" data-condition-row={n}>
            <Select
              name={`field${n}`}
              label={`Field ${n}`}
              options={fields}
              value={values[`field${n}`] ?? ''}
              errors={errors}
            />
            <Select
              name={`test${n}`}
              label={`Test ${n}`}
              options={tests}
              value={values[`test${n}`] ?? 'equals'}
              errors={errors}
            />
            <Field label={`Value ${n}`} name={`value${n}`} value={values[`value${n}`]} errors={errors} />
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Then</legend>
        {RULE_ACTIONS.map((action) => (
          <label class="checkbox">
            <input type="radio" name="action" value={action} checked={(values.action ?? 'round_robin') === action} />
            <span>{ACTION_LABELS[action]}</span>
          </label>
        ))}
        <FieldError errors={errors} name="action" />
        <Select
          name="memberId"
          label="The member (Give to this member)"
          options={[['', '—'], ...props.members.map((m): [string, string] => [m.userId, m.name])]}
          value={values.memberId ?? ''}
          errors={errors}
        />
        <fieldset>
          <legend>Round-robin members</legend>
          {props.members.map((m) => (
            <label class="checkbox">
              <input type="checkbox" name="memberIds" value={m.userId} checked={props.chosen.has(m.userId)} />
              <span>{m.name}</span>
            </label>
          ))}
        </fieldset>
        <FieldError errors={errors} name="memberIds" />
      </fieldset>
      <button type="submit">{props.submit}</button>
    </form>
  )
}

/** The dry run's form and, once sent, where the next leads of that shape would go and why. */
function DryRun(props: {
  base: string
  values: Record<string, string>
  results?: Decision[]
  errors?: FieldErrors
  timeZone: string
}) {
  const { values, errors, timeZone } = props
  const vias = Object.entries(VIA_LABELS)
  return (
    <>
      <form method="post" action={`${props.base}/dry-run`} id="dry-run">
        <Field label="Source" name="source" value={values.source} errors={errors} />
        <Select name="via" label="Came in by" options={vias} value={values.via ?? 'form'} errors={errors} />
        <Field label="Name" name="name" value={values.name} errors={errors} />
        <Field label="Email" name="email" value={values.email} errors={errors} />
        <Field label="Phone" name="phone" value={values.phone} errors={errors} />
        <Field label="Company" name="company" value={values.company} errors={errors} />
        <Select
          name="status"
          label="Status"
          options={LEAD_STATUSES.map((s): [string, string] => [s, s])}
          value={values.status ?? 'new'}
          errors={errors}
        />
        <button type="submit">Show the next ten</button>
      </form>
      {props.results && (
        <ol id="dry-run-results" aria-label="Where the next leads would go">
          {props.results.map((d) => (
            <li data-dry-run-to={typeof d.to === 'string' ? d.to : d.to.id}>
              {routingSentence(d.to, ledgerData(d), timeZone)}
            </li>
          ))}
        </ol>
      )}
    </>
  )
}

/** What the rules page shows: the rules, the fallback, the members to choose from, the forms as sent and a dry run. */
export type RulesPageProps = {
  rules: RuleListing[]
  fallback: RoutingMode
  members: Member[]
  notice?: string
  rule?: { values: Record<string, string>; chosen: Set<string>; errors?: FieldErrors; alert?: string }
  dry?: { values: Record<string, string>; results?: Decision[]; errors?: FieldErrors }
  /** The viewer's time zone, for the dry run's "away until …". */
  timeZone: string
}

/** The routing rules page. */
export function RulesPage(props: RulesPageProps) {
  const slug = useShell().org.slug
  const base = `/o/${slug}/routing/rules`
  return (
    <section class="card">
      <p>
        <a href={`/o/${slug}/settings/pool`}>← Settings: Pool and routing</a> ·{' '}
        <a href={`/o/${slug}/routing`}>Routing balance</a>
      </p>
      <h1>Routing rules</h1>
      {props.notice && <Notice kind="success" text={props.notice} />}
      <p>
        Each new lead (web form, API, import, typed in by an Owner or Admin) goes by the first rule, in this order,
        whose conditions all hold. Members away, outside their working hours, at a cap or deactivated are skipped; when
        none of a rule’s members can take the lead, the fallback decides.
      </p>
      <RuleTable rules={props.rules} base={base} />
      <p data-fallback>
        Otherwise (the fallback): {FALLBACK_LABELS[props.fallback]}.{' '}
        <a href={`/o/${slug}/settings/pool`}>Change the fallback</a>
      </p>
      <h2>Add a rule</h2>
      <FormAlert message={props.rule?.alert} />
      <RuleForm
        id="new-rule"
        action={base}
        submit="Add rule"
        members={props.members}
        values={props.rule?.values ?? {}}
        chosen={props.rule?.chosen ?? new Set()}
        errors={props.rule?.errors}
      />
      <h2>Dry run</h2>
      <p>Where the next ten leads of this shape would go, and why. Nothing is assigned and no rotation moves.</p>
      <DryRun
        base={base}
        values={props.dry?.values ?? {}}
        results={props.dry?.results}
        errors={props.dry?.errors}
        timeZone={props.timeZone}
      />
    </section>
  )
}

/** What a rule's edit page shows: the rule as stored, the members to choose from, and the form as sent after a refusal. */
export type EditRulePageProps = {
  rule: RuleListing
  members: Member[]
  sent?: { values: Record<string, string>; chosen: Set<string>; errors?: FieldErrors }
  /** Why the last save was refused. */
  alert?: string
}

/** `GET /o/{slug}/routing/rules/{ruleId}/edit`: the rule's form, filled in as stored (or as sent, after a refusal). */
export function EditRulePage({ rule, members, sent, alert }: EditRulePageProps) {
  const base = `/o/${useShell().org.slug}/routing/rules`
  return (
    <section class="card">
      <p>
        <a href={base}>← Routing rules</a>
      </p>
      <h1>Edit rule: {rule.name}</h1>
      <p>It keeps its place in the order. Members kept in its round-robin keep their turn.</p>
      <FormAlert message={alert} />
      <RuleForm
        id="edit-rule"
        action={`${base}/${rule.id}`}
        submit="Save rule"
        shownAt={rule.updatedAt}
        members={members}
        values={sent?.values ?? ruleValues(rule)}
        chosen={sent?.chosen ?? new Set(rule.action === 'round_robin' ? rule.members.map((m) => m.id) : [])}
        errors={sent?.errors}
      />
    </section>
  )
}
