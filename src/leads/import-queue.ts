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
import type { LeadRouter } from './routed'

/** Queue name as in wrangler.toml. */
export const IMPORT_QUEUE_NAME = 'leadpool-import'

/** Must match `max_retries` of the consumer in wrangler.toml (attempts = retries + 1). */
export const IMPORT_MAX_ATTEMPTS = 6

/** First retry delay in seconds, as `retry_delay` of the consumer in wrangler.toml; doubles each attempt. */
export const IMPORT_RETRY_BASE_SECONDS = 2

export type ImportChunkMessage = ImportChunk

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
 * Queue consumer: writes each chunk, then routes the leads it created with `route` (leads/routing.ts
 * `leadRouter`; it logs its own failures); retries failures with backoff; gives up after the last try.
 */
export async function handleImportBatch(
  batch: MessageBatch<ImportChunkMessage>,
  db: Database,
  route?: LeadRouter,
): Promise<void> {
  for (const message of batch.messages) {
    try {
      const { leadIds } = await writeImportChunk(db, message.body)
      message.ack()
      if (route) await route(message.body.orgId, leadIds, message.body.actorId)
    } catch (error) {
      console.error('import chunk failed', message.body.jobId, message.body.seq, message.attempts, error)
      if (message.attempts >= IMPORT_MAX_ATTEMPTS) {
        await giveUpChunk(db, message.body, error)
        message.ack()
      } else {
        message.retry({ delaySeconds: IMPORT_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1) })
      }
    }
  }
}
