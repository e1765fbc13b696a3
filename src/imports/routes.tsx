/** `/o/{slug}/leads/import`: upload form, upload, the mapping step, and each import's progress / report. */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { formTokenField, formTokenOf, once } from '../db/idempotency'
import type { App, RefusalPage } from '../env'
import { leadRouter } from '../leads/routing'
import { notFound, Refusal } from '../lib/errors'
import { textProblem } from '../lib/text'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { columnSamples, columnValues, MAX_IMPORT_BYTES, parseLeadCsv, readCsv, type ColumnMapping } from './parse'
import { findImportJob, leadsByEmail, recentImportJobs, startImport } from './jobs'
import { createImportDraft, uploadedText } from './drafts'
import { undoImport, undoProblem } from './undo'
import { ImportPage } from './views'
import { ImportJobPage, ImportProgress } from './report-views'
import { ImportMappingPage } from './mapping-views'
import { isManager } from '../access/viewer'
import { LEAD_STATUSES, type ImportJob } from '../db/schema'
import { assignableMembers } from '../orgs/members'
import { isColumnTarget } from './columns'
import { decodeUpload } from './decode'
import {
  chosenMapping,
  headersKey,
  preselectedMapping,
  rememberMapping,
  resolveRouting,
  ROUTING_CHOICES,
} from './mapping'

export const importRoutes = new Hono<App>()

importRoutes.get('/', async (c) => {
  const jobs = await recentImportJobs(c.var.unit)
  return c.render(<ImportPage jobs={jobs} />, { title: 'Import leads' })
})

const TOO_LARGE = `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files.`

/** The upload form: one non-empty CSV file of at most MAX_IMPORT_BYTES. */
const uploadSchema = z.object({
  file: z.instanceof(File, { message: 'Choose a CSV file to import.' }).superRefine((file, ctx) => {
    if (file.size === 0)
      ctx.addIssue({ code: 'custom', message: `The file ${file.name ? `"${file.name}" ` : ''}is empty.` })
    else if (file.size > MAX_IMPORT_BYTES) ctx.addIssue({ code: 'custom', message: TOO_LARGE })
  }),
  formToken: formTokenField,
})

/** A refused upload re-renders the upload page with the reason (named before the body is read). */
const importPageAgain: RefusalPage = async (c, refusal) => {
  const jobs = await recentImportJobs(c.var.unit)
  c.status(refusal.status)
  return c.render(<ImportPage jobs={jobs} error={refusal.errors.file ?? refusal.message} />, {
    title: 'Import leads',
  })
}

/** Room for the multipart envelope (boundary lines, part headers) around a file of MAX_IMPORT_BYTES. */
const MULTIPART_ALLOWANCE = 64 * 1024

/**
 * Refuses an upload body larger than a maximal file plus its envelope before it is read into memory:
 * at once from its Content-Length, or as soon as a streamed body passes the limit.
 * @throws Refusal 422 (shown on the upload page)
 */
const uploadLimit = bodyLimit({
  maxSize: MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE,
  onError: () => {
    throw new Refusal(422, TOO_LARGE, { field: 'file' })
  },
})

importRoutes.post('/', refusalPage(importPageAgain), uploadLimit, async (c) => {
  const { unit } = c.var
  const { file, formToken } = await parseForm(c, uploadSchema)
  const { text, encoding } = decodeUpload(new Uint8Array(await file.arrayBuffer()))
  const fileName = file.name || 'upload.csv'
  const badName = textProblem(fileName, 'file name', 200)
  if (badName) throw new Refusal(422, badName, { field: 'file' })
  readCsv(text) // refuses a file without header or rows before anything is kept
  // The same upload sent twice (one formToken) makes one draft; the repeat goes to its mapping step.
  const path = (jobId: string) => `/o/${c.var.orgContext.org.slug}/leads/import/${jobId}`
  const location = await once(unit.db, formTokenOf({ formToken }, unit.org.id), async (remember) =>
    path(await createImportDraft(unit, { name: fileName, text, encoding }, { also: (id) => remember(path(id)) })),
  )
  return c.redirect(location, 303)
})

/** The import job `jobId` the viewer may see. @throws Refusal 404 */
async function visibleJob(c: Context<App>): Promise<ImportJob> {
  const job = await findImportJob(c.var.unit, c.req.param('jobId') ?? '')
  if (!job) throw notFound()
  return job
}

/**
 * The mapping step of draft `job`: columns with samples and their target (`mapping`, by default the
 * remembered or suggested one), the status values, the routing choices; `error` says why a
 * confirmation was refused.
 */
async function mappingPage(
  c: Context<App>,
  job: ImportJob,
  chosen?: { mapping?: ColumnMapping; routing?: string; assigneeId?: string; updateEmpty?: boolean },
  error?: { field: string; message: string },
) {
  const { unit } = c.var
  const { viewer } = unit
  const table = readCsv(await uploadedText(unit, job.id))
  const preselected = await preselectedMapping(unit, table.headers)
  const mapping = chosen?.mapping ?? preselected.mapping
  const statusColumn = mapping.columns.indexOf('status')
  const members = isManager(viewer) ? await assignableMembers(unit) : []
  const orgRouting = c.var.orgContext.org.routing
  return c.render(
    <ImportMappingPage
      job={job}
      headers={table.headers}
      samples={columnSamples(table)}
      mapping={mapping}
      remembered={!chosen?.mapping && preselected.remembered}
      statusValues={statusColumn < 0 ? [] : columnValues(table, statusColumn)}
      members={members}
      orgRouting={orgRouting}
      routing={{
        choice: chosen?.routing ?? (isManager(viewer) && orgRouting !== 'unassigned' ? 'organization' : 'unassigned'),
        assigneeId: chosen?.assigneeId,
        updateEmpty: chosen?.updateEmpty,
      }}
      error={error}
    />,
    { title: `Import of ${job.fileName}: columns` },
  )
}

importRoutes.get('/:jobId', async (c) => {
  const job = await visibleJob(c)
  if (job.status === 'mapping') return mappingPage(c, job)
  const { unit } = c.var
  const extras = {
    duplicateLeads: await leadsByEmail(
      unit,
      (job.report.duplicateRows ?? []).map((d) => d.email),
    ),
    undoProblem: undoProblem(unit, job),
    now: unit.now,
  }
  if (c.req.header('HX-Request') === 'true')
    return c.html(<ImportProgress slug={c.var.orgContext.org.slug} job={job} extras={extras} />)
  return c.render(<ImportJobPage job={job} extras={extras} />, { title: `Import of ${job.fileName}` })
})

importRoutes.post('/:jobId/undo', async (c) => {
  const job = await visibleJob(c)
  await undoImport(c.var.unit, job, { queue: c.env.IMPORT_QUEUE })
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/import/${job.id}`, 303)
})

/** A form field that may come once or repeated, as a list. */
const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

/** A status for an unrecognised value, or `''`: New, and named in the report. */
const STATUS_CHOICES = ['', ...LEAD_STATUSES] as const

/** The mapping step's form: a target per column, statuses for unknown values, routing, updates. */
const mappingSchema = z.object({
  column: repeated,
  statusValue: repeated,
  statusFor: z
    .union([z.enum(STATUS_CHOICES), z.array(z.enum(STATUS_CHOICES))], 'Choose one of the listed statuses')
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  routing: z.enum(ROUTING_CHOICES, 'Choose where the new leads go').default('unassigned'),
  assigneeId: z.string().max(64).optional(),
  updateEmpty: z.literal('1').optional(),
})

/**
 * A refused confirmation re-renders the mapping step with the reason and the choices made (an import already
 * started: its page).
 */
const mappingAgain: RefusalPage = async (c, refusal) => {
  const job = await visibleJob(c)
  if (job.status !== 'mapping') return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/import/${job.id}`, 303)
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const form = mappingSchema.safeParse(body)
  const table = readCsv(await uploadedText(c.var.unit, job.id))
  // The columns as sent when every one names a field (a forged value keeps the page's own choices instead).
  const columns =
    form.success && form.data.column.length === table.headers.length && form.data.column.every(isColumnTarget)
      ? form.data.column
      : null
  const sent = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined)
  const routing = sent('routing')
  // The choices as sent, each one kept even when another is refused (the columns only when they all read).
  const chosen = {
    mapping: form.success && columns ? chosenMapping(table.headers, { ...form.data, column: columns }) : undefined,
    routing: ROUTING_CHOICES.find((choice) => choice === routing),
    assigneeId: sent('assigneeId'),
    updateEmpty: sent('updateEmpty') === '1',
  }
  const [field, message] = Object.entries(refusal.errors)[0] ?? ['mapping', refusal.message]
  c.status(refusal.status)
  return mappingPage(c, job, chosen, { field, message })
}

importRoutes.post('/:jobId', refusalPage(mappingAgain), async (c) => {
  const { unit } = c.var
  const job = await visibleJob(c)
  const path = `/o/${c.var.orgContext.org.slug}/leads/import/${job.id}`
  // Sent again after the import started (a double click, a reload): its page shows the progress.
  if (job.status !== 'mapping') return c.redirect(path, 303)
  const form = await parseForm(c, mappingSchema)
  const table = readCsv(await uploadedText(unit, job.id))
  const mapping = chosenMapping(table.headers, form)
  const parsed = parseLeadCsv(table, mapping)
  const routing = await resolveRouting(unit, form.routing, form.assigneeId)
  await startImport(unit, job, parsed, {
    choices: { routing, updateEmpty: Boolean(form.updateEmpty) },
    remembered: rememberMapping(unit, await headersKey(table.headers), mapping),
    queue: c.env.IMPORT_QUEUE,
    route: leadRouter(c.env),
  })
  return c.redirect(path, 303)
})
