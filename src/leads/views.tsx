/** Lead pages: list (with its htmx fragment), create form, detail with the actions the policy allows. */
import { Timeline } from '../activity/timeline'
import type { TimelineItem } from '../activity/activities'
import { LEAD_STATUSES, type LeadStatus } from '../db/schema'
import type { FormValues } from '../lib/validation'
import type { Member } from '../orgs/members'
import { Field, FieldError, FormAlert, type FieldErrors } from '../views/forms'
import { Layout, type Shell } from '../views/layout'
import { Time } from '../views/time'
import { STATUS_LABELS } from './fields'
import type { LeadDetail, LeadFilters, LeadPage } from './leads'

/** Query string for the list with `filters` (only non-empty ones), e.g. `?q=acme&status=new`. */
export function listQuery(filters: LeadFilters): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

function StatusBadge({ status }: { status: LeadStatus }) {
  return <span class={`status status-${status}`}>{STATUS_LABELS[status]}</span>
}

/** The table and pager: the part htmx swaps on search and pagination. */
export function LeadResults({ slug, page, filters }: { slug: string; page: LeadPage; filters: LeadFilters }) {
  const base = `/o/${slug}/leads`
  const next = page.nextCursor ? `${base}${listQuery({ ...filters, cursor: page.nextCursor })}` : null
  const first = filters.cursor ? `${base}${listQuery({ ...filters, cursor: undefined })}` : null
  const filtered = Boolean(filters.q || filters.status || filters.assignee || filters.cursor)
  return (
    <div id="lead-results">
      <table id="lead-list">
        <thead>
          <tr>
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
            <tr data-lead-id={lead.id}>
              <td>
                <a href={`${base}/${lead.id}`}>{lead.name}</a>
              </td>
              <td>{lead.email}</td>
              <td>{lead.company}</td>
              <td>{lead.phone}</td>
              <td>
                <StatusBadge status={lead.status} />
              </td>
              <td>{lead.ownerName ?? <span class="muted">{lead.inPool ? 'In pool' : 'Unassigned'}</span>}</td>
              <td>
                <Time at={lead.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.leads.length === 0 && (
        <p class="empty">
          {filtered ? 'No leads match these filters.' : 'No leads yet. '}
          {!filtered && (
            <>
              <a href={`${base}/new`}>Add a lead</a> or <a href={`${base}/import`}>import a CSV file</a>.
            </>
          )}
        </p>
      )}
      <nav class="pager">
        {first && (
          <a href={first} hx-get={first} hx-target="#lead-results" hx-swap="outerHTML" hx-push-url="true">
            ← First page
          </a>
        )}
        {next && (
          <a href={next} hx-get={next} hx-target="#lead-results" hx-swap="outerHTML" hx-push-url="true" rel="next">
            Next page →
          </a>
        )}
      </nav>
    </div>
  )
}

/** The "Assigned to" choices of the list filter: Agents get Mine and, when allowed, Pool. */
function AssigneeFilter({ shell, filters, members }: { shell: Shell; filters: LeadFilters; members: Member[] }) {
  const manager = shell.role === 'owner' || shell.role === 'admin'
  const option = (value: string, label: string) => (
    <option value={value} selected={(filters.assignee ?? '') === value}>
      {label}
    </option>
  )
  return (
    <select name="assignee" aria-label="Assigned to">
      {option('', manager ? 'Anyone' : 'All my leads')}
      {option('me', 'Assigned to me')}
      {(manager || shell.org.poolEnabled) && option('pool', 'In the pool')}
      {manager && option('unassigned', 'Unassigned')}
      {manager && members.map((m) => option(m.userId, `Assigned to ${m.name}`))}
    </select>
  )
}

export function LeadListPage({ page, filters, members, ...shell }: Shell & { page: LeadPage; filters: LeadFilters; members: Member[] }) {
  const base = `/o/${shell.org.slug}/leads`
  return (
    <Layout title="Leads" {...shell}>
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
        hx-trigger="input changed delay:300ms from:input[name=q], change from:select, submit"
      >
        <input type="search" name="q" value={filters.q ?? ''} placeholder="Search name, email, company" aria-label="Search" />
        <select name="status" aria-label="Status">
          <option value="">Any status</option>
          {LEAD_STATUSES.map((s) => (
            <option value={s} selected={filters.status === s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <AssigneeFilter shell={shell} filters={filters} members={members} />
        <button type="submit">Filter</button>
      </form>
      <LeadResults slug={shell.org.slug} page={page} filters={filters} />
    </Layout>
  )
}

export function NewLeadPage({
  values = {},
  errors,
  duplicate,
  ...shell
}: Shell & { values?: FormValues; errors?: FieldErrors; duplicate?: { id: string; name: string } }) {
  return (
    <Layout title="New lead" {...shell}>
      <section class="card narrow">
        <h1>New lead</h1>
        {duplicate && (
          <p class="notice">
            That email belongs to <a href={`/o/${shell.org.slug}/leads/${duplicate.id}`}>{duplicate.name}</a>.
          </p>
        )}
        <form method="post" action={`/o/${shell.org.slug}/leads`} novalidate>
          <Field label="Name" name="name" value={values.name} errors={errors} required />
          <Field label="Email" name="email" type="email" value={values.email} errors={errors} />
          <Field label="Phone" name="phone" type="tel" value={values.phone} errors={errors} />
          <Field label="Company" name="company" value={values.company} errors={errors} />
          <Field label="Source" name="source" value={values.source} errors={errors} />
          <label class="field">
            <span>Status</span>
            <select name="status">
              {LEAD_STATUSES.map((s) => (
                <option value={s} selected={(values.status || 'new') === s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
            <FieldError errors={errors} name="status" />
          </label>
          <button type="submit">Create lead</button>
        </form>
      </section>
    </Layout>
  )
}

/** What the viewer may do on the lead page (from the lead policy). */
export type LeadActions = { edit: boolean; assign: boolean; claim: boolean; pool: boolean }

function AssignmentPanel({ lead, actions, members, base }: { lead: LeadDetail; actions: LeadActions; members: Member[]; base: string }) {
  const owner = lead.assignees.find((a) => a.kind === 'primary')
  return (
    <section class="assignment">
      <h2>Assigned to</h2>
      <ul class="assignees">
        {lead.assignees.length === 0 ? (
          <li>{lead.inPool ? 'Unassigned — in the pool' : 'Unassigned'}</li>
        ) : (
          lead.assignees.map((a) => (
            <li data-assignee-id={a.userId}>
              {a.name}
              {a.kind === 'collaborator' && ' (collaborator)'}
            </li>
          ))
        )}
      </ul>
      {actions.assign && (
        <form method="post" action={`${base}/assign`} class="inline-form">
          <select name="assigneeId" aria-label="Assign to">
            <option value="">Unassigned</option>
            {members.map((m) => (
              <option value={m.userId} selected={owner?.userId === m.userId}>
                {m.name}
              </option>
            ))}
          </select>
          {owner && <input name="note" placeholder="Handoff note (why, and what the new owner needs to know)" aria-label="Handoff note" />}
          <button type="submit">{owner ? 'Change assignment' : 'Assign'}</button>
        </form>
      )}
      {actions.claim && (
        <form method="post" action={`${base}/claim`} class="inline-form">
          <button type="submit">Claim this lead</button>
        </form>
      )}
      {actions.pool && lead.assignees.length === 0 && (
        <form method="post" action={`${base}/pool`} class="inline-form">
          <input type="hidden" name="inPool" value={lead.inPool ? '0' : '1'} />
          <button type="submit" class="secondary">
            {lead.inPool ? 'Take out of the pool' : 'Put in the pool'}
          </button>
        </form>
      )}
    </section>
  )
}

export function LeadDetailPage({
  lead,
  items,
  actions,
  members,
  alert,
  ...shell
}: Shell & { lead: LeadDetail; items: TimelineItem[]; actions: LeadActions; members: Member[]; alert?: string }) {
  const base = `/o/${shell.org.slug}/leads/${lead.id}`
  return (
    <Layout title={lead.name} {...shell}>
      <p>
        <a href={`/o/${shell.org.slug}/leads`}>← All leads</a>
      </p>
      <FormAlert message={alert} />
      <div class="lead-grid">
        <section class="card">
          <h1>{lead.name}</h1>
          {actions.edit ? (
            <form method="post" action={`${base}/status`} class="inline-form">
              <select name="status" aria-label="Status">
                {LEAD_STATUSES.map((s) => (
                  <option value={s} selected={lead.status === s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
              <button type="submit" class="secondary">
                Update status
              </button>
            </form>
          ) : (
            <StatusBadge status={lead.status} />
          )}
          <dl class="facts">
            <dt>Email</dt>
            <dd>{lead.email ? <a href={`mailto:${lead.email}`}>{lead.email}</a> : '—'}</dd>
            <dt>Phone</dt>
            <dd>{lead.phone ? <a href={`tel:${lead.phone}`}>{lead.phone}</a> : '—'}</dd>
            <dt>Company</dt>
            <dd>{lead.company || '—'}</dd>
            <dt>Source</dt>
            <dd>{lead.source || '—'}</dd>
            <dt>Created</dt>
            <dd>
              <Time at={lead.createdAt} /> {lead.creatorName && <>by {lead.creatorName}</>}
            </dd>
          </dl>
          <AssignmentPanel lead={lead} actions={actions} members={members} base={base} />
        </section>
        <Timeline items={items} />
      </div>
    </Layout>
  )
}
