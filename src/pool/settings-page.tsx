/** The pool and routing settings page (`GET /o/{slug}/settings/pool`). */
import { ROUTING_MODES, type RoutingMode } from '../db/schema'
import type { Member } from '../orgs/members'
import { FieldError, type FieldErrors } from '../views/forms'
import { useShell } from '../views/layout'

const ROUTING_LABELS: Record<RoutingMode, string> = {
  unassigned: 'Leave them unassigned (Owners and Admins triage them)',
  pool: 'Put them in the pool',
  round_robin: 'Round-robin among the members ticked below',
}

function NumberField(props: { name: string; label: string; hint: string; value: string; errors?: FieldErrors }) {
  const invalid = Boolean(props.errors?.[props.name])
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        type="number"
        min="0"
        inputmode="numeric"
        name={props.name}
        value={props.value}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${props.name}-error` : undefined}
      />
      <small>{props.hint}</small>
      <FieldError errors={props.errors} name={props.name} />
    </label>
  )
}

/**
 * The pool and routing settings page: `values` as stored or as sent, `chosen` the members ticked for the
 * round-robin, `members` every member (deactivated ones included) in the order the rotation follows.
 */
export function PoolSettingsPage(props: {
  values: Record<string, string>
  chosen: Set<string>
  members: Member[]
  saved?: boolean
  errors?: FieldErrors
}) {
  const shell = useShell()
  const { values, errors } = props
  return (
    <section class="card narrow">
      <p>
        <a href={`/o/${shell.org.slug}/settings`}>← Settings</a>
      </p>
      <h1>Pool and routing</h1>
      {props.saved && (
        <p class="notice" role="status">
          Settings saved.
        </p>
      )}
      <form method="post" action={`/o/${shell.org.slug}/settings/pool`}>
        <NumberField
          name="poolClaimCap"
          label="Claim cap"
          hint="An Agent may hold at most this many open leads taken from the pool (claimed or routed to them). 0 = no cap."
          value={values.poolClaimCap ?? '0'}
          errors={errors}
        />
        <NumberField
          name="poolShowOldest"
          label="Show only the oldest"
          hint="The pool shows only this many of its oldest leads, so nobody picks the best-looking one. 0 = show all."
          value={values.poolShowOldest ?? '0'}
          errors={errors}
        />
        <NumberField
          name="poolStaleHours"
          label="Warn after hours in the pool"
          hint="A lead waiting longer is marked stale, and Owners and Admins get a daily digest. 0 = no warning."
          value={values.poolStaleHours ?? '0'}
          errors={errors}
        />
        <NumberField
          name="unassignedWarnHours"
          label="Mark unassigned leads after hours"
          hint="An unassigned lead (not in the pool) waiting longer is marked “waiting over N hours” in the list, and Owners and Admins get a daily digest of them. 0 = no marker."
          value={values.unassignedWarnHours ?? '4'}
          errors={errors}
        />
        <NumberField
          name="poolReturnDays"
          label="Return untouched claimed leads after days"
          hint="A claimed lead whose assignee added no note, communication, task or status change for this many days goes back to the pool (they are told a day before). 0 = never."
          value={values.poolReturnDays ?? '0'}
          errors={errors}
        />
        <fieldset>
          <legend>New leads from the web form, the API, imports and leads Owners and Admins type in</legend>
          <p>
            The <a href={`/o/${shell.org.slug}/routing/rules`}>routing rules</a> come first; this is where a lead no
            rule takes goes.
          </p>
          {ROUTING_MODES.map((mode) => (
            <label class="checkbox">
              <input type="radio" name="routing" value={mode} checked={(values.routing ?? 'unassigned') === mode} />
              <span>{ROUTING_LABELS[mode]}</span>
            </label>
          ))}
          <FieldError errors={errors} name="routing" />
        </fieldset>
        <fieldset>
          <legend>Round-robin members</legend>
          <p>
            Leads go to them in turn, in this order; deactivated members and members at the cap are skipped, and when
            nobody can take a lead it goes to the pool.
          </p>
          {props.members.map((m) => (
            <label class="checkbox">
              <input
                type="checkbox"
                name="routingMemberIds"
                value={m.userId}
                checked={props.chosen.has(m.userId)}
                data-routing-member={m.userId}
              />
              <span>
                {m.name}
                {m.status !== 'active' && ' (deactivated)'}
              </span>
            </label>
          ))}
          <FieldError errors={errors} name="routingMemberIds" />
        </fieldset>
        <button type="submit">Save settings</button>
      </form>
    </section>
  )
}
