/** The team page: members (role, status, open leads), invitations, and the forms that manage them. */
import { isAgent, isManager, isOwner } from '../access/viewer'
import type { Role } from '../db/schema'
import { Field, FieldError, FormAlert, Notice, type FieldErrors } from '../views/forms'
import { ROLE_LABELS, useShell } from '../views/layout'
import { Time } from '../views/time'
import type { FormValues } from '../lib/validation'
import type { TeamMember } from './members'
import type { DeliveryProblem } from '../email/delivery-problems'
import { waited } from '../lib/waited'
import type { FirstTouchTimes } from './first-touch-times'
import { FormTokenField } from '../views/form-token'
import { AwayControls, AwayText } from './away-views'
import { MAX_ROUTING_CAP, MAX_WEIGHT } from './routing-capacity'
import { WorkingHoursForm, workingHoursText } from './working-hours-views'

export type PendingInvitation = { id: string; email: string; role: Role; expiresAt: number; invitedBy: string }

type TeamPageProps = {
  members: TeamMember[]
  /** Owners/Admins: each member's last email delivery problem, by address (src/email/delivery-problems.ts). */
  deliveryProblems?: Map<string, DeliveryProblem>
  /** Owners/Admins: each member's time to first touch over 30 days, by user id (src/orgs/first-touch-times.ts). */
  firstTouch?: Map<string, FirstTouchTimes>
  invitations: PendingInvitation[]
  sort: 'name' | 'open'
  me: string
  now: number
  /** Message about the last action (a refusal, or what was done). */
  alert?: string
  notice?: string
  inviteValues?: FormValues
  inviteErrors?: FieldErrors
  /** Members away now, with when they are back (epoch ms, null until they say so): orgs/away.ts `awayMembers`. */
  away: Map<string, number | null>
  /** The viewer's time zone (IANA name), the one an away form's time is typed in. */
  timeZone: string
  /** A refused routing, away or working-hours form of one member: what was typed (`days`: weekdays ticked) and why. */
  refusedRouting?: { userId: string; values: FormValues; days?: string[]; errors: FieldErrors }
}

/**
 * Owners and Admins: a member's routing weight and cap, whether they are away, and their working hours, in a fold of
 * their row.
 */
function RoutingControls({
  member,
  base,
  away,
  timeZone,
  refused,
}: {
  member: TeamMember
  base: string
  away: { until: number | null } | null
  timeZone: string
  refused?: { values: FormValues; days?: string[]; errors: FieldErrors }
}) {
  const values = refused?.values ?? {}
  const weight = values.weight ?? String(member.routingWeight)
  const capInvalid = Boolean(refused?.errors.cap)
  return (
    <details class="routing-controls" open={refused ? true : undefined}>
      <summary>Routing and away</summary>
      <form method="post" action={`${base}/${member.userId}/routing`} class="routing-form" novalidate>
        <label class="field">
          <span>Weight</span>
          <select name="weight" aria-label={`Routing weight of ${member.name}`}>
            {Array.from({ length: MAX_WEIGHT }, (_, i) => String(i + 1)).map((w) => (
              <option value={w} selected={weight === w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Most open leads from routing (0: no cap)</span>
          <input
            type="number"
            name="cap"
            min="0"
            max={String(MAX_ROUTING_CAP)}
            inputmode="numeric"
            value={values.cap ?? String(member.routingCap)}
            aria-label={`Routing cap of ${member.name}`}
            aria-invalid={capInvalid ? 'true' : undefined}
            aria-describedby={capInvalid ? 'cap-error' : undefined}
          />
          <FieldError errors={refused?.errors} name="cap" />
        </label>
        <button type="submit" class="secondary">
          Save routing
        </button>
      </form>
      <AwayControls
        action={`${base}/${member.userId}`}
        who={member.name}
        away={away}
        timeZone={timeZone}
        values={refused?.values}
        errors={refused?.errors}
      />
      <WorkingHoursForm
        action={`${base}/${member.userId}/hours`}
        who={member.name}
        saved={member}
        timeZone={member.timeZone}
        {...(refused?.days ? refused : {})}
      />
    </details>
  )
}

/** Roles the actor may hand out: Owners all three, Admins Admin and Agent. */
function grantableRoles(actor: Role): Role[] {
  return isOwner(actor) ? ['agent', 'admin', 'owner'] : ['agent', 'admin']
}

function MemberActions({
  member,
  base,
  actor,
  me,
  soleOwner,
}: {
  member: TeamMember
  base: string
  actor: Role
  me: string
  /** The organization has one active Owner: they cannot change their own role. */
  soleOwner: boolean
}) {
  if (!isAgent(member) && !isOwner(actor)) return <span class="muted">Only an Owner can change Owners and Admins</span>
  if (member.userId === me && isOwner(member) && soleOwner)
    return <span class="muted">You are the only Owner: make someone else an Owner before changing your role.</span>
  const active = member.status === 'active'
  return (
    <div class="member-actions">
      <form method="post" action={`${base}/${member.userId}/role`} hx-boost="true" hx-disabled-elt="find button">
        <select name="role" aria-label={`Role of ${member.name}`}>
          {grantableRoles(actor).map((r) => (
            <option value={r} selected={member.role === r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Change role
        </button>
      </form>
      {member.userId !== me && (
        <form
          method="post"
          action={`${base}/${member.userId}/${active ? 'deactivate' : 'reactivate'}`}
          hx-boost="true"
          hx-disabled-elt="find button"
          hx-confirm={
            active
              ? `Deactivate ${member.name}? They lose access at their next click; their leads stay, flagged for reassignment.`
              : undefined
          }
        >
          <button type="submit" class={active ? 'secondary danger' : 'secondary'}>
            {active ? 'Deactivate' : 'Reactivate'}
          </button>
        </form>
      )}
    </div>
  )
}

/** "Last email failed …: reason" under a member's address (Owners/Admins). */
function DeliveryProblemNote({ problem }: { problem?: DeliveryProblem }) {
  if (!problem) return null
  return (
    <span class="flag" data-delivery-problem={problem.state}>
      {' '}
      {problem.state === 'failed' ? 'Last email failed' : 'An email is being retried'} (<Time at={problem.at} />
      ): {problem.reason}
    </span>
  )
}

/** "median 12 min, 90% within 40 min (8 leads)", or "—" for a member who first touched no lead in the window. */
function FirstTouchSummary({ times }: { times: FirstTouchTimes | undefined }) {
  if (!times) return <span class="muted">—</span>
  return (
    <>
      median {waited(times.median)}, 90% within {waited(times.p90)}{' '}
      <span class="muted">
        ({times.leads} {times.leads === 1 ? 'lead' : 'leads'})
      </span>
    </>
  )
}

export function TeamPage({
  members,
  invitations,
  sort,
  me,
  now,
  alert,
  notice,
  inviteValues = {},
  inviteErrors,
  deliveryProblems,
  away,
  timeZone,
  refusedRouting,
  firstTouch,
}: TeamPageProps) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/team`
  const manager = isManager(shell)
  const soleOwner = members.filter((m) => isOwner(m) && m.status === 'active').length === 1
  const arrow = (on: boolean, down: boolean) => on && <span aria-hidden="true">{down ? ' ▼' : ' ▲'}</span>
  return (
    <>
      <h1>Team</h1>
      <FormAlert message={alert} />
      {notice && <Notice kind="success" text={notice} />}
      <table id="team-list" class="cards">
        <thead>
          <tr>
            <th aria-sort={sort === 'name' ? 'ascending' : undefined}>
              <a href={base}>Name{arrow(sort === 'name', false)}</a>
            </th>
            <th>Email</th>
            <th>Role</th>
            <th>Status</th>
            {manager && (
              <th aria-sort={sort === 'open' ? 'descending' : undefined}>
                <a href={`${base}?sort=open`}>Open leads{arrow(sort === 'open', true)}</a>
              </th>
            )}
            {manager && <th>First touch, 30 days</th>}
            {manager && (
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr data-member-id={m.userId} data-member-email={m.email} data-status={m.status}>
              <td class="lead-name">
                {m.name}
                {m.userId === me && <span class="muted"> (you)</span>}
              </td>
              <td data-label="Email">
                {m.email}
                <DeliveryProblemNote problem={deliveryProblems?.get(m.email)} />
              </td>
              <td data-label="Role">{ROLE_LABELS[m.role]}</td>
              <td data-label="Status">
                {m.status === 'active' ? 'Active' : 'Deactivated'}
                {m.status === 'active' && away.has(m.userId) && (
                  <span class="flag" data-away>
                    {' '}
                    <AwayText until={away.get(m.userId) ?? null} />
                  </span>
                )}
                {manager && m.status === 'active' && (
                  <span class="muted" data-routing-share>
                    {' '}
                    weight {m.routingWeight}
                    {m.routingCap > 0 && `, cap ${m.routingCap}`}
                  </span>
                )}
                {manager && m.status === 'active' && m.workDays !== null && (
                  <span class="muted" data-working-hours>
                    {' '}
                    {workingHoursText(m, m.timeZone)}
                  </span>
                )}
                {manager && m.status !== 'active' && m.openLeads > 0 && (
                  <span class="flag" data-needs-reassignment>
                    {' '}
                    needs reassignment
                  </span>
                )}
              </td>
              {manager && (
                <td data-label="Open leads" data-open-leads>
                  <a href={`/o/${shell.org.slug}/leads?assignee=${m.userId}`}>{m.openLeads}</a>
                </td>
              )}
              {manager && (
                <td data-label="First touch, 30 days" data-first-touch>
                  <FirstTouchSummary times={firstTouch?.get(m.userId)} />
                </td>
              )}
              {manager && (
                <td class="row-action">
                  <MemberActions member={m} base={base} actor={shell.role} me={me} soleOwner={soleOwner} />
                  {m.status === 'active' && (
                    <RoutingControls
                      member={m}
                      base={base}
                      away={away.has(m.userId) ? { until: away.get(m.userId) ?? null } : null}
                      timeZone={timeZone}
                      refused={refusedRouting?.userId === m.userId ? refusedRouting : undefined}
                    />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {manager && (
        <section class="card narrow">
          <h2>Invite someone</h2>
          <p>They get an email with a link to join; it works once and expires after 7 days.</p>
          <form method="post" action={`${base}/invitations`} novalidate hx-boost="true" hx-disabled-elt="find button">
            <FormTokenField />
            <Field label="Email" name="email" type="email" value={inviteValues.email} errors={inviteErrors} required />
            <label class="field">
              <span>Role</span>
              <select name="role">
                {grantableRoles(shell.role).map((r) => (
                  <option value={r} selected={(inviteValues.role || 'agent') === r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">Send invitation</button>
          </form>
        </section>
      )}
      {manager && invitations.length > 0 && (
        <section class="card">
          <h2>Pending invitations</h2>
          <table id="invitation-list">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Invited by</th>
                <th>Expires</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr data-invitation-email={i.email}>
                  <td>{i.email}</td>
                  <td>{ROLE_LABELS[i.role]}</td>
                  <td>{i.invitedBy}</td>
                  <td>{i.expiresAt <= now ? 'Expired' : <Time at={i.expiresAt} />}</td>
                  <td>
                    {i.role !== 'agent' && shell.role !== 'owner' ? (
                      <span class="muted">Only an Owner can revoke it</span>
                    ) : (
                      <form
                        method="post"
                        action={`${base}/invitations/${i.id}/revoke`}
                        hx-boost="true"
                        hx-confirm={`Revoke the invitation to ${i.email}? Its link stops working.`}
                      >
                        <button type="submit" class="secondary">
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
