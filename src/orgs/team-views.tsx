/** The team page: members (role, status, open leads), invitations, and the forms that manage them. */
import { isAgent, isManager, isOwner } from '../access/viewer'
import type { Role } from '../db/schema'
import { Field, FormAlert, type FieldErrors } from '../views/forms'
import { Layout, ROLE_LABELS, useShell } from '../views/layout'
import { Time } from '../views/time'
import type { FormValues } from '../lib/validation'
import type { TeamMember } from './members'
import type { DeliveryProblem } from '../email/delivery-problems'
import { FormTokenField } from '../views/form-token'

export type PendingInvitation = { id: string; email: string; role: Role; expiresAt: number; invitedBy: string }

type TeamPageProps = {
  members: TeamMember[]
  /** Owners/Admins: each member's last email delivery problem, by address (src/email/delivery-problems.ts). */
  deliveryProblems?: Map<string, DeliveryProblem>
  invitations: PendingInvitation[]
  sort: 'name' | 'open'
  me: string
  now: number
  /** Message about the last action (a refusal, or what was done). */
  alert?: string
  notice?: string
  inviteValues?: FormValues
  inviteErrors?: FieldErrors
}

/** Roles the actor may hand out: Owners all three, Admins Admin and Agent. */
function grantableRoles(actor: Role): Role[] {
  return isOwner(actor) ? ['agent', 'admin', 'owner'] : ['agent', 'admin']
}

function MemberActions({ member, base, actor, me }: { member: TeamMember; base: string; actor: Role; me: string }) {
  if (!isAgent(member) && !isOwner(actor)) return <span class="muted">Only an Owner can change Owners and Admins</span>
  return (
    <div class="inline-form">
      <form method="post" action={`${base}/${member.userId}/role`} class="inline-form">
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
          action={`${base}/${member.userId}/${member.status === 'active' ? 'deactivate' : 'reactivate'}`}
        >
          <button type="submit" class="secondary">
            {member.status === 'active' ? 'Deactivate' : 'Reactivate'}
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
}: TeamPageProps) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/team`
  const manager = isManager(shell)
  return (
    <Layout title="Team">
      <h1>Team</h1>
      <FormAlert message={alert} />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <table id="team-list">
        <thead>
          <tr>
            <th>
              <a href={base}>Name</a>
            </th>
            <th>Email</th>
            <th>Role</th>
            <th>Status</th>
            {manager && (
              <th>
                <a href={`${base}?sort=open`} aria-sort={sort === 'open' ? 'descending' : undefined}>
                  Open leads
                </a>
              </th>
            )}
            {manager && <th></th>}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr data-member-id={m.userId} data-member-email={m.email} data-status={m.status}>
              <td>
                {m.name}
                {m.userId === me && <span class="muted"> (you)</span>}
              </td>
              <td>
                {m.email}
                <DeliveryProblemNote problem={deliveryProblems?.get(m.email)} />
              </td>
              <td>{ROLE_LABELS[m.role]}</td>
              <td>
                {m.status === 'active' ? 'Active' : 'Deactivated'}
                {manager && m.status !== 'active' && m.openLeads > 0 && (
                  <span class="flag" data-needs-reassignment>
                    {' '}
                    needs reassignment
                  </span>
                )}
              </td>
              {manager && (
                <td>
                  <a href={`/o/${shell.org.slug}/leads?assignee=${m.userId}`}>{m.openLeads}</a>
                </td>
              )}
              {manager && (
                <td>
                  <MemberActions member={m} base={base} actor={shell.role} me={me} />
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
          <form method="post" action={`${base}/invitations`} novalidate>
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
                      <form method="post" action={`${base}/invitations/${i.id}/revoke`}>
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
    </Layout>
  )
}
