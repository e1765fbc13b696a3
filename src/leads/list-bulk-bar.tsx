/**
 * The lead list's bulk-actions bar (Owners and Admins): assign, set the status, put in the pool or unassign the
 * ticked leads or every lead matching the list's filters, which it carries (`match_*`) with the sort and page.
 */
import { LEAD_STATUSES } from '../db/schema'
import { STATUS_LABELS } from '../views/labels'
import type { LeadFilters } from './list-query'
import { totalLabel, type LeadTotal } from './list-totals'
import { AssigneeOptions, type Assigning, type KeptChoice } from './list-rows'

/** The bar inside the list's bulk form; `shown` is how many leads this page lists, `kept` what a refusal kept. */
export function BulkBar({
  base,
  filters,
  assigning,
  total,
  shown,
  kept,
}: {
  base: string
  filters: LeadFilters
  assigning: Assigning
  total: LeadTotal
  shown: number
  kept?: KeptChoice
}) {
  const count = kept?.all ? total.count : (kept?.leadIds?.length ?? 0)
  return (
    <div class="bulk-bar" role="group" aria-label="Bulk actions">
      <p class="bulk-count" aria-live="polite">
        <strong data-selected-count>
          {count > 0 ? `${count.toLocaleString('en')}${kept?.all && total.more ? '+' : ''} selected` : 'Selected leads'}
        </strong>
        {(total.more || total.count > shown) && (
          <label>
            <input
              type="checkbox"
              name="all"
              value="1"
              checked={kept?.all}
              data-count={total.count}
              data-more={total.more ? 'true' : undefined}
            />{' '}
            Select all {totalLabel(total)} leads matching this filter
          </label>
        )}
      </p>
      <div class="bulk-action">
        <label>
          Assign to team member
          <select name="assigneeId">
            <option value="" selected={!kept?.assigneeId}>
              Choose…
            </option>
            <AssigneeOptions members={assigning.members} selected={kept?.assigneeId || undefined} />
          </select>
        </label>
        <label>
          Handoff note{assigning.noteRequired ? ' (required for leads that change hands)' : ' (optional)'}
          <textarea name="note" maxlength={2000} rows={2}>
            {kept?.note ?? ''}
          </textarea>
        </label>
        <button type="submit" formaction={`${base}/bulk-assign`}>
          Assign
        </button>
      </div>
      <div class="bulk-action">
        <label>
          Status
          <select name="status">
            <option value="" selected={!kept?.status}>
              Choose…
            </option>
            {LEAD_STATUSES.map((s) => (
              <option value={s} selected={kept?.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" formaction={`${base}/bulk-status`}>
          Set status
        </button>
      </div>
      <div class="bulk-action">
        <button type="submit" class="secondary" formaction={`${base}/bulk-pool`}>
          Put in the pool
        </button>
        <button type="submit" class="secondary" formaction={`${base}/bulk-unassign`}>
          Unassign
        </button>
      </div>
      {/* The list's filters, for "select all matching" (named apart from the search box's own fields). */}
      {(['q', 'status', 'assignee', 'attention', 'source', 'from', 'to'] as const).map(
        (key) => filters[key] && <input type="hidden" name={`match_${key}`} value={filters[key]} />,
      )}
      {filters.archived && <input type="hidden" name="match_archived" value="1" />}
      {/* The sort and page shown: the bulk action's answer shows the same page. */}
      {filters.sort && <input type="hidden" name="match_sort" value={filters.sort} />}
      {filters.cursor && <input type="hidden" name="match_cursor" value={filters.cursor} />}
    </div>
  )
}
