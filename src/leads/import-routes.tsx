/** `/o/{slug}/leads/import`: upload form, upload, and each import's progress / report. */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
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

/** Answers 422 with the upload page showing `error`. */
async function refuseImport(c: Context<App>, error: string): Promise<Response> {
  return c.html(<ImportPage {...shellOf(c)} jobs={await recentImportJobs(c.var.db, viewerOf(c))} error={error} />, 422)
}

const TOO_LARGE = `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files.`

/** Room for the multipart envelope (boundary lines, part headers) around a file of MAX_IMPORT_BYTES. */
const MULTIPART_ALLOWANCE = 64 * 1024

/**
 * Refuses an upload body larger than a maximal file plus its envelope before it is read into memory:
 * at once from its Content-Length, or as soon as a streamed body passes the limit.
 */
const uploadLimit = bodyLimit({
  maxSize: MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE,
  // bodyLimit types its context loosely; this middleware only ever runs on importRoutes.
  onError: (c) => refuseImport(c as Context<App>, TOO_LARGE),
})

importRoutes.post('/', uploadLimit, async (c) => {
  const viewer = viewerOf(c)
  const refuse = (error: string) => refuseImport(c, error)

  const body = await c.req.parseBody().catch((): Record<string, string | File> => ({}))
  const file = body.file
  if (!(file instanceof File)) return refuse('Choose a CSV file to import.')
  if (file.size === 0) return refuse(`The file ${file.name ? `"${file.name}" ` : ''}is empty.`)
  if (file.size > MAX_IMPORT_BYTES) return refuse(TOO_LARGE)
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
  const jobId = await startImport(c.var.db, c.env.IMPORT_QUEUE, viewer, fileName, parsed)
  return c.redirect(`/o/${c.var.orgContext.org.slug}/leads/import/${jobId}`, 303)
})

importRoutes.get('/:jobId', async (c) => {
  const job = await findImportJob(c.var.db, viewerOf(c), c.req.param('jobId'))
  if (!job) throw new HTTPException(404, { message: 'Not found' })
  if (c.req.header('HX-Request') === 'true')
    return c.html(<ImportProgress slug={c.var.orgContext.org.slug} job={job} />)
  return c.html(<ImportJobPage {...shellOf(c)} job={job} />)
})
