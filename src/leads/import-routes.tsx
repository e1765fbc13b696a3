/** `/o/{slug}/leads/import`: upload form, upload, and each import's progress / report. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { formTokenOf, once } from '../db/idempotency'
import type { App } from '../env'
import { ImportFileError, MAX_IMPORT_BYTES, parseLeadCsv } from './import-parse'
import { findImportJob, recentImportJobs, startImport } from './import-jobs'
import { ImportJobPage, ImportPage, ImportProgress } from './import-views'
import { shellOf, viewerOf } from '../orgs/context'

export const importRoutes = new Hono<App>()

importRoutes.get('/', async (c) => {
  const jobs = await recentImportJobs(c.var.db, viewerOf(c))
  return c.html(<ImportPage {...shellOf(c)} jobs={jobs} />)
})

importRoutes.post('/', async (c) => {
  const viewer = viewerOf(c)
  const refuse = async (error: string) =>
    c.html(<ImportPage {...shellOf(c)} jobs={await recentImportJobs(c.var.db, viewer)} error={error} />, 422)

  const body = await c.req.parseBody().catch((): Record<string, string | File> => ({}))
  const file = body.file
  if (!(file instanceof File)) return refuse('Choose a CSV file to import.')
  if (file.size === 0) return refuse(`The file ${file.name ? `"${file.name}" ` : ''}is empty.`)
  if (file.size > MAX_IMPORT_BYTES)
    return refuse(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files.`)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await file.arrayBuffer())
  } catch {
    return refuse('The file is not UTF-8 text. Export it as "CSV UTF-8" and try again.')
  }
  let parsed
  try {
    parsed = parseLeadCsv(text)
  } catch (error) {
    if (error instanceof ImportFileError) return refuse(error.message)
    throw error
  }
  const fileName = (file.name || 'upload.csv').slice(0, 200)
  // The same upload sent twice (one formToken) makes one import; the repeat goes to its page.
  const path = (jobId: string) => `/o/${c.var.orgContext.org.slug}/leads/import/${jobId}`
  const location = await once(c.var.db, formTokenOf(body, viewer.orgId), async (remember) =>
    path(
      await startImport(c.var.db, c.env.IMPORT_QUEUE, viewer, fileName, parsed, Date.now(), (id) => remember(path(id))),
    ),
  )
  return c.redirect(location, 303)
})

importRoutes.get('/:jobId', async (c) => {
  const job = await findImportJob(c.var.db, viewerOf(c), c.req.param('jobId'))
  if (!job) throw new HTTPException(404, { message: 'Not found' })
  if (c.req.header('HX-Request') === 'true')
    return c.html(<ImportProgress slug={c.var.orgContext.org.slug} job={job} />)
  return c.html(<ImportJobPage {...shellOf(c)} job={job} />)
})
