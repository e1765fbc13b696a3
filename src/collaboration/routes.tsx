/**
 * Working a lead (`/o/{slug}/leads/{leadId}/...`): edit, status, notes with @mentions, communications,
 * tasks, and the live WebSocket. A refused post answers with the page its route's declaration names
 * (views/refusal-page.ts): the lead page with what was typed, or the edit pages, again with what was typed.
 * Authorization before validation; each change goes live to the lead's viewers once committed (publish.ts).
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { viewerTimeZone } from '../access/context'
import { isManager } from '../access/viewer'
import { authorizeUpgrade } from '../access/upgrade'
import { forwardUpgrade } from '../lib/websocket-room'
import { leadRoom } from './live'
import type { App, RefusalPage } from '../env'
import { authorizeLead } from '../leads/authorize'
import { whoCanSee } from '../leads/policy'
import type { FormValues } from '../lib/validation'
import { parseForm } from '../views/form-input'
import { leadPageOnRefusal, refusalPage } from '../views/refusal-page'
import {
  canChangeCommunication,
  communicationShown,
  communicationsOf,
  deleteCommunication,
  editCommunication,
  findCommunication,
  logCommunication,
  shownCommunicationSchema,
} from './communications'
import { communicationSchema, noteSchema, statusSchema, summaryMax } from './inputs'
import { editLead, editLeadSchema, shownLeadSchema } from './lead-edit'
import { typedMention } from './mentions'
import { addNote, notesOf } from './notes'
import { EditCommunicationPage, EditLeadPage } from './pages'
import { changeStatus } from './status'
import { CommunicationItems, communicationValues, MentionSuggestions, NoteItems, TaskItems } from './views'
import { Refusal } from '../lib/errors'
import { taskSchema } from '../tasks/inputs'
import { createTask, tasksOf } from '../tasks/tasks'

export const collaborationRoutes = new Hono<App>()

const leadPath = (c: Context<App>, leadId: string) => `/o/${c.var.orgContext.org.slug}/leads/${leadId}`

/**
 * The edit-lead page again after a refused save, with what was typed and the refusal's messages (for a viewer who
 * may edit the lead; anyone else gets the error page).
 */
const editLeadAgain: RefusalPage = async (c, refusal, values) => {
  const lead = await authorizeLead(c, c.req.param('leadId') ?? '', 'edit')
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return c.render(<EditLeadPage lead={lead} values={values} errors={refusal.errors} alert={alert} />, {
    title: `Edit ${lead.name}`,
  })
}

/**
 * The edit-communication page again after a refused save, with what was typed, against the communication as it is
 * now, so saving again keeps what was typed.
 */
const editCommunicationAgain: RefusalPage = async (c, refusal, values) => {
  const lead = await authorizeLead(c, c.req.param('leadId') ?? '')
  const id = c.req.param('communicationId') ?? ''
  // Shown again against the communication as it is now, so saving again keeps what was typed.
  const now = await findCommunication(c.var.unit, lead.id, id)
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return c.render(
    <EditCommunicationPage
      lead={lead}
      communicationId={id}
      values={values}
      shown={communicationShown(now)}
      summaryMax={summaryMax(now.summary)}
      errors={refusal.errors}
      alert={alert}
      timeZone={viewerTimeZone(c)}
    />,
    { title: 'Edit communication' },
  )
}

/** What a refused status change keeps: the status and the reason, in the lead page's status form. */
const keepStatus = ({ status, reason }: FormValues) => ({ status, reason })

collaborationRoutes.post('/:leadId/status', leadPageOnRefusal({ keep: keepStatus }), async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation: 403 for a viewer who may only read the lead, whatever the form holds.
  await authorizeLead(c, leadId, 'edit')
  const { status, reason, from } = await parseForm(c, statusSchema)
  await changeStatus(c.var.unit, leadId, status, { reason, shown: from })
  return c.redirect(leadPath(c, leadId), 303)
})

collaborationRoutes.get('/:leadId/edit', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'), 'edit')
  const { name, email, phone, company, source } = lead
  return c.render(<EditLeadPage lead={lead} values={{ name, email, phone, company, source }} />, {
    title: `Edit ${lead.name}`,
  })
})

collaborationRoutes.post('/:leadId/edit', refusalPage(editLeadAgain), async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'), 'edit')
  const input = await parseForm(c, editLeadSchema)
  await editLead(c.var.unit, lead.id, input, { shown: await parseForm(c, shownLeadSchema) })
  return c.redirect(leadPath(c, lead.id), 303)
})

/** Suggestions for the `@` word at the end of `body` (query): members who can see the lead, by name. */
collaborationRoutes.get('/:leadId/mentions', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const typed = typedMention(c.req.query('body') ?? '')
  if (typed === null) return c.html(<MentionSuggestions people={[]} />)
  const word = typed.toLowerCase()
  const people = (await whoCanSee(c.var.unit, lead.id))
    .filter((m) => m.userId !== c.var.user?.id && m.name.toLowerCase().startsWith(word))
    .slice(0, 8)
  return c.html(<MentionSuggestions people={people} />)
})

collaborationRoutes.post('/:leadId/notes', leadPageOnRefusal({ form: 'note' }), async (c) => {
  const leadId = c.req.param('leadId')
  const { body, asText } = await parseForm(c, noteSchema)
  await addNote(c.var.unit, leadId, body, { asText })
  return c.redirect(`${leadPath(c, leadId)}#notes`, 303)
})

collaborationRoutes.post('/:leadId/communications', leadPageOnRefusal({ form: 'communication' }), async (c) => {
  const leadId = c.req.param('leadId')
  const input = await parseForm(c, communicationSchema(viewerTimeZone(c)))
  await logCommunication(c.var.unit, leadId, input)
  return c.redirect(`${leadPath(c, leadId)}#communications`, 303)
})

collaborationRoutes.get('/:leadId/communications/:communicationId/edit', async (c) => {
  const unit = c.var.unit
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const row = await findCommunication(unit, lead.id, c.req.param('communicationId'))
  if (!canChangeCommunication(unit.viewer, row)) {
    throw new Refusal(403, 'Only whoever logged this communication, an Owner or an Admin can change it.')
  }
  const timeZone = viewerTimeZone(c)
  return c.render(
    <EditCommunicationPage
      lead={lead}
      communicationId={row.id}
      values={communicationValues(row, timeZone)}
      shown={communicationShown(row)}
      summaryMax={summaryMax(row.summary)}
      timeZone={timeZone}
    />,
    { title: 'Edit communication' },
  )
})

collaborationRoutes.post('/:leadId/communications/:communicationId', refusalPage(editCommunicationAgain), async (c) => {
  const unit = c.var.unit
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const id = c.req.param('communicationId')
  const timeZone = viewerTimeZone(c)
  const row = await findCommunication(unit, lead.id, id)
  if (!canChangeCommunication(unit.viewer, row)) {
    throw new Refusal(403, 'Only whoever logged this communication, an Owner or an Admin can change it.')
  }
  const max = summaryMax(row.summary)
  const input = await parseForm(c, communicationSchema(timeZone, max))
  await editCommunication(unit, lead.id, id, input, { shown: await parseForm(c, shownCommunicationSchema(max)) })
  return c.redirect(`${leadPath(c, lead.id)}#communications`, 303)
})

collaborationRoutes.post('/:leadId/communications/:communicationId/delete', leadPageOnRefusal(), async (c) => {
  const leadId = c.req.param('leadId')
  await deleteCommunication(c.var.unit, leadId, c.req.param('communicationId'))
  return c.redirect(`${leadPath(c, leadId)}#communications`, 303)
})

collaborationRoutes.post('/:leadId/tasks', leadPageOnRefusal({ form: 'task' }), async (c) => {
  const leadId = c.req.param('leadId')
  const input = await parseForm(c, taskSchema(viewerTimeZone(c)))
  await createTask(c.var.unit, leadId, input)
  return c.redirect(`${leadPath(c, leadId)}#tasks`, 303)
})

/**
 * `GET …/tasks`, `…/communications`, `…/notes`: the list alone for the page's live reload (htmx,
 * collaboration/live.tsx); anything else (reloading the address a refused form left) goes to that section of the
 * lead page.
 */
collaborationRoutes.get('/:leadId/:section{tasks|communications|notes}', async (c) => {
  const section = c.req.param('section')
  const lead = await authorizeLead(c, c.req.param('leadId'))
  if (c.req.header('HX-Request') !== 'true') return c.redirect(`${leadPath(c, lead.id)}#${section}`, 303)
  const { viewer } = c.var.unit
  const props = {
    base: leadPath(c, lead.id),
    orgBase: `/o/${c.var.orgContext.org.slug}`,
    timeZone: viewerTimeZone(c),
    now: c.var.unit.now,
    viewerId: viewer.userId,
    manager: isManager(viewer),
  }
  if (section === 'tasks') return c.html(<TaskItems {...props} tasks={await tasksOf(c.var.unit, lead.id)} />)
  if (section === 'notes') return c.html(<NoteItems {...props} notes={await notesOf(c.var.unit, lead.id)} />)
  const communications = await communicationsOf(c.var.unit, lead.id)
  return c.html(<CommunicationItems {...props} communications={communications} />)
})

/**
 * `GET …/live`: the lead's WebSocket (timeline entries and presence as htmx out-of-band fragments).
 * The Worker checks the viewer may see the lead (404 otherwise) and authorizes the upgrade (access/upgrade.ts: 403
 * from another site) before the lead's room accepts it, tied to the member's session.
 */
collaborationRoutes.get('/:leadId/live', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const owner = await authorizeUpgrade(c)
  return forwardUpgrade(leadRoom(c.env, lead.id), c.req.raw, { ...owner, leadId: lead.id })
})
