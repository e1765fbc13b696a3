/** Lead pages: list (with its htmx fragment), create form, detail. */
import { Timeline } from '../activity/timeline'
import type { TimelineItem } from '../activity/activities'
import { LEAD_STATUSES, type LeadStatus } from '../db/schema'
import type { FormValues } from '../lib/validation'
import { Field, FieldError, type FieldErrors } from '../views/forms'
import { Layout } from '../views/layout'
import { Time } from '../views/time'
import { STATUS_LABELS } from './fields'
import type { LeadDetail, LeadFilters, LeadPage } from './leads'

type Shell = { user: { name: string }; org: { name: string; slug: string } }

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
              <td>
                <Time at={lead.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.leads.length === 0 && (
        <p class="empty">
          {filters.q || filters.status || filters.cursor ? 'No leads match these filters.' : 'No leads yet. '}
          {!filters.q && !filters.status && !filters.cursor && (
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

export function LeadListPage({ user, org, page, filters }: Shell & { page: LeadPage; filters: LeadFilters }) {
  const base = `/o/${org.slug}/leads`
  return (
    <Layout title="Leads" user={user} org={org}>
      <div class="page-head">
        <h1>Leads</h1>
        <a class="button" href={`${base}/new`}>
          New lead
        </a>
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
        <button type="submit">Filter</button>
      </form>
      <LeadResults slug={org.slug} page={page} filters={filters} />
    </Layout>
  )
}

export function NewLeadPage({ user, org, values = {}, errors }: Shell & { values?: FormValues; errors?: FieldErrors }) {
  return (
    <Layout title="New lead" user={user} org={org}>
      <section class="card narrow">
        <h1>New lead</h1>
        <form method="post" action={`/o/${org.slug}/leads`} novalidate>
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

export function LeadDetailPage({ user, org, lead, items }: Shell & { lead: LeadDetail; items: TimelineItem[] }) {
  return (
    <Layout title={lead.name} user={user} org={org}>
      <p>
        <a href={`/o/${org.slug}/leads`}>← All leads</a>
      </p>
      <div class="lead-grid">
        <section class="card">
          <h1>{lead.name}</h1>
          <StatusBadge status={lead.status} />
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
          <h2>Assigned to</h2>
          <ul class="assignees">
            {lead.assignees.length === 0 ? (
              <li>Unassigned</li>
            ) : (
              lead.assignees.map((a) => (
                <li data-assignee-id={a.userId}>
                  {a.name}
                  {a.kind === 'collaborator' && ' (collaborator)'}
                </li>
              ))
            )}
          </ul>
        </section>
        <Timeline items={items} />
      </div>
    </Layout>
  )
}
