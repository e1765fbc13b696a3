/**
 * The lead list's rows: the status badge, each lead's row with its assignment menu (loaded when opened, with the
 * form it posts with), and the choices a refused bulk action or row menu shows again.
 */
import type { LeadStatus } from '../db/schema'
import type { Member } from '../orgs/members'
import { dayCell } from '../views/time'
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

/** The id of the form a row's menu posts with: `assign-{leadId}`, outside the bulk form (`RowMenuForm`). */
export const rowFormId = (leadId: string) => `assign-${leadId}`

/**
 * The inside of a row's assignment menu (loaded when the menu is opened, or shown open again with the
 * reason after a refusal): its fields belong to the row's own form (`RowMenuForm`, outside the bulk form), and
 * carry `holders`, who held the lead as the row showed it (leads/holders.ts; absent: unchecked).
 */
export function RowMenuBody({
  lead,
  holders,
  assigning,
  kept,
  error,
}: {
  lead: Pick<LeadRow, 'id' | 'name' | 'ownerId'>
  holders?: string
  assigning: Assigning
  kept?: KeptChoice
  error?: string
}) {
  const formId = rowFormId(lead.id)
  const selected = kept?.assigneeId ?? lead.ownerId
  return (
    <div class="row-menu-body">
      {error && (
        <p class="error" role="alert" data-error-for="form">
          {error}
        </p>
      )}
      {holders !== undefined && <input type="hidden" name={SHOWN_HOLDERS} value={holders} form={formId} />}
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

/**
 * The form a row's menu posts with (the menu's fields name it): sent with the menu when it is loaded, out of band to
 * the end of the list's results, since a form cannot sit inside the bulk form that holds the rows. Its answer is the
 * row (`from=list`).
 */
export function RowMenuForm({ base, leadId }: { base: string; leadId: string }) {
  const formId = rowFormId(leadId)
  return (
    <div hx-swap-oob="beforeend:#lead-results">
      <form
        id={formId}
        method="post"
        action={`${base}/${leadId}/assign`}
        hx-post={`${base}/${leadId}/assign`}
        hx-target={`#lead-list tr[data-lead-id="${leadId}"]`}
        hx-swap="outerHTML"
        hx-disabled-elt={`button[form="${formId}"]`}
      >
        <input type="hidden" name="from" value="list" />
      </form>
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
  const [lastActivity, created] = [dayCell(lead.lastActivityAt), dayCell(lead.createdAt)]
  return (
    <tr data-lead-id={lead.id}>
      {assigning && (
        <td class="pick">
          <input type="checkbox" name="leadIds" value={lead.id} aria-label={`Select ${lead.name}`} checked={checked} />
          <input type="hidden" name={shownHoldersOf(lead.id)} value={holders} />
        </td>
      )}
      <td class="lead-name">
        <a href={`${base}/${lead.id}`}>{lead.name}</a>
        {lead.email}
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
          // Its body is loaded when it is opened (public/app.js, "Row menus"): until then two elements. A refusal shows
          // it open again with what was chosen and the holders now. Without JavaScript it is hidden (public/app.css):
          // the lead's name links to its page, where assignment works.
          <details class="row-menu" open={menu ? true : undefined}>
            <summary>{lead.ownerId ? 'Change assignment' : 'Assign to…'}</summary>
            {menu && (
              <RowMenuBody lead={lead} holders={holders} assigning={assigning} kept={menu.kept} error={menu.error} />
            )}
          </details>
        )}
      </td>
      <td data-label="Last activity" {...lastActivity.attributes}>
        {lastActivity.text}
      </td>
      <FirstTouchCell wait={lead.firstTouchWait} />
      <td data-label="Created" {...created.attributes}>
        {created.text}
      </td>
    </tr>
  )
}
