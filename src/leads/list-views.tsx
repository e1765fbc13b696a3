/**
 * The lead list: filters, the results table (what htmx swaps on search and paging), each row with
 * its assignment menu, and the bulk-actions bar. Without JavaScript every part is a plain form.
 */
import { isManager, type Shell } from '../access/viewer'
import { LEAD_STATUSES, type LeadStatus } from '../db/schema'
import type { Member } from '../orgs/members'
import { Layout, useShell } from '../views/layout'
import { Time } from '../views/time'
import { STATUS_LABELS } from '../views/labels'
import { totalLabel, type LeadFilters, type LeadPage, type LeadRow, type LeadTotal } from './leads'
import { AttentionFilter } from './attention-filter'

/** What a bulk action just did, or why it was refused (`error`). */
export type ListNotice = { text: string; error?: boolean }

/** Query string for the list with `filters` (only non-empty ones), e.g. `?q=acme&status=new`. */
export function listQuery(filters: LeadFilters): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value === true ? '1' : String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function StatusBadge({ status }: { status: LeadStatus }) {
  return <span class={`status status-${status}`}>{STATUS_LABELS[status]}</span>
}

/**
 * What Owners and Admins get on the list: the assignee choices, the count for "select all", and
 * whether reassigning needs a handoff note.
 */
export type Assigning = { members: Member[]; total: LeadTotal; noteRequired: boolean }

/** Assignee choices; `none` unassigns (an empty value means nothing was chosen). */
function AssigneeOptions({ members, selected }: { members: Member[]; selected?: string | null }) {
  return (
    <>
      <option value="none" selected={selected === null}>
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

/** One row; also the htmx answer to an assignment made from the row's menu. */
export function LeadRowView({
  slug,
  lead,
  assigning,
  notice,
}: {
  slug: string
  lead: LeadRow
  assigning?: Assigning
  notice?: string
}) {
  const formId = `assign-${lead.id}`
  return (
    <tr data-lead-id={lead.id} id={`lead-row-${lead.id}`}>
      {assigning && (
        <td>
          <input type="checkbox" name="leadIds" value={lead.id} aria-label={`Select ${lead.name}`} />
        </td>
      )}
      <td>
        <a href={`/o/${slug}/leads/${lead.id}`}>{lead.name}</a>
      </td>
      <td>{lead.email}</td>
      <td>{lead.company}</td>
      <td>{lead.phone}</td>
      <td>
        <StatusBadge status={lead.status} />
      </td>
      <td>
        {lead.ownerId ? (
          <span data-assignee-id={lead.ownerId}>{lead.ownerName}</span>
        ) : (
          <span class="muted">{lead.inPool ? 'In pool' : 'Unassigned'}</span>
        )}
        {notice && (
          <span class="row-notice" role="status">
            {' '}
            {notice}
          </span>
        )}
        {assigning && (
          <details class="row-menu">
            <summary>{lead.ownerId ? 'Change assignment' : 'Assign to…'}</summary>
            <select name="assigneeId" form={formId} aria-label={`Assign ${lead.name} to`}>
              <AssigneeOptions members={assigning.members} selected={lead.ownerId} />
            </select>
            {lead.ownerId && (
              <input
                name="note"
                form={formId}
                maxlength={2000}
                placeholder={assigning.noteRequired ? 'Handoff note (required)' : 'Handoff note (optional)'}
                aria-label="Handoff note"
              />
            )}
            <button type="submit" form={formId} class="secondary">
              Save
            </button>
          </details>
        )}
      </td>
      <td>
        <Time at={lead.createdAt} />
      </td>
    </tr>
  )
}

function BulkBar({ filters, assigning, shown }: { filters: LeadFilters; assigning: Assigning; shown: number }) {
  return (
    <div class="bulk-bar" role="group" aria-label="Bulk actions">
      <strong>Bulk actions</strong>
      <label>
        Assign to team member{' '}
        <select name="assigneeId" required>
          <option value="" selected>
            Choose…
          </option>
          <AssigneeOptions members={assigning.members} selected={undefined} />
        </select>
      </label>
      <label>
        Handoff note{' '}
        <input
          name="note"
          placeholder={assigning.noteRequired ? 'Required for leads that change hands' : 'Optional'}
          maxlength={2000}
        />
      </label>
      {(assigning.total.more || assigning.total.count > shown) && (
        <label>
          <input type="checkbox" name="all" value="1" /> Select all {totalLabel(assigning.total)} leads matching this
          filter
        </label>
      )}
      {/* The list's filters, for "select all matching" (named apart from the search box's own fields). */}
      {(['q', 'status', 'assignee', 'attention'] as const).map(
        (key) => filters[key] && <input type="hidden" name={`match_${key}`} value={filters[key]} />,
      )}
      {filters.archived && <input type="hidden" name="match_archived" value="1" />}
      <button type="submit">Apply</button>
    </div>
  )
}

/** The table, pager and forms: the part htmx swaps on search, paging and bulk actions. */
export function LeadResults({
  slug,
  page,
  filters,
  assigning,
  notice,
}: {
  slug: string
  page: LeadPage
  filters: LeadFilters
  assigning?: Assigning
  notice?: ListNotice
}) {
  const base = `/o/${slug}/leads`
  const next = page.nextCursor ? `${base}${listQuery({ ...filters, cursor: page.nextCursor })}` : null
  const first = filters.cursor ? `${base}${listQuery({ ...filters, cursor: undefined })}` : null
  const filtered = Boolean(
    filters.q || filters.status || filters.assignee || filters.cursor || filters.archived || filters.attention,
  )
  const swap = { 'hx-target': '#lead-results', 'hx-swap': 'outerHTML' }
  return (
    <div id="lead-results">
      {notice && (
        <p class={notice.error ? 'alert' : 'notice'} role={notice.error ? 'alert' : 'status'} id="bulk-notice">
          {notice.text}
        </p>
      )}
      <form
        id="bulk-form"
        method="post"
        action={`${base}/bulk-assign`}
        hx-post={`${base}/bulk-assign`}
        hx-disabled-elt="find button"
        {...swap}
      >
        {assigning && <BulkBar filters={filters} assigning={assigning} shown={page.leads.length} />}
        <table id="lead-list">
          <thead>
            <tr>
              {assigning && <th aria-label="Select"></th>}
              <th>Name</th>
              <th>Email</th>
              <th>Company</th>
              <th>Phone</th>
              <th>Status</th>
              <th>Assigned to</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {page.leads.map((lead) => (
              <LeadRowView slug={slug} lead={lead} assigning={assigning} />
            ))}
          </tbody>
        </table>
      </form>
      {assigning &&
        page.leads.map((lead) => (
          <form
            id={`assign-${lead.id}`}
            method="post"
            action={`${base}/${lead.id}/assign`}
            hx-post={`${base}/${lead.id}/assign`}
            hx-target={`#lead-row-${lead.id}`}
            hx-swap="outerHTML"
            hx-disabled-elt={`button[form="assign-${lead.id}"]`}
          >
            <input type="hidden" name="from" value="list" />
          </form>
        ))}
      {page.leads.length === 0 && (
        <p class="empty">
          {filtered
            ? 'No leads match these filters.'
            : assigning
              ? 'No leads yet. '
              : 'No leads for you yet: leads assigned to you, the ones you create, and the pool (when it is on) show here. '}
          {!filtered && (
            <>
              <a href={`${base}/new`}>Add a lead</a> or <a href={`${base}/import`}>import a CSV file</a>.
            </>
          )}
        </p>
      )}
      <nav class="pager">
        {first && (
          <a href={first} hx-get={first} hx-push-url="true" {...swap}>
            ← First page
          </a>
        )}
        {next && (
          <a href={next} hx-get={next} hx-push-url="true" rel="next" {...swap}>
            Next page →
          </a>
        )}
      </nav>
    </div>
  )
}

/** The "Assigned to" filter: Agents get Mine and, when allowed, Pool; managers every member with counts. */
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
      {manager && option('unassigned', 'Unassigned')}
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

export function LeadListPage({
  page,
  filters,
  assigning,
  filterMembers,
  counts,
  notice,
}: {
  page: LeadPage
  filters: LeadFilters
  assigning?: Assigning
  /** Every member, deactivated ones included, for the "Assigned to" filter (managers). */
  filterMembers: Member[]
  counts: Map<string, number>
  notice?: ListNotice
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/leads`
  return (
    <Layout title="Leads">
      <div class="page-head">
        <h1>Leads</h1>
        <div>
          <a href={`${base}/export.csv${listQuery({ ...filters, cursor: undefined })}`}>Export CSV</a>{' '}
          <a class="button" href={`${base}/new`}>
            New lead
          </a>
        </div>
      </div>
      <form
        class="filters"
        method="get"
        action={base}
        role="search"
        hx-get={base}
        hx-target="#lead-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="input changed delay:300ms from:input[name=q], change, submit"
      >
        <input
          type="search"
          name="q"
          value={filters.q ?? ''}
          maxlength={200}
          placeholder="Search name, email, company"
          aria-label="Search"
        />
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {LEAD_STATUSES.map((s) => (
            <option value={s} selected={filters.status === s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <AssigneeFilter shell={shell} filters={filters} members={filterMembers} counts={counts} />
        {isManager(shell) && <AttentionFilter value={filters.attention} />}
        <label class="check">
          <input type="checkbox" name="archived" value="1" checked={filters.archived} /> Archived
        </label>
        <button type="submit">Filter</button>
      </form>
      <LeadResults slug={shell.org.slug} page={page} filters={filters} assigning={assigning} notice={notice} />
    </Layout>
  )
}
