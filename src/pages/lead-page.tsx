/**
 * The lead page: the lead, the actions the policy allows the viewer, its assignment panel (from
 * assignment/), who can see it, and its timeline (from activity/). Composed here, above the
 * features it shows.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { viewerOf } from '../access/context'
import { handedOverTo, timeline } from '../activity/activities'
import type { TimelineItem } from '../activity/activities'
import { Timeline } from '../activity/timeline'
import { AssignmentPanel, WhoCanSee, type AssignmentPanelProps } from '../assignment/views'
import { LEAD_STATUSES } from '../db/schema'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
import { findVisibleLead, type LeadDetail } from '../leads/leads'
import { StatusBadge } from '../leads/list-views'
import { canAssign, canClaim, canEdit, factsOf, whoCanSee } from '../leads/policy'
import { assignableMembers } from '../orgs/members'
import { takeDone } from '../views/done'
import { FormAlert, Notice } from '../views/forms'
import { STATUS_LABELS } from '../views/labels'
import { Layout, useShell } from '../views/layout'
import { onRefusal, renderError } from '../views/render-error'
import { Time } from '../views/time'

/** What the lead page shows beside the lead: actions allowed, members to pick, who can see it. */
export type LeadPageProps = {
  lead: LeadDetail
  items: TimelineItem[]
  canEdit: boolean
  assignment: Omit<AssignmentPanelProps, 'lead' | 'base'>
  people: Parameters<typeof WhoCanSee>[0]['people']
  alert?: string
  /** What the last action on this page did ("Lead created."). */
  done?: string
}

export function LeadDetailPage({ lead, items, canEdit, assignment, people, alert, done }: LeadPageProps) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/leads/${lead.id}`
  return (
    <Layout title={lead.name}>
      <p>
        <a href={`/o/${shell.org.slug}/leads`}>← All leads</a>
      </p>
      <FormAlert message={alert} />
      {done && <Notice kind="success" text={done} />}
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

/**
 * The confirmation of what just happened on the lead page (views/done.ts, after a redirect), worded from the
 * lead as it is now: "Lead created.", "Assigned to Gus Agent.", "Unassigned."; undefined for anything else.
 */
function doneNotice(done: string | undefined, lead: LeadDetail): string | undefined {
  const owner = lead.assignees.find((a) => a.kind === 'primary')?.name
  switch (done) {
    case 'created':
      return owner ? `Lead created and assigned to ${owner}.` : 'Lead created.'
    case 'assigned':
      return owner ? `Assigned to ${owner}.` : undefined
    case 'transferred':
      return owner ? `Transferred to ${owner}.` : undefined
    case 'unassigned':
      return 'Unassigned.'
    case 'unchanged':
      return 'No change: the lead already had that assignee.'
    default:
      return undefined
  }
}

/**
 * The lead page, with the actions the policy allows the viewer; `alert` (with its `status`) tells
 * why an action just failed.
 * @throws Refusal 404 when the lead is not visible
 */
export async function leadPage(
  c: Context<App>,
  leadId: string,
  alert?: string,
  status: ContentfulStatusCode = 200,
  /** What was chosen in a refused assignment (member, note), shown again as it was. */
  kept?: { assigneeId?: string; note?: string },
) {
  const viewer = viewerOf(c)
  const db = c.var.db
  const lead = await findVisibleLead(db, viewer, leadId)
  if (!lead) throw notFound()
  const facts = factsOf(lead)
  const assigning = canAssign(viewer)
  const [items, members, people] = await Promise.all([
    timeline(db, viewer.orgId, lead.id),
    assigning ? assignableMembers(db, viewer.orgId) : Promise.resolve([]),
    whoCanSee(db, viewer, lead.id),
  ])
  const org = c.var.orgContext.org
  const assignment = {
    members,
    canAssign: assigning,
    canClaim: canClaim(viewer, facts),
    multipleAssignees: org.multipleAssignees,
    noteRequired: org.handoffNoteRequired,
    poolEnabled: org.poolEnabled,
    transferredTo: lead.assignees.some((a) => a.userId === viewer.userId) ? null : handedOverTo(items, viewer.userId),
    kept,
  }
  c.status(status)
  return c.render(
    <LeadDetailPage
      lead={lead}
      items={items}
      canEdit={canEdit(viewer, facts)}
      assignment={assignment}
      people={people}
      alert={alert}
      done={alert ? undefined : doneNotice(takeDone(c), lead)}
    />,
  )
}

/**
 * The lead page re-rendered after a refused action on lead `leadId`, with the reason and the
 * refusal's status (403, 409, 422), or, when the viewer can no longer see the lead (e.g. someone
 * else just claimed it), an error page with that reason.
 */
async function leadPageAfterRefusal(
  c: Context<App>,
  leadId: string,
  refusal: Refusal,
  values: Record<string, string>,
): Promise<Response> {
  // htmx (boosted forms) would show the action's URL; keep the lead page's address instead.
  c.header('HX-Replace-Url', `/o/${c.var.orgContext.org.slug}/leads/${leadId}`)
  try {
    const kept = c.req.path.endsWith('/assign') ? { assigneeId: values.assigneeId, note: values.note } : undefined
    return await leadPage(c, leadId, refusal.message, refusal.status, kept)
  } catch (gone) {
    if (gone instanceof Refusal && gone.status === 404) return renderError(c, refusal.status, refusal.message)
    throw gone
  }
}

/**
 * Middleware for the form posts that act on one lead (`/o/{slug}/leads/{leadId}/...`: assign,
 * claim, status, pool, collaborators): a refusal they raise answers with the lead page (see
 * `leadPageAfterRefusal`). Routes that answer another page name theirs with `onRefusal`.
 */
export function leadPageOnRefusal(): MiddlewareHandler<App> {
  return async (c, next) => {
    const leadId = c.req.param('leadId')
    if (c.req.method === 'POST' && leadId)
      onRefusal(c, (refusal, values) => leadPageAfterRefusal(c, leadId, refusal, values))
    await next()
  }
}
