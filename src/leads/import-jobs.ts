/**
 * An import from start to report: creates the job, then writes small files at once and hands large
 * ones to the queue in chunks.
 */
import { and, desc, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch, type Database } from '../db/client'
import { importJobs, type ImportJob } from '../db/schema'
import { newId } from '../lib/ids'
import type { ParsedImport } from './import-parse'
import { enqueueImportChunks, giveUpChunk, jsonBytes, MAX_MESSAGE_BYTES, type ImportChunkMessage } from './import-queue'
import { ROWS_PER_CHUNK, writeImportChunk, type ImportChunk } from './import-writer'
import type { LeadRouter } from './routed'
import type { ImportRow } from './import-parse'
import { isAgent, type Viewer } from '../access/viewer'

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

/**
 * Creates the import job for `parsed` and starts writing it. `also(jobId)`: statements to run first
 * in the batch that creates the job (e.g. recording the form token, db/idempotency.ts). `route`: routes the
 * leads each chunk created by the organization's routing setting (leads/routing.ts `leadRouter`).
 * @returns the job id; the job is `done` on return when the file was small, else `processing`
 */
export async function startImport(
  db: Database,
  queue: Queue<ImportChunkMessage>,
  viewer: Viewer,
  fileName: string,
  parsed: ParsedImport,
  now = Date.now(),
  also: (jobId: string) => BatchItem<'sqlite'>[] = () => [],
  route?: LeadRouter,
): Promise<string> {
  const jobId = newId()
  const total = parsed.rows.length
  const job = db.insert(importJobs).values({
    id: jobId,
    orgId: viewer.orgId,
    createdBy: viewer.userId,
    fileName,
    status: total === 0 ? 'done' : 'processing',
    totalRows: total,
    report: parsed.report,
    createdAt: now,
    updatedAt: now,
  })
  await runBatch(db, [...also(jobId), job])
  const chunks: ImportChunk[] = chunkImportRows(parsed.rows).map((rows, seq) => ({
    jobId,
    orgId: viewer.orgId,
    actorId: viewer.userId,
    seq,
    rows,
  }))
  if (total <= INLINE_ROWS) {
    for (const work of chunks) {
      const { leadIds } = await writeImportChunk(db, work, now)
      if (route) await route(work.orgId, leadIds, work.actorId)
    }
    return jobId
  }
  // Rows that cannot be handed over are reported as not saved, so the job still finishes.
  const { unsent, error } = await enqueueImportChunks(queue, chunks)
  for (const work of unsent) await giveUpChunk(db, work, error)
  return jobId
}

/** Import jobs `viewer` may see: their own, or all of the organization for Owners and Admins. */
function visibleJobs(viewer: Viewer) {
  const inOrg = eq(importJobs.orgId, viewer.orgId)
  return isAgent(viewer) ? and(inOrg, eq(importJobs.createdBy, viewer.userId)) : inOrg
}

/** The job `jobId` if `viewer` may see it, else null. */
export async function findImportJob(db: Database, viewer: Viewer, jobId: string): Promise<ImportJob | null> {
  return (
    (await db
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.id, jobId), visibleJobs(viewer)))
      .get()) ?? null
  )
}

/** The 10 most recent imports `viewer` may see, newest first. */
export async function recentImportJobs(db: Database, viewer: Viewer): Promise<ImportJob[]> {
  return db.select().from(importJobs).where(visibleJobs(viewer)).orderBy(desc(importJobs.createdAt)).limit(10).all()
}
