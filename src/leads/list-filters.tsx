/** The lead list's filters: the query string they make, the "Assigned to" choice, and the filter form. */
import { isManager, type Shell } from '../access/viewer'
import { LEAD_STATUSES } from '../db/schema'
import type { Member } from '../orgs/members'
import { STATUS_LABELS } from '../views/labels'
import { UNASSIGNED } from './assignee-choices'
import { AttentionFilter } from './attention-filter'
import type { LeadFilters } from './list-query'

/** Query string for the list with `filters` (only non-empty ones), e.g. `?q=acme&status=new`. */
export function listQuery(filters: LeadFilters): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value === true ? '1' : String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** The "Assigned to" filter: Agents get Mine and, when allowed, Pool; managers Unassigned and every member, with counts. */
export function AssigneeFilter({
  shell,
  filters,
  members,
  counts,
  oob,
}: {
  shell: Shell
  filters: LeadFilters
  members: Member[]
  counts: Map<string, number>
  /** Render for an htmx out-of-band swap (fresh counts after an assignment). */
  oob?: boolean
}) {
  const manager = isManager(shell)
  const option = (value: string, label: string) => (
    <option value={value} selected={(filters.assignee ?? '') === value}>
      {label}
    </option>
  )
  return (
    <select name="assignee" aria-label="Assigned to" id="assignee-filter" hx-swap-oob={oob ? 'true' : undefined}>
      {option('', manager ? 'Anyone' : 'All leads I can see')}
      {option('me', 'Assigned to me')}
      {(manager || shell.org.poolEnabled) && option('pool', 'In the pool')}
      {manager && option(UNASSIGNED, `Unassigned (${counts.get(UNASSIGNED) ?? 0})`)}
      {manager &&
        members.map((m) =>
          option(
            m.userId,
            `Assigned to ${m.name}${m.status === 'active' ? '' : ' (deactivated)'} (${counts.get(m.userId) ?? 0})`,
          ),
        )}
    </select>
  )
}

/**
 * The list's filters (a GET form: search text, status, assignee, attention for managers, source and dates,
 * archived), which htmx sends as they change; `members` and `counts` feed the "Assigned to" choices.
 */
export function LeadFilterForm({
  shell,
  filters,
  members,
  counts,
}: {
  shell: Shell
  filters: LeadFilters
  /** Every member, deactivated ones included (managers). */
  members: Member[]
  counts: Map<string, number>
}) {
  const base = `/o/${shell.org.slug}/leads`
  const more = Boolean(filters.source || filters.from || filters.to)
  // public/app.js keeps one history entry per search and the fields in step with the address.
  return (
    <form
      class="filters"
      id="lead-filters"
      method="get"
      action={base}
      role="search"
      hx-get={base}
      hx-target="#lead-results"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-sync="this:replace"
      hx-trigger="input changed delay:400ms from:input[name=q], change, submit"
    >
      <input
        type="search"
        name="q"
        value={filters.q ?? ''}
        maxlength={200}
        placeholder="Search name, email, company"
        aria-label="Search"
        autocomplete="off"
      />
      <select name="status" aria-label="Status">
        <option value="">Any status</option>
        {LEAD_STATUSES.map((s) => (
          <option value={s} selected={filters.status === s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>
      <AssigneeFilter shell={shell} filters={filters} members={members} counts={counts} />
      {isManager(shell) && <AttentionFilter value={filters.attention} />}
      <details class="more-filters" open={more ? true : undefined}>
        <summary>Source and dates</summary>
        <div class="more-fields">
          <label>
            Source
            <input name="source" value={filters.source ?? ''} maxlength={100} placeholder="e.g. Website" />
          </label>
          <label>
            Created from
            <input type="date" name="from" value={filters.from ?? ''} />
          </label>
          <label>
            to
            <input type="date" name="to" value={filters.to ?? ''} />
          </label>
        </div>
      </details>
      <label class="check">
        <input type="checkbox" name="archived" value="1" checked={filters.archived} /> Archived
      </label>
      <input type="hidden" name="sort" value={filters.sort ?? ''} />
      <button type="submit">Filter</button>
    </form>
  )
}
