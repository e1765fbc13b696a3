/**
 * The lead list: filters, the results table (what htmx swaps on search, sorting and paging), each row
 * with its assignment menu (loaded when opened), and the bulk-actions bar. Without JavaScript every part
 * is a plain form or link.
 */
import { isManager, type Shell } from '../access/viewer'
import { LEAD_STATUSES, type LeadStatus } from '../db/schema'
import type { Member } from '../orgs/members'
import { Notice, type NoticeKind } from '../views/forms'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import { STATUS_LABELS } from '../views/labels'
import { DEFAULT_SORT, type Sort } from './filters'
import { matchExpression } from './search'
import { totalLabel, type LeadTotal } from './list-totals'
import { type LeadFilters, type LeadPage, type LeadRow } from './list-query'
import { AttentionFilter } from './attention-filter'

/** What a bulk action just did, or why it was refused. */
export type ListNotice = { text: string; kind: NoticeKind }

/** What the person had chosen in a refused bulk action or row menu: shown again as it was. */
export type KeptChoice = {
  leadIds?: string[]
  all?: boolean
  assigneeId?: string
  note?: string
  status?: string
}

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
 * What Owners and Admins get on the list: the assignee choices, and whether reassigning needs a
 * handoff note.
 */
export type Assigning = { members: Member[]; noteRequired: boolean }

/** Assignee choices; `none` unassigns (an empty value means nothing was chosen). */
function AssigneeOptions({ members, selected }: { members: Member[]; selected?: string | null }) {
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
}: {
  slug: string
  lead: LeadRow
  assigning?: Assigning
  /** What the row's menu just did ("Saved."). */
  notice?: string
  /** The row's box was ticked (a refused bulk action shows the selection again). */
  checked?: boolean
  /** The row's menu shown open, with what was chosen and why it was refused. */
  menu?: { kept: KeptChoice; error: string }
}) {
  const base = `/o/${slug}/leads`
  return (
    <tr data-lead-id={lead.id} id={`lead-row-${lead.id}`}>
      {assigning && (
        <td class="pick">
          <input type="checkbox" name="leadIds" value={lead.id} aria-label={`Select ${lead.name}`} checked={checked} />
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
      <td data-label="Created">
        <Time at={lead.createdAt} day />
      </td>
    </tr>
  )
}

function BulkBar({
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

/**
 * Column headers that sort the list: the link flips the direction of the column sorted now. A search lists its
 * matches in its own order (src/leads/search.ts), so while searching they are plain labels.
 */
function SortHeader({
  base,
  filters,
  column,
  label,
  firstDescending,
}: {
  base: string
  filters: LeadFilters
  column: 'name' | 'status' | 'activity' | 'created'
  label: string
  /** Newest / latest first when this column is first chosen (dates). */
  firstDescending?: boolean
}) {
  if (searching(filters)) return <th class="plain">{label}</th>
  const sort = filters.sort ?? DEFAULT_SORT
  const current = sort.replace('-', '') === column
  const down = sort.startsWith('-')
  const next: Sort = current ? (down ? column : `-${column}`) : firstDescending ? `-${column}` : column
  const href = `${base}${listQuery({ ...filters, sort: next === DEFAULT_SORT ? undefined : next, cursor: undefined })}`
  return (
    <th aria-sort={current ? (down ? 'descending' : 'ascending') : undefined}>
      <a href={href} hx-get={href} hx-target="#lead-results" hx-swap="outerHTML" hx-push-url="true">
        {label}
        {current && <span aria-hidden="true">{down ? ' ▼' : ' ▲'}</span>}
      </a>
    </th>
  )
}

/** Whether `filters` search the word index (a search text with a word), whose order replaces the sort. */
function searching(filters: LeadFilters): boolean {
  return Boolean(filters.q && matchExpression(filters.q))
}

/** The table, pager and forms: the part htmx swaps on search, sorting, paging and bulk actions. */
export function LeadResults({
  slug,
  page,
  filters,
  total,
  start,
  assigning,
  notice,
  kept,
}: {
  slug: string
  page: LeadPage
  filters: LeadFilters
  /** Leads matching the filters. */
  total: LeadTotal
  /** How many come before this page. */
  /** Leads before this page (null: not known, a later page of a search). */
  start: number | null
  assigning?: Assigning
  notice?: ListNotice
  kept?: KeptChoice
}) {
  const base = `/o/${slug}/leads`
  const next = page.nextCursor ? `${base}${listQuery({ ...filters, cursor: page.nextCursor })}` : null
  const first = filters.cursor ? `${base}${listQuery({ ...filters, cursor: undefined })}` : null
  const filtered = Boolean(
    filters.q ||
    filters.status ||
    filters.assignee ||
    filters.source ||
    filters.from ||
    filters.to ||
    filters.cursor ||
    filters.archived ||
    filters.attention,
  )
  const swap = { 'hx-target': '#lead-results', 'hx-swap': 'outerHTML' }
  const ticked = new Set(kept?.leadIds ?? [])
  const shown = page.leads.length
  const range =
    shown === 0
      ? '0'
      : start === null
        ? `${shown.toLocaleString('en')} more`
        : `${(start + 1).toLocaleString('en')}–${(start + shown).toLocaleString('en')}`
  return (
    <div id="lead-results">
      {notice && <Notice kind={notice.kind} text={notice.text} id="bulk-notice" />}
      <p class="list-total" data-total={totalLabel(total)}>
        {range} of {totalLabel(total)} {total.count === 1 && !total.more ? 'lead' : 'leads'}
        {searching(filters) && (
          <span class="list-order" data-order={page.broad ? 'newest' : 'best'}>
            {' '}
            ·{' '}
            {page.broad
              ? 'A broad search: most recently added first. Type more to see the best matches first.'
              : 'Best matches first.'}
          </span>
        )}
      </p>
      <form
        id="bulk-form"
        method="post"
        action={`${base}/bulk-assign`}
        hx-post={`${base}/bulk-assign`}
        hx-disabled-elt="find .bulk-bar button"
        hx-disinherit="*"
        {...swap}
      >
        {assigning && (
          <BulkBar base={base} filters={filters} assigning={assigning} total={total} shown={shown} kept={kept} />
        )}
        <table id="lead-list">
          <thead>
            <tr>
              {assigning && (
                <th class="pick">
                  <input type="checkbox" data-select-page aria-label="Select all leads on this page" />
                </th>
              )}
              <SortHeader base={base} filters={filters} column="name" label="Name" />
              <th class="plain">Company</th>
              <SortHeader base={base} filters={filters} column="status" label="Status" />
              <th class="plain">Assigned to</th>
              <SortHeader base={base} filters={filters} column="activity" label="Last activity" firstDescending />
              <SortHeader base={base} filters={filters} column="created" label="Created" firstDescending />
            </tr>
          </thead>
          <tbody>
            {page.leads.map((lead) => (
              <LeadRowView slug={slug} lead={lead} assigning={assigning} checked={ticked.has(lead.id)} />
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
      <nav class="pager" aria-label="Pages">
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
  total,
  start,
  assigning,
  filterMembers,
  counts,
  notice,
  kept,
}: {
  page: LeadPage
  filters: LeadFilters
  total: LeadTotal
  start: number | null
  assigning?: Assigning
  /** Every member, deactivated ones included, for the "Assigned to" filter (managers). */
  filterMembers: Member[]
  counts: Map<string, number>
  notice?: ListNotice
  kept?: KeptChoice
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/leads`
  const more = Boolean(filters.source || filters.from || filters.to)
  return (
    <>
      <div class="page-head">
        <h1>Leads</h1>
        <div class="page-actions">
          <a href={`${base}/export.csv${listQuery({ ...filters, cursor: undefined })}`}>Export CSV</a>
          <a class="button" href={`${base}/new`}>
            New lead
          </a>
        </div>
      </div>
      {/* public/app.js keeps one history entry per search and the fields in step with the address. */}
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
        <AssigneeFilter shell={shell} filters={filters} members={filterMembers} counts={counts} />
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
      <LeadResults
        slug={shell.org.slug}
        page={page}
        filters={filters}
        total={total}
        start={start}
        assigning={assigning}
        notice={notice}
        kept={kept}
      />
    </>
  )
}
