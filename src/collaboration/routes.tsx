/**
 * Working a lead (`/o/{slug}/leads/{leadId}/...`): edit, status, notes with @mentions, communications,
 * tasks, and the live WebSocket. A refused post answers with the lead page and what was typed
 * (pages/lead-page.tsx `leadPageOnRefusal`), except the edit pages, which name their own.
 * Authorization before validation; each change goes live to the lead's viewers once committed.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { viewerOf } from '../access/context'
import { timeZoneOf } from '../access/time-zone'
import { VIEWER_ID_HEADER, VIEWER_NAME_HEADER } from '../activity/lead-room'
import { leadRoom } from '../activity/live'
import type { App } from '../env'
import { authorizeLead } from '../leads/authorize'
import { whoCanSee } from '../leads/policy'
import { fanOutContext } from '../notifications/context'
import { parseForm } from '../views/form-input'
import { onRefusal } from '../views/render-error'
import {
  canChangeCommunication,
  deleteCommunication,
  editCommunication,
  findCommunication,
  logCommunication,
} from './communications'
import { communicationSchema, noteSchema, statusSchema, taskSchema } from './inputs'
import { editLead, editLeadSchema } from './lead-edit'
import { typedMention } from './mentions'
import { addNote } from './notes'
import { EditCommunicationPage, EditLeadPage } from './pages'
import { publish } from './publish'
import { changeStatus } from './status'
import { createTask } from './tasks'
import { communicationValues, MentionSuggestions } from './views'
import { Refusal } from '../lib/errors'

export const collaborationRoutes = new Hono<App>()

const leadPath = (c: Context<App>, leadId: string) => `/o/${c.var.orgContext.org.slug}/leads/${leadId}`

collaborationRoutes.post('/:leadId/status', async (c) => {
  const leadId = c.req.param('leadId')
  // Authorization before validation: 403 for a viewer who may only read the lead, whatever the form holds.
  await authorizeLead(c, leadId, 'edit')
  const { status, reason } = await parseForm(c, statusSchema)
  await publish(c, leadId, [
    await changeStatus(c.var.db, viewerOf(c), leadId, status, fanOutContext(c), undefined, reason),
  ])
  return c.redirect(leadPath(c, leadId), 303)
})

collaborationRoutes.get('/:leadId/edit', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'), 'edit')
  const { name, email, phone, company, source } = lead
  return c.render(<EditLeadPage lead={lead} values={{ name, email, phone, company, source }} />)
})

collaborationRoutes.post('/:leadId/edit', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'), 'edit')
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
    return c.render(<EditLeadPage lead={lead} values={values} errors={refusal.errors} alert={alert} />)
  })
  const input = await parseForm(c, editLeadSchema)
  await publish(c, lead.id, [await editLead(c.var.db, viewerOf(c), lead.id, input)])
  return c.redirect(leadPath(c, lead.id), 303)
})

/** Suggestions for the `@` word at the end of `body` (query): members who can see the lead, by name. */
collaborationRoutes.get('/:leadId/mentions', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const typed = typedMention(c.req.query('body') ?? '')
  if (typed === null) return c.html(<MentionSuggestions people={[]} />)
  const word = typed.toLowerCase()
  const people = (await whoCanSee(c.var.db, viewerOf(c), lead.id))
    .filter((m) => m.userId !== c.var.user?.id && m.name.toLowerCase().startsWith(word))
    .slice(0, 8)
  return c.html(<MentionSuggestions people={people} />)
})

collaborationRoutes.post('/:leadId/notes', async (c) => {
  const leadId = c.req.param('leadId')
  const { body } = await parseForm(c, noteSchema)
  await publish(c, leadId, [await addNote(c.var.db, viewerOf(c), leadId, body, fanOutContext(c))])
  return c.redirect(`${leadPath(c, leadId)}#timeline`, 303)
})

collaborationRoutes.post('/:leadId/communications', async (c) => {
  const leadId = c.req.param('leadId')
  const viewer = viewerOf(c)
  const input = await parseForm(c, communicationSchema(await timeZoneOf(c.var.db, viewer.userId)))
  await publish(c, leadId, [await logCommunication(c.var.db, viewer, leadId, input, fanOutContext(c))])
  return c.redirect(`${leadPath(c, leadId)}#communications`, 303)
})

collaborationRoutes.get('/:leadId/communications/:communicationId/edit', async (c) => {
  const viewer = viewerOf(c)
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const row = await findCommunication(c.var.db, viewer, lead.id, c.req.param('communicationId'))
  if (!canChangeCommunication(viewer, row)) {
    throw new Refusal(403, 'Only whoever logged this communication, an Owner or an Admin can change it.')
  }
  const timeZone = await timeZoneOf(c.var.db, viewer.userId)
  return c.render(
    <EditCommunicationPage
      lead={lead}
      communicationId={row.id}
      values={communicationValues(row, timeZone)}
      timeZone={timeZone}
    />,
  )
})

collaborationRoutes.post('/:leadId/communications/:communicationId', async (c) => {
  const viewer = viewerOf(c)
  const lead = await authorizeLead(c, c.req.param('leadId'))
  const id = c.req.param('communicationId')
  const timeZone = await timeZoneOf(c.var.db, viewer.userId)
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
    return c.render(
      <EditCommunicationPage
        lead={lead}
        communicationId={id}
        values={values}
        errors={refusal.errors}
        alert={alert}
        timeZone={timeZone}
      />,
    )
  })
  const row = await findCommunication(c.var.db, viewer, lead.id, id)
  if (!canChangeCommunication(viewer, row)) {
    throw new Refusal(403, 'Only whoever logged this communication, an Owner or an Admin can change it.')
  }
  const input = await parseForm(c, communicationSchema(timeZone))
  await publish(c, lead.id, [await editCommunication(c.var.db, viewer, lead.id, id, input)])
  return c.redirect(`${leadPath(c, lead.id)}#communications`, 303)
})

collaborationRoutes.post('/:leadId/communications/:communicationId/delete', async (c) => {
  const leadId = c.req.param('leadId')
  const id = await deleteCommunication(c.var.db, viewerOf(c), leadId, c.req.param('communicationId'))
  await publish(c, leadId, [id])
  return c.redirect(`${leadPath(c, leadId)}#communications`, 303)
})

collaborationRoutes.post('/:leadId/tasks', async (c) => {
  const leadId = c.req.param('leadId')
  const viewer = viewerOf(c)
  const input = await parseForm(c, taskSchema(await timeZoneOf(c.var.db, viewer.userId)))
  await publish(c, leadId, [await createTask(c.var.db, viewer, leadId, input, fanOutContext(c))])
  return c.redirect(`${leadPath(c, leadId)}#tasks`, 303)
})

/**
 * `GET …/live`: the lead's WebSocket (timeline entries and presence as htmx out-of-band fragments).
 * The Worker checks the viewer may see the lead (404 otherwise) before the lead's room accepts it.
 */
collaborationRoutes.get('/:leadId/live', async (c) => {
  const lead = await authorizeLead(c, c.req.param('leadId'))
  if (c.req.header('Upgrade') !== 'websocket') return c.text('Expected a WebSocket', 426)
  const headers = new Headers(c.req.raw.headers)
  headers.set(VIEWER_ID_HEADER, viewerOf(c).userId)
  headers.set(VIEWER_NAME_HEADER, encodeURIComponent(c.var.user?.name ?? ''))
  return leadRoom(c.env, lead.id).fetch(new Request(c.req.url, { headers }))
})
