/**
 * The lead list page and its results (what htmx swaps on search, sorting, paging and bulk actions): the table
 * with its sorting headers, the pager, and the bulk bar's form (a row's menu brings its own form when it is opened).
 * Rows: list-rows.tsx; bulk bar: list-bulk-bar.tsx; filters: list-filters.tsx. Without JavaScript every part is a
 * plain form or link.
 */
import type { Member } from '../orgs/members'
import { Notice, type NoticeKind } from '../views/forms'
import { useShell } from '../views/layout'
import { DEFAULT_SORT, type Sort } from './filters'
import { matchExpression } from './search'
import { totalLabel, type LeadTotal } from './list-totals'
import type { LeadFilters, LeadPage } from './list-query'
import { BulkBar } from './list-bulk-bar'
import { LeadFilterForm, listQuery } from './list-filters'
import { LeadRowView, type Assigning, type KeptChoice } from './list-rows'
import type { Aging } from './unassigned-age'

/** What a bulk action just did, or why it was refused. */
export type ListNotice = { text: string; kind: NoticeKind }

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
  column: 'name' | 'status' | 'activity' | 'first-touch' | 'created'
  label: string
  /** Newest / latest first when this column is first chosen (dates). */
  firstDescending?: boolean
}) {
  if (searching(filters)) return <th class="plain">{label}</th>
  const sort = filters.sort ?? DEFAULT_SORT
  const current = sort.replace(/^-/, '') === column
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
  aging,
}: {
  slug: string
  page: LeadPage
  filters: LeadFilters
  /** Leads matching the filters. */
  total: LeadTotal
  /** What unassigned leads' waits are shown against (leads/unassigned-age.tsx). */
  aging: Aging
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
        {range} of{' '}
        <span data-total-count>
          {totalLabel(total)} {total.count === 1 && !total.more ? 'lead' : 'leads'}
        </span>
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
              <SortHeader base={base} filters={filters} column="first-touch" label="First touch" />
              <SortHeader base={base} filters={filters} column="created" label="Created" firstDescending />
            </tr>
          </thead>
          <tbody>
            {page.leads.map((lead) => (
              <LeadRowView slug={slug} lead={lead} assigning={assigning} checked={ticked.has(lead.id)} aging={aging} />
            ))}
          </tbody>
        </table>
      </form>
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

/** `GET /o/{slug}/leads`: the heading and its actions, the filters, and the results. */
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
  aging,
}: {
  page: LeadPage
  filters: LeadFilters
  total: LeadTotal
  aging: Aging
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
      <LeadFilterForm shell={shell} filters={filters} members={filterMembers} counts={counts} />
      <LeadResults
        slug={shell.org.slug}
        page={page}
        filters={filters}
        total={total}
        start={start}
        assigning={assigning}
        notice={notice}
        kept={kept}
        aging={aging}
      />
    </>
  )
}
