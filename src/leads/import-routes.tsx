/** `/o/{slug}/leads/import`: upload form, upload, and each import's progress / report. */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { z } from 'zod'
import { formTokenField, formTokenOf, once } from '../db/idempotency'
import type { App } from '../env'
import { leadRouter } from './routing'
import { notFound, Refusal } from '../lib/errors'
import { textProblem } from '../lib/text'
import { parseForm } from '../views/form-input'
import { onRefusal } from '../views/render-error'
import { MAX_IMPORT_BYTES, parseLeadCsv } from './import-parse'
import { findImportJob, recentImportJobs, startImport } from './import-jobs'
import { ImportJobPage, ImportPage, ImportProgress } from './import-views'
import { viewerOf } from '../access/context'

export const importRoutes = new Hono<App>()

importRoutes.get('/', async (c) => {
  const jobs = await recentImportJobs(c.var.db, viewerOf(c))
  return c.render(<ImportPage jobs={jobs} />)
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

/** A refused upload re-renders the upload page with the reason (set before the body is read). */
const importPageOnRefusal = createMiddleware<App>(async (c, next) => {
  onRefusal(c, async (refusal) => {
    const jobs = await recentImportJobs(c.var.db, viewerOf(c))
    c.status(refusal.status)
    return c.render(<ImportPage jobs={jobs} error={refusal.errors.file ?? refusal.message} />)
  })
  await next()
})

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

importRoutes.post('/', importPageOnRefusal, uploadLimit, async (c) => {
  const viewer = viewerOf(c)
  const { file, formToken } = await parseForm(c, uploadSchema)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await file.arrayBuffer())
  } catch {
    throw new Refusal(422, 'The file is not UTF-8 text. Export it as "CSV UTF-8" and try again.', { field: 'file' })
  }
  const fileName = file.name || 'upload.csv'
  const badName = textProblem(fileName, 'file name', 200)
  if (badName) throw new Refusal(422, badName, { field: 'file' })
  const parsed = parseLeadCsv(text)
  // The same upload sent twice (one formToken) makes one import; the repeat goes to its page.
  const path = (jobId: string) => `/o/${c.var.orgContext.org.slug}/leads/import/${jobId}`
  const location = await once(c.var.db, formTokenOf({ formToken }, viewer.orgId), async (remember) =>
    path(
      await startImport(
        c.var.db,
        c.env.IMPORT_QUEUE,
        viewer,
        fileName,
        parsed,
        Date.now(),
        (id) => remember(path(id)),
        leadRouter(c.env),
      ),
    ),
  )
  return c.redirect(location, 303)
})

importRoutes.get('/:jobId', async (c) => {
  const job = await findImportJob(c.var.db, viewerOf(c), c.req.param('jobId'))
  if (!job) throw notFound()
  if (c.req.header('HX-Request') === 'true')
    return c.html(<ImportProgress slug={c.var.orgContext.org.slug} job={job} />)
  return c.render(<ImportJobPage job={job} />)
})
