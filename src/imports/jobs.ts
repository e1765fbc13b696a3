/**
 * Import jobs once the mapping is confirmed: starting a draft (src/imports/drafts.ts) writes small files at
 * once and hands large ones to the queue in chunks; and the jobs a member may see, for the report.
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch } from '../db/client'
import { staleWrite } from '../db/errors'
import { unlessChanged } from '../db/guard'
import { importJobs, importPendingChunks, importUploads, leads, type ImportJob, type ImportOptions } from '../db/schema'
import { emailKey } from '../leads/fields'
import type { ParsedImport } from './parse'
import { enqueueImportChunks, jsonBytes, MAX_MESSAGE_BYTES, routeImported } from './queue'
import type { ImportChunkMessage } from '../lib/queue-messages'
import { ROWS_PER_CHUNK, writeImportChunk, type ImportChunk } from './writer'
import type { LeadRouter } from '../leads/routed'
import type { ImportRow } from './parse'
import type { AnyUnit, Unit } from '../access/unit'
import { isAgent, type Viewer } from '../access/viewer'
import { inIdSet } from '../db/id-sets'
import { selectInto } from '../db/insert-select'

/** Files with at most this many valid rows are written during the upload request. */
export const INLINE_ROWS = 2 * ROWS_PER_CHUNK

/**
 * Splits rows into chunks of at most ROWS_PER_CHUNK rows and MAX_MESSAGE_BYTES of JSON, so each
 * fits one queue message whatever the script of the text (CJK takes 3 bytes a character).
 */
export function chunkImportRows(rows: ImportRow[]): ImportRow[][] {
  const chunks: ImportRow[][] = []
  let bytes = 0
  for (const row of rows) {
    const size = jsonBytes(row) + 1
    const last = chunks[chunks.length - 1]
    if (last && last.length < ROWS_PER_CHUNK && bytes + size <= MAX_MESSAGE_BYTES - 1_000) {
      last.push(row)
      bytes += size
    } else {
      chunks.push([row])
      bytes = size
    }
  }
  return chunks
}

/** JSON bound in one statement when recording chunks (D1 holds at most 2 MB in one value). */
const MAX_JSON_BYTES = 1_000_000

/**
 * Statements recording the import chunks `chunks` of job `jobId` as pending, sent once at the unit's time:
 * one `INSERT … SELECT … FROM json_each(?)` per MB of rows, so a 50,000-row file takes a handful.
 */
function pendingImportChunks(
  unit: AnyUnit,
  jobId: string,
  chunks: { seq: number; rows: unknown[] }[],
): BatchItem<'sqlite'>[] {
  const { db, now } = unit
  const groups: { seq: number; rows: unknown[] }[][] = []
  let bytes = 0
  for (const work of chunks) {
    const size = jsonBytes(work)
    const last = groups[groups.length - 1]
    if (last && bytes + size <= MAX_JSON_BYTES) {
      last.push(work)
      bytes += size
    } else {
      groups.push([work])
      bytes = size
    }
  }
  return groups.map((group) =>
    db.insert(importPendingChunks).select(
      selectInto(
        importPendingChunks,
        {
          jobId,
          kind: 'import',
          seq: sql`json_extract(value, '$.seq')`,
          rows: sql`json_extract(value, '$.rows')`,
          sends: 1,
          sentAt: now,
          lastError: null,
        },
        sql`FROM json_each(${JSON.stringify(group.map(({ seq, rows }) => ({ seq, rows })))})`,
      ),
    ),
  )
}

/**
 * Starts writing the draft `job` with the rows and report of `parsed` and the importer's choices (`options.choices`):
 * in one batch the job becomes `processing` (only if it is still `mapping`: a form sent twice starts
 * once), its uploaded text gives way to its chunks of parsed rows, recorded as pending until each is
 * written (src/imports/pending.ts: what the sweep sends again if they are lost), and `options.remembered` (the
 * organization's mapping for these headers) is saved; then small files are written at once (what fails to be goes to the
 * queue) and large ones handed to `options.queue` in chunks.
 * `options.route`: the organization's routing (leads/routing.ts `leadRouter`), used when the importer chose it.
 * @returns false when the job had already been started (nothing done)
 */
export async function startImport(
  unit: Unit,
  job: ImportJob,
  parsed: ParsedImport,
  {
    choices,
    remembered,
    queue,
    route,
  }: {
    choices: ImportOptions
    remembered: BatchItem<'sqlite'>
    queue: Queue<ImportChunkMessage>
    route?: LeadRouter
  },
): Promise<boolean> {
  const { db, now } = unit
  const total = parsed.rows.length
  const chunks: ImportChunk[] = chunkImportRows(parsed.rows).map((rows, seq) => ({
    jobId: job.id,
    orgId: job.orgId,
    actorId: job.createdBy,
    seq,
    rows,
    options: choices,
  }))
  const stillDraft = sql`EXISTS (SELECT 1 FROM ${importJobs} WHERE ${importJobs.id} = ${job.id} AND ${importJobs.status} = 'mapping')`
  try {
    await runBatch(db, [
      unlessChanged(db, stillDraft),
      db
        .update(importJobs)
        .set({
          status: total === 0 ? 'done' : 'processing',
          totalRows: total,
          report: parsed.report,
          options: choices,
          updatedAt: now,
        })
        .where(eq(importJobs.id, job.id)),
      db.delete(importUploads).where(eq(importUploads.jobId, job.id)),
      ...pendingImportChunks(unit, job.id, chunks),
      remembered,
    ])
  } catch (error) {
    if (staleWrite(error)) return false
    throw error
  }
  let written = 0
  if (total <= INLINE_ROWS) {
    try {
      for (const work of chunks) {
        const { leadIds } = await writeImportChunk(unit, work)
        written++
        await routeImported(route, work, leadIds)
      }
      return true
    } catch (error) {
      // The job has started (committed above): the chunks not written yet go to the queue, which retries them.
      console.error('import rows not written at once; queued instead', job.id, error)
    }
  }
  // Chunks that cannot be handed over stay pending: the sweep sends them.
  const { unsent, error } = await enqueueImportChunks(queue, chunks.slice(written))
  if (unsent.length > 0) console.error('import chunks not queued; the sweep sends them', job.id, unsent.length, error)
  return true
}

/** Import jobs `viewer` may see: their own, or all of the organization for Owners and Admins. */
function visibleJobs(viewer: Viewer) {
  const inOrg = eq(importJobs.orgId, viewer.orgId)
  return isAgent(viewer) ? and(inOrg, eq(importJobs.createdBy, viewer.userId)) : inOrg
}

/** The job `jobId` if the unit's viewer may see it, else null. */
export async function findImportJob(unit: Unit, jobId: string): Promise<ImportJob | null> {
  return (
    (await unit.db
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.id, jobId), visibleJobs(unit.viewer)))
      .get()) ?? null
  )
}

/** The 10 most recent imports the unit's viewer may see, newest first. */
export async function recentImportJobs(unit: Unit): Promise<ImportJob[]> {
  return unit.db
    .select()
    .from(importJobs)
    .where(visibleJobs(unit.viewer))
    .orderBy(desc(importJobs.createdAt))
    .limit(10)
    .all()
}

/**
 * The leads of the unit's organization using the emails of `emails` (normalized), by normalized email: the
 * links of the duplicate rows of a report. One statement whatever the count (`json_each`).
 */
export async function leadsByEmail(unit: AnyUnit, emails: string[]): Promise<Map<string, string>> {
  const keys = [...new Set(emails.map((e) => emailKey(e)).filter((k): k is string => k !== null))]
  if (keys.length === 0) return new Map()
  const rows = await unit.db
    .select({ key: leads.emailNormalized, id: leads.id })
    .from(leads)
    .where(and(eq(leads.orgId, unit.org.id), inIdSet(leads.emailNormalized, keys)))
    .all()
  return new Map(rows.map((r) => [r.key!, r.id]))
}
