/** The lead page's "Assigned to" panel and "Who can see this lead and why". */
import type { LeadDetail } from '../leads/lead-detail'
import type { Reason } from '../leads/policy'
import type { Member } from '../orgs/members'
import { inThePool } from './collaborators'
import { CannotClaimWhileAway } from '../orgs/away-views'
import { encodeHolders, holdersOf, SHOWN_HOLDERS } from '../leads/holders'

/** The holders every form of the panel was shown with: a change someone made meanwhile is refused, not undone. */
function Shown({ lead }: { lead: LeadDetail }) {
  return <input type="hidden" name={SHOWN_HOLDERS} value={encodeHolders(holdersOf(lead))} />
}

/** What the viewer may do here, and the organization settings that shape the panel. */
export type AssignmentPanelProps = {
  lead: LeadDetail
  base: string
  members: Member[]
  canAssign: boolean
  canClaim: boolean
  /**
   * The viewer is away (until when, epoch ms; null until back) in the organization `slug`: the reason takes the
   * place of Claim.
   */
  away: { until: number | null; slug: string } | null
  multipleAssignees: boolean
  noteRequired: boolean
  /** Whether Agents can see and claim the pool (organization setting). */
  poolEnabled: boolean
  /** Set when the viewer handed this lead over: whom it went to. */
  transferredTo: string | null
  /** What was chosen in a refused assignment (member, handoff note), shown again as it was. */
  kept?: { assigneeId?: string; note?: string }
}

export function AssignmentPanel(p: AssignmentPanelProps) {
  const { lead, base, members } = p
  const owner = lead.assignees.find((a) => a.kind === 'primary')
  const collaborators = lead.assignees.filter((a) => a.kind === 'collaborator')
  const addable = members.filter((m) => !lead.assignees.some((a) => a.userId === m.userId))
  const chosen = p.kept?.assigneeId ?? owner?.userId ?? ''
  // An archived lead's owner, collaborators and pool stay as they are until it is restored (leads/policy.ts).
  const manage = p.canAssign && lead.archivedAt === null
  return (
    // Reloads itself after a lost connection (`lead-reconnect`, public/app.js) and when who holds the lead changes
    // (collaboration/live.tsx), unless its holders (`data-state`) are those shown; the page keeps it instead while
    // someone is choosing or typing in it. Its own forms inherit none of this (`hx-disinherit`).
    <section
      id="assignment"
      class="assignment"
      hx-get={`${base}/assignment`}
      hx-trigger="lead-reconnect"
      hx-swap="outerHTML"
      hx-disinherit="*"
      data-state={`${encodeHolders(holdersOf(lead))}|${lead.inPool ? 'pool' : ''}|${lead.archivedAt ?? ''}`}
    >
      <h2>Assigned to</h2>
      {p.transferredTo && (
        <p class="notice" data-transferred-to>
          This lead was transferred from you to {p.transferredTo}. You can still see it.
        </p>
      )}
      <ul class="assignees">
        {owner ? (
          <li data-assignee-id={owner.userId}>{owner.name}</li>
        ) : (
          <li>{lead.inPool ? 'Unassigned — in the pool' : 'Unassigned'}</li>
        )}
        {collaborators.map((c) => (
          <li data-assignee-id={c.userId} data-collaborator>
            {c.name} (collaborator{p.multipleAssignees ? '' : ', read-only'})
            {manage && (
              <form
                method="post"
                action={`${base}/assignees/${c.userId}/remove`}
                class="inline"
                hx-boost="true"
                hx-disabled-elt="find button"
              >
                <Shown lead={lead} />
                <button type="submit" class="link">
                  Remove
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {collaborators.length > 0 && !p.multipleAssignees && (
        <p class="muted">
          Multiple assignees are off in Settings, so collaborators can see this lead but not change it.
        </p>
      )}
      {manage && (
        <form
          id="assign-form"
          method="post"
          action={`${base}/assign`}
          class="stack-form"
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <Shown lead={lead} />
          <label>
            {owner ? 'Change assignment' : 'Assign to'}{' '}
            <select name="assigneeId">
              <option value="" selected={chosen === '' || chosen === 'none'}>
                Unassigned
              </option>
              {members.map((m) => (
                <option value={m.userId} selected={chosen === m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          {/* Kept with any change: sent to the new owner, or on unassigning to the previous one (assign.ts). */}
          <label>
            Handoff note{owner && p.noteRequired ? ' (required when reassigning)' : ' (optional)'}
            <textarea name="note" rows={3} placeholder="Why, and what the new owner needs to know">
              {p.kept?.note ?? ''}
            </textarea>
          </label>
          <button type="submit">{owner ? 'Save assignment' : 'Assign'}</button>
        </form>
      )}
      {manage && p.multipleAssignees && addable.length > 0 && !inThePool(lead) && (
        <form
          method="post"
          action={`${base}/assignees`}
          class="inline-form"
          hx-boost="true"
          hx-disabled-elt="find button"
        >
          <Shown lead={lead} />
          <label for="add-collaborator">Add a collaborator</label>
          <select name="userId" id="add-collaborator" required>
            <option value="" selected>
              Choose a member…
            </option>
            {addable.map((m) => (
              <option value={m.userId}>{m.name}</option>
            ))}
          </select>
          <button type="submit" class="secondary">
            Add collaborator
          </button>
        </form>
      )}
      {p.canClaim && p.away && <CannotClaimWhileAway {...p.away} />}
      {p.canClaim && !p.away && (
        <form method="post" action={`${base}/claim`} class="inline-form" hx-boost="true" hx-disabled-elt="find button">
          <button type="submit">Claim this lead</button>
        </form>
      )}
      {manage && lead.assignees.length === 0 && (
        <form method="post" action={`${base}/pool`} class="inline-form" hx-boost="true" hx-disabled-elt="find button">
          <Shown lead={lead} />
          <input type="hidden" name="inPool" value={lead.inPool ? '0' : '1'} />
          <button type="submit" class="secondary">
            {lead.inPool ? 'Take out of the pool' : 'Put in the pool'}
          </button>
          {!p.poolEnabled && <span class="muted"> Agents see the pool only once it is turned on in Settings.</span>}
        </form>
      )}
    </section>
  )
}

const REASON_LABELS: Record<Reason, string> = {
  'Owner role': 'Owner role',
  'Admin role': 'Admin role',
  assignee: 'assignee',
  collaborator: 'collaborator',
  former: 'former assignee',
  creator: 'created it',
  pool: 'in the pool',
}

export function WhoCanSee({ people }: { people: { userId: string; name: string; reasons: Reason[] }[] }) {
  return (
    <section id="who-can-see">
      <h2>Who can see this lead and why</h2>
      <ul>
        {people.map((p) => (
          <li data-member-id={p.userId} data-reasons={p.reasons.join(',')}>
            {p.name}: {p.reasons.map((r) => REASON_LABELS[r]).join(', ')}
          </li>
        ))}
      </ul>
    </section>
  )
}
