/**
 * The import queue: a large CSV file is parsed in the request and its rows handed over here in
 * chunks, because Workers cap the number of queries of one invocation. The consumer writes each
 * chunk (import-writer.ts); a chunk that keeps failing is recorded in the job's report as rejected
 * rows, so the import always finishes and says what was not saved.
 */
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { importJobs } from '../db/schema'
import { writeImportChunk, type ImportChunk } from './import-writer'
import { giveUpUndoChunk, undoChunk, type UndoChunk } from './import-undo'
import type { LeadRouter } from './routed'

/** Queue name as in wrangler.toml. */
export const IMPORT_QUEUE_NAME = 'leadpool-import'

/** Must match `max_retries` of the consumer in wrangler.toml (attempts = retries + 1). */
export const IMPORT_MAX_ATTEMPTS = 6

/** First retry delay in seconds, as `retry_delay` of the consumer in wrangler.toml; doubles each attempt. */
export const IMPORT_RETRY_BASE_SECONDS = 2

/** A message of the import queue: a chunk to write, or (`kind: 'undo'`) a chunk to undo (import-undo.ts). */
export type ImportChunkMessage = ImportChunk | UndoChunk

const isUndo = (body: ImportChunkMessage): body is UndoChunk => 'kind' in body && body.kind === 'undo'

/** Queues limits: a message at most 128 KB, a sendBatch at most 100 messages and 256 KB. */
export const MAX_MESSAGE_BYTES = 100_000
const MAX_BATCH_BYTES = 200_000

/** Size in bytes of `value` as JSON (UTF-8), as the queue counts it. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length
}

/**
 * Sends `chunks` (each under MAX_MESSAGE_BYTES) to the queue in as few sendBatch calls as the
 * limits allow.
 * @returns the chunks that could not be sent, with the error (empty when all were sent)
 */
export async function enqueueImportChunks(
  queue: Queue<ImportChunkMessage>,
  chunks: ImportChunk[],
): Promise<{ unsent: ImportChunk[]; error?: unknown }> {
  const batches: ImportChunk[][] = []
  let bytes = 0
  for (const body of chunks) {
    const size = jsonBytes(body)
    const last = batches[batches.length - 1]
    if (last && last.length < 100 && bytes + size <= MAX_BATCH_BYTES) {
      last.push(body)
      bytes += size
    } else {
      batches.push([body])
      bytes = size
    }
  }
  for (const [i, batch] of batches.entries()) {
    try {
      await queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })))
    } catch (error) {
      return { unsent: batches.slice(i).flat(), error }
    }
  }
  return { unsent: [] }
}

/**
 * Records a chunk that could not be written as rejected rows, and counts it as processed. One SQL
 * statement appends to the report and advances the counters, so consumers giving up on chunks of the
 * same job at the same time never overwrite each other's rows. A job that no longer exists is left alone.
 */
export async function giveUpChunk(db: Database, work: ImportChunk, error: unknown): Promise<void> {
  const reason = `Could not be saved (${String(error).slice(0, 200)})`
  const added = JSON.stringify(work.rows.map((r) => ({ row: r.row, reason })))
  const n = work.rows.length
  // The rejected rows so far, then the new ones, in order, as one JSON array.
  const rejected = sql`(SELECT json_group_array(json(value)) FROM (
    SELECT 0 AS part, key, value FROM json_each(${importJobs.report}, '$.rejected')
    UNION ALL SELECT 1, key, value FROM json_each(${added})
    ORDER BY part, key))`
  await db
    .update(importJobs)
    .set({
      report: sql`json_set(${importJobs.report}, '$.rejected', ${rejected})`,
      processedRows: sql`${importJobs.processedRows} + ${n}`,
      status: sql`CASE WHEN ${importJobs.processedRows} + ${n} >= ${importJobs.totalRows} THEN 'done' ELSE ${importJobs.status} END`,
      updatedAt: Date.now(),
    })
    .where(eq(importJobs.id, work.jobId))
}

/**
 * Routes the leads `leadIds` that chunk `work` created with `route` (leads/routing.ts `leadRouter`; it
 * logs its own failures) when the importer chose the organization's routing; otherwise does nothing.
 */
export async function routeImported(route: LeadRouter | undefined, work: ImportChunk, leadIds: string[]) {
  if (route && work.options?.routing.to === 'organization') await route(work.orgId, leadIds, work.actorId)
}

/**
 * Queue consumer: writes (or undoes) each chunk, then routes the leads a chunk created (`routeImported`);
 * retries failures with backoff; gives up after the last try.
 */
export async function handleImportBatch(
  batch: MessageBatch<ImportChunkMessage>,
  db: Database,
  route?: LeadRouter,
): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body
    try {
      if (isUndo(body)) {
        await undoChunk(db, body)
        message.ack()
      } else {
        const { leadIds } = await writeImportChunk(db, body)
        message.ack()
        await routeImported(route, body, leadIds)
      }
    } catch (error) {
      console.error('import chunk failed', body.jobId, body.seq, message.attempts, error)
      if (message.attempts >= IMPORT_MAX_ATTEMPTS) {
        if (isUndo(body)) await giveUpUndoChunk(db, body)
        else await giveUpChunk(db, body, error)
        message.ack()
      } else {
        message.retry({ delaySeconds: IMPORT_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1) })
      }
    }
  }
}
