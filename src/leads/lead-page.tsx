/** Lead pages: the create form, and the lead page with the actions the policy allows. */
import { Timeline } from '../activity/timeline'
import type { TimelineItem } from '../activity/activities'
import { LEAD_STATUSES } from '../db/schema'
import type { FormValues } from '../lib/validation'
import { AssignmentPanel, WhoCanSee, type AssignmentPanelProps } from '../assignment/views'
import { Field, FieldError, FormAlert, type FieldErrors } from '../views/forms'
import { FormTokenField } from '../views/form-token'
import { Layout, type Shell } from '../views/layout'
import { Time } from '../views/time'
import { STATUS_LABELS } from './fields'
import type { LeadDetail } from './leads'
import { StatusBadge } from './list-views'

/** The status badge and the list helpers live with the list views. */
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
          <FormTokenField />
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

/** What the lead page shows beside the lead: actions allowed, members to pick, who can see it. */
export type LeadPageProps = {
  lead: LeadDetail
  items: TimelineItem[]
  canEdit: boolean
  assignment: Omit<AssignmentPanelProps, 'lead' | 'base'>
  people: Parameters<typeof WhoCanSee>[0]['people']
  alert?: string
}

export function LeadDetailPage({ lead, items, canEdit, assignment, people, alert, ...shell }: Shell & LeadPageProps) {
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
          {canEdit ? (
            <form
              method="post"
              action={`${base}/status`}
              class="inline-form"
              hx-boost="true"
              hx-disabled-elt="find button"
            >
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
          <AssignmentPanel lead={lead} base={base} {...assignment} />
          <WhoCanSee people={people} />
        </section>
        <Timeline items={items} />
      </div>
    </Layout>
  )
}
