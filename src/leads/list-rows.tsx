/**
 * The lead list's rows: the status badge, each lead's row with its assignment menu (loaded when opened), and
 * the choices a refused bulk action or row menu shows again.
 */
import type { LeadStatus } from '../db/schema'
import type { Member } from '../orgs/members'
import { Time } from '../views/time'
import { STATUS_LABELS } from '../views/labels'
import type { LeadRow } from './list-query'
import { UnassignedAge, type Aging } from './unassigned-age'
import { FirstTouchCell } from './first-touch'
import { decodeHolders, encodeHolders, SHOWN_HOLDERS, shownHoldersOf } from './holders'

/** What the person had chosen in a refused bulk action or row menu: shown again as it was. */
export type KeptChoice = {
  leadIds?: string[]
  all?: boolean
  assigneeId?: string
  note?: string
  status?: string
}

/** A lead's status as a badge (the list's rows, the lead page). */
export function StatusBadge({ status }: { status: LeadStatus }) {
  return <span class={`status status-${status}`}>{STATUS_LABELS[status]}</span>
}

/**
 * What Owners and Admins get on the list: the assignee choices, and whether reassigning needs a
 * handoff note.
 */
export type Assigning = { members: Member[]; noteRequired: boolean }

/** Assignee choices; `none` unassigns (an empty value means nothing was chosen). */
export function AssigneeOptions({ members, selected }: { members: Member[]; selected?: string | null }) {
  return (
    <>
      <option value="none" selected={selected === null || selected === 'none'}>
        Unassigned
      </option>
      {members.map((m) => (
        <option value={m.userId} selected={selected === m.userId}>
          {m.name}
        </option>
      ))}
    </>
  )
}

/**
 * The inside of a row's assignment menu (loaded when the menu is opened, or shown open again with the
 * reason after a refusal): its fields belong to the row's own form (`assign-{leadId}`), outside the
 * bulk form.
 */
export function RowMenuBody({
  lead,
  assigning,
  kept,
  error,
}: {
  lead: Pick<LeadRow, 'id' | 'name' | 'ownerId'>
  assigning: Assigning
  kept?: KeptChoice
  error?: string
}) {
  const formId = `assign-${lead.id}`
  const selected = kept?.assigneeId ?? lead.ownerId
  return (
    <div class="row-menu-body">
      {error && (
        <p class="error" role="alert" data-error-for="form">
          {error}
        </p>
      )}
      <label>
        Assign to
        <select name="assigneeId" form={formId}>
          <AssigneeOptions members={assigning.members} selected={selected} />
        </select>
      </label>
      <label>
        Handoff note{lead.ownerId && assigning.noteRequired ? ' (required)' : ' (optional)'}
        <textarea name="note" form={formId} maxlength={2000} rows={3}>
          {kept?.note ?? ''}
        </textarea>
      </label>
      <button type="submit" form={formId} class="secondary">
        Save
      </button>
    </div>
  )
}

/** One row; also the htmx answer to an assignment made from the row's menu. */
export function LeadRowView({
  slug,
  lead,
  assigning,
  notice,
  checked,
  menu,
  aging,
}: {
  slug: string
  lead: LeadRow
  assigning?: Assigning
  /** The clock and setting an unassigned lead's wait is shown against (absent: just "Unassigned"). */
  aging?: Aging
  /** What the row's menu just did ("Saved."). */
  notice?: string
  /** The row's box was ticked (a refused bulk action shows the selection again). */
  checked?: boolean
  /** The row's menu shown open, with what was chosen and why it was refused. */
  menu?: { kept: KeptChoice; error: string }
}) {
  const base = `/o/${slug}/leads`
  // Who held the lead as this row showed it: its menu's and the bulk bar's changes are refused or skipped when
  // someone changed that meanwhile (leads/holders.ts).
  const holders = encodeHolders(decodeHolders(lead.holders) ?? [])
  return (
    <tr data-lead-id={lead.id} id={`lead-row-${lead.id}`}>
      {assigning && (
        <td class="pick">
          <input type="checkbox" name="leadIds" value={lead.id} aria-label={`Select ${lead.name}`} checked={checked} />
          <input type="hidden" name={shownHoldersOf(lead.id)} value={holders} />
          <input type="hidden" name={SHOWN_HOLDERS} value={holders} form={`assign-${lead.id}`} />
        </td>
      )}
      <td class="lead-name">
        <a href={`${base}/${lead.id}`}>{lead.name}</a>
        {lead.email && <span class="sub">{lead.email}</span>}
      </td>
      <td data-label="Company">{lead.company}</td>
      <td data-label="Status">
        <StatusBadge status={lead.status} />
      </td>
      <td data-label="Assigned to" class="assigned">
        {lead.ownerId ? (
          <span data-assignee-id={lead.ownerId}>{lead.ownerName}</span>
        ) : aging && lead.unassignedSince !== null ? (
          <UnassignedAge since={lead.unassignedSince} aging={aging} />
        ) : (
          <span class="muted">{lead.inPool ? 'In pool' : 'Unassigned'}</span>
        )}
        {lead.collaborators > 0 && (
          <span
            class="plus"
            title={`and ${lead.collaborators} ${lead.collaborators === 1 ? 'collaborator' : 'collaborators'}`}
          >
            {' '}
            +{lead.collaborators}
          </span>
        )}
        {notice && (
          <span class="row-notice" role="status">
            {' '}
            {notice}
          </span>
        )}
        {assigning && (
          <details
            class="row-menu"
            open={menu ? true : undefined}
            hx-get={menu ? undefined : `${base}/${lead.id}/assign-menu`}
            hx-trigger={menu ? undefined : 'toggle once'}
            hx-target={menu ? undefined : 'find .row-menu-body'}
            hx-swap={menu ? undefined : 'outerHTML'}
          >
            <summary>{lead.ownerId ? 'Change assignment' : 'Assign to…'}</summary>
            {menu ? (
              <RowMenuBody lead={lead} assigning={assigning} kept={menu.kept} error={menu.error} />
            ) : (
              <div class="row-menu-body">
                <a href={`${base}/${lead.id}#assignment`}>Assign on the lead page</a>
              </div>
            )}
          </details>
        )}
      </td>
      <td data-label="Last activity">
        <Time at={lead.lastActivityAt} day />
      </td>
      <td data-label="First touch" data-first-touch>
        <FirstTouchCell arrivedAt={lead.createdAt} touchedAt={lead.firstTouchedAt} />
      </td>
      <td data-label="Created">
        <Time at={lead.createdAt} day />
      </td>
    </tr>
  )
}
