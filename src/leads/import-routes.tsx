/** `/o/{slug}/leads/import`: upload form, upload, and each import's progress / report. */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { notFound, Refusal } from '../lib/errors'
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

/** The upload form: one non-empty CSV file of at most MAX_IMPORT_BYTES. */
const uploadSchema = z.object({
  file: z.instanceof(File, { message: 'Choose a CSV file to import.' }).superRefine((file, ctx) => {
    if (file.size === 0)
      ctx.addIssue({ code: 'custom', message: `The file ${file.name ? `"${file.name}" ` : ''}is empty.` })
    else if (file.size > MAX_IMPORT_BYTES)
      ctx.addIssue({
        code: 'custom',
        message: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files.`,
      })
  }),
})

importRoutes.post('/', async (c) => {
  const viewer = viewerOf(c)
  onRefusal(c, async (refusal) => {
    const jobs = await recentImportJobs(c.var.db, viewer)
    c.status(refusal.status)
    return c.render(<ImportPage jobs={jobs} error={refusal.errors.file ?? refusal.message} />)
  })
  const { file } = await parseForm(c, uploadSchema)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await file.arrayBuffer())
  } catch {
    throw new Refusal(422, 'The file is not UTF-8 text. Export it as "CSV UTF-8" and try again.', { field: 'file' })
  }
  const parsed = parseLeadCsv(text)
  const fileName = (file.name || 'upload.csv').slice(0, 200)
  const jobId = await startImport(c.var.db, c.env.IMPORT_QUEUE, viewer, fileName, parsed)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/import/${jobId}`, 303)
})

importRoutes.get('/:jobId', async (c) => {
  const job = await findImportJob(c.var.db, viewerOf(c), c.req.param('jobId'))
  if (!job) throw notFound()
  if (c.req.header('HX-Request') === 'true')
    return c.html(<ImportProgress slug={c.var.orgContext.org.slug} job={job} />)
  return c.render(<ImportJobPage job={job} />)
})
