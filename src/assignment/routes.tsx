/**
 * Assignment actions (docs/ARCHITECTURE.md): assign / unassign / transfer from the lead page or a list row,
 * bulk assignment, collaborators, pool (claims and releases: pool/routes.tsx). Every path calls the same domain functions. A refused
 * action answers with the page its route's declaration names (views/refusal-page.ts): the lead page with what its
 * form keeps, the list row (htmx) or the list page (bulk).
 */
import { Hono, type Context } from 'hono'
import { requireManager, shellOf } from '../access/context'
import { isManager } from '../access/viewer'
import type { App, RefusalPage } from '../env'
import { filtersSchema } from '../leads/filters'
import { notFound, Refusal } from '../lib/errors'
import { authorizeLead } from '../leads/authorize'
import { canRequestReassignment, factsOf } from '../leads/policy'
import { assigneeChoices } from '../leads/assignee-choices'
import { findLeadRow } from '../leads/list-query'
import { listPage } from '../leads/list-page'
import { AssigneeFilter } from '../leads/list-filters'
import { LeadRowView, RowMenuBody, RowMenuForm, type KeptChoice } from '../leads/list-rows'
import { encodeHolders } from '../leads/holders'
import { agingOf } from '../leads/unassigned-age'
import type { ListNotice } from '../leads/list-views'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { activeOnly, assignableMembers } from '../orgs/members'
import { rememberDone } from '../views/done'
import type { FormValues } from '../lib/validation'
import { parseForm } from '../views/form-input'
import { leadPageFor, leadPageOnRefusal, refusalPage } from '../views/refusal-page'
import { assignLead, requireHandOff } from './assign'
import { bulkAssign, movedWording, namesList, type BulkAssignResult, type BulkSelection } from './bulk'
import { bulkPool, bulkStatus, bulkUnassign } from './bulk-actions'
import { addCollaborator, removeCollaborator } from './collaborators'
import { acknowledgeHandoff } from './handoffs'
import { REASSIGNMENT_REQUESTERS, requestReassignment } from './reassignment-requests'
import {
  assignSchema,
  bulkAssignSchema,
  bulkFilters,
  bulkPoolSchema,
  bulkStatusSchema,
  bulkUnassignSchema,
  collaboratorSchema,
  handOffSchema,
  holdersSchema,
  poolSchema,
  reassignmentRequestSchema,
  sentFromSchema,
  shownByLead,
} from './inputs'
import { STATUS_LABELS } from '../views/labels'
import { setInPool } from './pool'

export const assignmentRoutes = new Hono<App>()

/** Back to the lead page after an action on it (303). */
function backToLead(c: Context<App>, leadId: string) {
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${leadId}`, 303)
}

/** The list filters of the page the htmx request came from (its `HX-Current-URL`). */
function currentFilters(c: Context<App>) {
  const current = URL.parse(c.req.header('HX-Current-URL') ?? '') ?? new URL(c.req.url)
  return filtersSchema.parse(Object.fromEntries(current.searchParams))
}

/** What the person had chosen in the form just refused (ticked leads, member, note, status): shown again. */
async function keptChoice(c: Context<App>): Promise<KeptChoice> {
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const one = (key: string) => {
    const value = body[key]
    return typeof value === 'string' ? value : undefined
  }
  const ids = body.leadIds
  const leadIds = (Array.isArray(ids) ? ids : [ids]).filter((v): v is string => typeof v === 'string')
  return { leadIds, all: one('all') === '1', assigneeId: one('assigneeId'), note: one('note'), status: one('status') }
}

/**
 * The list row of `leadId` after an assignment from its menu (htmx), with a message; after a refusal
 * (`refused`) the menu stays open with what was chosen and the reason.
 */
async function rowFragment(
  c: Context<App>,
  leadId: string,
  notice: string,
  status: ContentfulStatusCode = 200,
  refused?: KeptChoice,
) {
  const lead = await findLeadRow(c.var.unit, leadId)
  if (!lead) throw notFound()
  const { members: everyone, counts } = await assigneeChoices(c.var.unit)
  const assigning = { members: activeOnly(everyone), noteRequired: c.var.orgContext.org.handoffNoteRequired }
  // The row, and the "Assigned to" filter with fresh counts (htmx out-of-band swap).
  return c.html(
    <>
      <LeadRowView
        slug={c.var.orgContext.org.slug}
        lead={lead}
        assigning={assigning}
        notice={refused ? undefined : notice}
        menu={refused ? { kept: refused, error: notice } : undefined}
        aging={agingOf(c)}
      />
      <AssigneeFilter shell={shellOf(c)} filters={currentFilters(c)} members={everyone} counts={counts} oob />
    </>,
    status,
  )
}

/** "3 leads", "1 lead". */
const leadCount = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'lead' : 'leads'}`

/** " (2 already were)" for selected leads a bulk action left as they were. */
function alreadyNote(result: { changed: number; selected: number }) {
  const unchanged = result.selected - result.changed
  return unchanged ? ` (${unchanged} already ${unchanged === 1 ? 'was' : 'were'})` : ''
}

/**
 * The list's notice after a bulk assignment, worded from its one result: "3 leads assigned to Gus Agent.",
 * "2 leads transferred to Gus Agent from Ava Agent.", "3 leads unassigned.", each followed by where a
 * typed note went ("The note was saved on them and sent to Gus Agent with the assignment.").
 */
export function bulkAssignWording(result: BulkAssignResult): string {
  return changeWording(result) + noteWording(result) + (result.moved.length ? ` ${movedWording(result.moved)}` : '')
}

function changeWording(result: BulkAssignResult): string {
  if (!result.to) return `${leadCount(result.changed)} unassigned${alreadyNote(result)}.`
  const fresh = result.changed - result.transferred
  const from = namesList(result.transferredFrom)
  const parts = [
    ...(fresh > 0 ? [`${leadCount(fresh)} assigned to ${result.to}`] : []),
    ...(result.transferred > 0
      ? [
          `${fresh > 0 ? result.transferred.toLocaleString('en') : leadCount(result.transferred)} transferred to ${result.to} from ${from}`,
        ]
      : []),
  ]
  return `${parts.length ? parts.join(', ') : `${leadCount(0)} assigned to ${result.to}`}${alreadyNote(result)}.`
}

/**
 * " The note was saved on them and sent to Gus Agent with the assignment." (" The note was saved on them."
 * when it went to no one else than the person acting; '' when no note was typed).
 */
function noteWording({ note, changed, to }: BulkAssignResult): string {
  if (!note) return ''
  const sent = note.sentTo.length
    ? ` and sent to ${namesList(note.sentTo)} with the ${to ? 'assignment' : 'unassignment'}`
    : ''
  return ` The note was saved on ${changed === 1 ? 'it' : 'them'}${sent}.`
}

// Reloading the page a refused form post left in the address bar (no JavaScript) lands back here.
assignmentRoutes.get('/:action{bulk-assign|bulk-status|bulk-pool|bulk-unassign}', (c) =>
  c.redirect(`/o/${c.var.orgContext.org.slug}/leads`, 303),
)

/**
 * After a committed change that put leads in the pool or took them out: the pool page's viewers see it
 * (the organization's PoolRoom re-sends the pool, pool/pool-room.ts). A failure is logged, not answered:
 * the change itself is done.
 */
async function refreshPool(c: Context<App>): Promise<void> {
  const orgId = c.var.orgContext.org.id
  await c.env.POOL_ROOM.get(c.env.POOL_ROOM.idFromName(orgId))
    .refresh(orgId)
    .catch((error: unknown) => console.error('pool viewers not refreshed', error))
}

/** The page of a refused bulk action: the list again, with its filters and the selection as they were. */
const listAgain: RefusalPage = async (c, refusal, values) => {
  c.status(refusal.status)
  return listPage(c, bulkFilters(values), { text: refusal.message, kind: 'error' }, await keptChoice(c))
}

/** What a refused assignment from the lead page keeps: the member and the note. */
const keepAssignment = ({ assigneeId, note }: FormValues) => ({ assigneeId, note })

/** What a refused hand-off keeps: the member and the note, in the lead page's hand-off form. */
const keepHandOff = ({ assigneeId, note }: FormValues) => ({ handoff: { assigneeId, note } })

/** What a refused reassignment request keeps: its note. */
const keepRequest = ({ note }: FormValues) => ({ handoff: { request: note } })

/**
 * The page of a refused assignment: from a list row's menu (htmx), the row, its menu open as it was, whatever else
 * the form holds; else the lead page. An Agent, refused before the form is read, gets the lead page.
 */
const assignRefused: RefusalPage = async (c, refusal, values) => {
  const fromList = values.from === 'list' && c.req.header('HX-Request') === 'true' && isManager(c.var.unit.viewer)
  if (!fromList) return leadPageFor({ keep: keepAssignment })(c, refusal, values)
  return rowFragment(c, c.req.param('leadId') ?? '', refusal.message, refusal.status, await keptChoice(c))
}

/** A bulk action from the list's bulk bar (a refusal shows the list again: `listAgain`, named by its route). */
function bulkRoute(act: (c: Context<App>) => Promise<{ filters: ReturnType<typeof bulkFilters>; text: string }>) {
  return async (c: Context<App>) => {
    // Authorization before validation: an Agent is refused (403) whatever the form holds.
    requireManager(c, 'change leads in bulk')
    const { filters, text } = await act(c)
    // Some ticked leads changed hands meanwhile and were left alone: said as a warning.
    const notice: ListNotice = {
      text,
      kind: text.startsWith('0 leads') || text.includes('changed hands since') ? 'warning' : 'success',
    }
    return listPage(c, filters, notice)
  }
}

/**
 * The selection of a bulk form: ticked ids with the holders their rows showed, or every lead matching the list's
 * filters (planned against the state at the moment of the action).
 */
function selectionOf(
  input: { all?: string; leadIds: string[] } & Record<string, unknown>,
  filters: ReturnType<typeof bulkFilters>,
) {
  // Every lead matching the filters, not only those from the page shown on.
  return (
    input.all === '1'
      ? { filters: { ...filters, cursor: undefined } }
      : { leadIds: input.leadIds, shown: shownByLead(input, input.leadIds) }
  ) satisfies BulkSelection
}

assignmentRoutes.post(
  '/bulk-assign',
  refusalPage(listAgain),
  bulkRoute(async (c) => {
    const input = await parseForm(c, bulkAssignSchema)
    const filters = bulkFilters(input)
    const result = await bulkAssign(c.var.unit, selectionOf(input, filters), input.assigneeId, {
      note: input.note,
      noteRequired: c.var.orgContext.org.handoffNoteRequired,
    })
    // Leads taken from the pool leave the pool page.
    if (result.changed > 0) await refreshPool(c)
    return { filters, text: bulkAssignWording(result) }
  }),
)

assignmentRoutes.post(
  '/bulk-unassign',
  refusalPage(listAgain),
  bulkRoute(async (c) => {
    const input = await parseForm(c, bulkUnassignSchema)
    const filters = bulkFilters(input)
    const result = await bulkUnassign(c.var.unit, selectionOf(input, filters), { note: input.note })
    return { filters, text: bulkAssignWording(result) }
  }),
)

assignmentRoutes.post(
  '/bulk-status',
  refusalPage(listAgain),
  bulkRoute(async (c) => {
    const input = await parseForm(c, bulkStatusSchema)
    const filters = bulkFilters(input)
    const result = await bulkStatus(c.var.unit, selectionOf(input, filters), input.status)
    return {
      filters,
      text: `${leadCount(result.changed)} set to ${STATUS_LABELS[input.status]}${alreadyNote(result)}.`,
    }
  }),
)

assignmentRoutes.post(
  '/bulk-pool',
  refusalPage(listAgain),
  bulkRoute(async (c) => {
    const input = await parseForm(c, bulkPoolSchema)
    const filters = bulkFilters(input)
    const result = await bulkPool(c.var.unit, selectionOf(input, filters))
    if (result.changed > 0) await refreshPool(c)
    const moved = result.moved.length ? ` ${movedWording(result.moved)}` : ''
    return { filters, text: `${leadCount(result.changed)} put in the pool${alreadyNote(result)}.${moved}` }
  }),
)

/**
 * A row's assignment menu, loaded when it is opened (htmx, public/app.js "Row menus"), and out of band the form it
 * posts with; query `shown_assignees`: the holders the row showed (leads/holders.ts), which the menu sends back.
 */
assignmentRoutes.get('/:leadId/assign-menu', async (c) => {
  requireManager(c, 'assign leads')
  const leadId = c.req.param('leadId')
  const [lead, members] = await Promise.all([findLeadRow(c.var.unit, leadId), assignableMembers(c.var.unit)])
  if (!lead) throw notFound()
  const shown = holdersSchema.safeParse(c.req.query())
  const holders = shown.success && shown.data.shown_assignees ? encodeHolders(shown.data.shown_assignees) : undefined
  const assigning = { members, noteRequired: c.var.orgContext.org.handoffNoteRequired }
  return c.html(
    <>
      <RowMenuBody lead={lead} holders={holders} assigning={assigning} />
      <RowMenuForm base={`/o/${c.var.orgContext.org.slug}/leads`} leadId={lead.id} />
    </>,
  )
})

assignmentRoutes.get(
  '/:leadId/:action{(?:assign|pool|status|assignees|acknowledge|handoff|reassignment-request)}',
  (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/leads/${c.req.param('leadId')}`, 303),
)

assignmentRoutes.post('/:leadId/assign', refusalPage(assignRefused), async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation (the lead is visible: leads/authorize.ts `visibleLeadOnly`).
  requireManager(c, 'assign leads')
  // From a list row's menu (htmx) the answer is the row (a refusal's too: `assignRefused`).
  const { from } = await parseForm(c, sentFromSchema)
  const fromList = from === 'list' && c.req.header('HX-Request') === 'true'
  const input = await parseForm(c, assignSchema)
  const result = await assignLead(c.var.unit, leadId, input.assigneeId, {
    note: input.note,
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    shown: input.shown_assignees,
  })
  // A lead assigned from the pool leaves the pool page (pool leads have no assignee, so only such a change can).
  if (result.changed && !result.from && result.to) await refreshPool(c)
  if (fromList) return rowFragment(c, leadId, result.changed ? 'Saved.' : 'No change.')
  // The lead page confirms what happened (views/done.ts).
  const done = !result.changed ? 'unchanged' : result.to ? (result.from ? 'transferred' : 'assigned') : 'unassigned'
  rememberDone(c, `/o/${c.var.orgContext.org.slug}/leads/${leadId}`, done)
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/assignees', leadPageOnRefusal(), async (c) => {
  const leadId = c.req.param('leadId')
  requireManager(c, 'change who works a lead')
  const { userId, shown_assignees } = await parseForm(c, collaboratorSchema)
  await addCollaborator(c.var.unit, leadId, userId, { shown: shown_assignees })
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/assignees/:userId/remove', leadPageOnRefusal(), async (c) => {
  const leadId = c.req.param('leadId')
  requireManager(c, 'change who works a lead')
  const { shown_assignees } = await parseForm(c, holdersSchema)
  await removeCollaborator(c.var.unit, leadId, c.req.param('userId'), { shown: shown_assignees })
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/pool', leadPageOnRefusal(), async (c) => {
  const leadId = c.req.param('leadId')
  requireManager(c, 'move leads into or out of the pool')
  const { inPool, shown_assignees } = await parseForm(c, poolSchema)
  await setInPool(c.var.unit, leadId, inPool, { shown: shown_assignees })
  await refreshPool(c)
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/acknowledge', leadPageOnRefusal(), async (c) => {
  const leadId = c.req.param('leadId')
  await acknowledgeHandoff(c.var.unit, leadId)
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/handoff', leadPageOnRefusal({ keep: keepHandOff }), async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation: an Agent who may not hand it off is refused (403) whatever the form holds.
  requireHandOff(c.var.unit.viewer, await authorizeLead(c, leadId))
  const input = await parseForm(c, handOffSchema)
  await assignLead(c.var.unit, leadId, input.assigneeId, {
    note: input.note,
    noteRequired: c.var.orgContext.org.handoffNoteRequired,
    handOff: true,
    shown: input.shown_assignees,
  })
  return backToLead(c, leadId)
})

assignmentRoutes.post('/:leadId/reassignment-request', leadPageOnRefusal({ keep: keepRequest }), async (c) => {
  const leadId = c.req.param('leadId')
  if (!canRequestReassignment(c.var.unit.viewer, factsOf(await authorizeLead(c, leadId)))) {
    throw new Refusal(403, REASSIGNMENT_REQUESTERS)
  }
  const { note } = await parseForm(c, reassignmentRequestSchema)
  await requestReassignment(c.var.unit, leadId, note)
  return backToLead(c, leadId)
})
