/**
 * The lead page: the lead, the actions the policy allows the viewer, its assignment panel (from
 * assignment/), who can see it, and its timeline (from activity/). Composed here, above the
 * features it shows.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Unit } from '../access/unit'
import { viewerTimeZone } from '../access/context'
import { handedOverTo } from '../activity/activities'
import { Timeline, type TimelineProps } from '../activity/timeline'
import { timelineProps } from '../activity/timeline-props'
import { awayIntervals, awayUntil } from '../orgs/away'
import { AssignmentPanel, WhoCanSee, type AssignmentPanelProps } from '../assignment/views'
import { LEAD_STATUSES } from '../db/schema'
import type { App, LeadPageAfterRefusal, LeadPageKept } from '../env'
import { Refusal } from '../lib/errors'
import { leadNotFound } from '../leads/authorize'
import { findVisibleLead, type LeadDetail } from '../leads/lead-detail'
import { holdersOf } from '../leads/holders'
import { FirstTouchFact } from '../leads/first-touch'
import { businessHoursOf, type BusinessHours, type Interval } from '../lib/business-time'
import { StatusBadge } from '../leads/list-rows'
import { canAssign, canClaim, canEdit, factsOf, whoCanSee } from '../leads/policy'
import { assignableMembers } from '../orgs/members'
import { collaborationProps } from '../collaboration/panel'
import {
  CollaborationSections,
  StatusReasonField,
  type CollaborationProps,
  type RefusedForm,
} from '../collaboration/views'
import { takeDone } from '../views/done'
import { FormAlert, Notice } from '../views/forms'
import { STATUS_LABELS } from '../views/labels'
import { useShell } from '../views/layout'
import { When } from '../views/when'
import { ReleaseForm } from '../pool/views'
import { HandoffPanel, handoffPanelProps, type HandoffPanelProps } from './lead-handoff'

/** What the lead page shows beside the lead: actions allowed, members to pick, who can see it. */
export type LeadPageProps = {
  lead: LeadDetail
  timeline: TimelineProps
  canEdit: boolean
  assignment: Omit<AssignmentPanelProps, 'lead' | 'base'>
  people: Parameters<typeof WhoCanSee>[0]['people']
  collaboration: CollaborationProps
  alert?: string
  /** The viewer may release the lead to the pool (pool/release.ts). */
  canRelease?: boolean
  handoff?: HandoffPanelProps
  /** What the last action on this page did ("Lead created."). */
  done?: string
  /** The status and reason of a refused status change, shown again as sent. */
  statusSent?: { status?: string; reason?: string }
  /** The note of a refused release, shown again as sent. */
  releaseSent?: string
  /** The organization's business hours, in which the first touch's waits count (null: every hour). */
  businessHours: BusinessHours | null
  /** The away periods of who first touched the lead, during its wait: the first touch's clock stood still then. */
  toucherAway: Interval[]
}

export function LeadDetailPage({
  lead,
  timeline: timelineView,
  canEdit,
  assignment,
  people,
  collaboration,
  alert,
  canRelease,
  handoff,
  done,
  statusSent,
  releaseSent,
  businessHours,
  toucherAway,
}: LeadPageProps) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}/leads/${lead.id}`
  const archived = lead.archivedAt !== null
  return (
    <>
      <p>
        <a href={`/o/${shell.org.slug}/leads`}>← All leads</a>
      </p>
      <FormAlert message={alert} />
      {done && <Notice kind="success" text={done} />}
      {archived && (
        <p class="notice" id="archived-notice" role="status">
          This lead is archived (
          <When at={lead.archivedAt!} now={collaboration.now} timeZone={collaboration.timeZone} />
          ): it is left out of lists, counts, the pool and exports.
        </p>
      )}
      <div class="lead-grid">
        <section class="card">
          <h1>{lead.name}</h1>
          {canEdit ? (
            <form
              id="status-form"
              method="post"
              action={`${base}/status`}
              class="inline-form"
              hx-boost="true"
              hx-disabled-elt="find button"
            >
              {/* The status shown: a change someone else makes meanwhile is not undone unseen (lib/three-way.ts). */}
              <input type="hidden" name="from" value={lead.status} />
              <select name="status" aria-label="Status">
                {LEAD_STATUSES.map((s) => (
                  <option value={s} selected={(statusSent?.status ?? lead.status) === s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
              <StatusReasonField value={statusSent?.reason} />
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
              <When at={lead.createdAt} now={collaboration.now} timeZone={collaboration.timeZone} />{' '}
              {lead.creatorName && <>by {lead.creatorName}</>}
            </dd>
            <dt>First touch</dt>
            <dd data-first-touch>
              <FirstTouchFact
                lead={lead}
                now={collaboration.now}
                timeZone={collaboration.timeZone}
                hours={businessHours}
                away={toucherAway}
              />
            </dd>
          </dl>
          <AssignmentPanel lead={lead} base={base} {...assignment} />
          {/* After the lead's facts and assignment: the lead's name comes first on the page. */}
          {handoff && <HandoffPanel {...handoff} />}
          {assignment.canAssign && (
            <form method="post" action={`${base}/${archived ? 'restore' : 'archive'}`} class="inline-form">
              <button type="submit" class="secondary" data-archive-action={archived ? 'restore' : 'archive'}>
                {archived ? 'Restore lead' : 'Archive lead'}
              </button>
            </form>
          )}
          {canRelease && <ReleaseForm action={`${base}/release`} holders={holdersOf(lead)} note={releaseSent} />}
          <WhoCanSee people={people} />
        </section>
        <CollaborationSections {...collaboration} />
        <Timeline {...timelineView} />
      </div>
    </>
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
    case 'claimed':
      return 'Claimed from the pool: it is yours now.'
    case 'released':
      return 'Released back to the pool.'
    default:
      return undefined
  }
}

/** The assignment panel's props for the signed-in member on `lead`, with what a refused form of it `kept`. */
async function assignmentOf(
  c: Context<App>,
  lead: LeadDetail,
  kept?: LeadPageKept,
): Promise<Omit<AssignmentPanelProps, 'lead' | 'base'>> {
  const unit = c.var.unit
  const { viewer } = unit
  const org = c.var.orgContext.org
  const assigning = canAssign(viewer)
  const assignedToViewer = lead.assignees.some((a) => a.userId === viewer.userId)
  const claimable = canClaim(viewer, factsOf(lead))
  const [transferredTo, members, away] = await Promise.all([
    assignedToViewer ? Promise.resolve(null) : handedOverTo(unit, lead.id),
    assigning ? assignableMembers(unit) : Promise.resolve([]),
    claimable ? awayUntil(unit.db, org.id, viewer.userId, unit.now) : Promise.resolve(null),
  ])
  return {
    members,
    canAssign: assigning,
    canClaim: claimable,
    away: away && { until: away.until, slug: org.slug },
    multipleAssignees: org.multipleAssignees,
    noteRequired: org.handoffNoteRequired,
    poolEnabled: org.poolEnabled,
    transferredTo,
    kept,
  }
}

/**
 * `GET …/{leadId}/assignment` (htmx): the lead page's "Assigned to" section alone, as the viewer sees it now: what
 * a live update of who holds the lead reloads (collaboration/live.tsx), and a reconnect's catch-up. The page keeps
 * a section someone is typing in and marks it stale instead (public/app.js). Without htmx: 303 to the section.
 * @throws Refusal 404 when the lead is not visible
 */
export async function assignmentSection(c: Context<App>, leadId: string) {
  const lead = await findVisibleLead(c.var.unit, leadId)
  if (!lead) throw await leadNotFound(c.var.unit)
  const base = `/o/${c.var.orgContext.org.slug}/leads/${lead.id}`
  if (c.req.header('HX-Request') !== 'true') return c.redirect(`${base}#assignment`, 303)
  return c.html(<AssignmentPanel lead={lead} base={base} {...await assignmentOf(c, lead)} />)
}

/** How `leadPage` answers after a refused action: why, with which status, and what was typed. */
type RefusedAction = {
  alert?: string
  status?: ContentfulStatusCode
  refused?: RefusedForm
  /** What was typed in a refused form of the assignment, status or handoff sections, shown again as it was. */
  kept?: LeadPageKept
}

/**
 * The lead page, with the actions the policy allows the viewer; `options.alert` (with its `status`, default 200)
 * tells why an action just failed.
 * @throws Refusal 404 when the lead is not visible
 */
/** The away periods of who first touched `lead` that overlap its wait (none when it is not touched yet). */
async function awayOfToucher(unit: Pick<Unit, 'db'>, lead: LeadDetail): Promise<Interval[]> {
  const { firstTouchedBy: userId, firstTouchedAt: to, createdAt: from } = lead
  if (userId === null || to === null) return []
  return (await awayIntervals(unit.db, lead.orgId, [userId], { from, to })).get(userId) ?? []
}

export async function leadPage(c: Context<App>, leadId: string, options: RefusedAction = {}) {
  const { alert, status = 200, refused, kept } = options
  const unit = c.var.unit
  const { viewer } = unit
  const lead = await findVisibleLead(unit, leadId)
  if (!lead) throw await leadNotFound(unit)
  const facts = factsOf(lead)
  const assigning = canAssign(viewer)
  const base = `/o/${c.var.orgContext.org.slug}/leads/${lead.id}`
  const org = c.var.orgContext.org
  const timeZone = viewerTimeZone(c)
  const [assignment, timelineView, people, handoff, collaborationParts, toucherAway] = await Promise.all([
    assignmentOf(c, lead, kept),
    timelineProps(unit, lead.id, { base, query: c.req.query(), timeZone }),
    whoCanSee(unit, lead.id),
    handoffPanelProps(c, lead, base, kept?.handoff),
    collaborationProps(unit, lead.id, {
      base,
      orgBase: `/o/${org.slug}`,
      canEdit: canEdit(viewer, facts),
      timeZone,
      refused,
    }),
    awayOfToucher(unit, lead),
  ])
  const collaboration = { ...collaborationParts, people }
  c.status(status)
  return c.render(
    <LeadDetailPage
      lead={lead}
      timeline={timelineView}
      canEdit={canEdit(viewer, facts)}
      assignment={assignment}
      people={people}
      collaboration={collaboration}
      alert={refused ? undefined : alert}
      done={alert ? undefined : doneNotice(takeDone(c), lead)}
      canRelease={
        facts.primaryId !== null && lead.archivedAt === null && (facts.primaryId === viewer.userId || assigning)
      }
      handoff={handoff}
      statusSent={kept && { status: kept.status, reason: kept.reason }}
      releaseSent={kept?.release}
      businessHours={businessHoursOf(org)}
      toucherAway={toucherAway}
    />,
    { title: lead.name, live: true },
  )
}

/**
 * The lead page re-rendered after a refused action on lead `leadId`, with the reason and the refusal's status
 * (403, 409, 422) and what the route keeps of the form (`sent`, views/refusal-page.ts `leadPageFor`), or, when the
 * viewer can no longer see the lead (e.g. someone else just claimed it), an error page with that reason.
 */
const leadPageAfterRefusal: LeadPageAfterRefusal = async (c, leadId, refusal, { values, keep, form }) => {
  // htmx (boosted forms) would show the action's URL; keep the lead page's address instead.
  c.header('HX-Replace-Url', `/o/${c.var.orgContext.org.slug}/leads/${leadId}`)
  // A note, communication or task form shows its own message and keeps what was typed.
  const refused = form && { form, values, errors: refusal.errors, message: refusal.message }
  try {
    return await leadPage(c, leadId, { alert: refusal.message, status: refusal.status, refused, kept: keep?.(values) })
  } catch (gone) {
    // No longer the viewer's to see (a lost claim): the refusal's own error page, with its way forward
    // (views/render-error.tsx `renderRefusal` answers a refusal page that refuses itself so).
    throw gone instanceof Refusal && gone.status === 404 ? refusal : gone
  }
}

/**
 * Middleware lending the lead page to the routes below it (`c.var.leadPage`), so the features' routes on a lead
 * name it as the page of their refusals (views/refusal-page.ts `leadPageOnRefusal`) without importing pages/.
 */
export function lendLeadPage(): MiddlewareHandler<App> {
  return async (c, next) => {
    c.set('leadPage', leadPageAfterRefusal)
    await next()
  }
}
