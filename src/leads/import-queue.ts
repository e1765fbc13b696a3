/**
 * The import queue: a large CSV file is parsed in the request and its rows handed over here in
 * chunks, because Workers cap the number of queries of one invocation. The consumer writes each
 * chunk (import-writer.ts) or undoes it (import-undo.ts) and retries failures with backoff; a message
 * that runs out of retries goes to `leadpool-import-dlq`. A chunk given up after MAX_SENDS sends is
 * recorded in the job's report as rows not saved, so the import always finishes and says what was not
 * saved. docs/ARCHITECTURE.md, "Imports".
 */
import { eq, sql } from 'drizzle-orm'
import { runBatch, type Database } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { importJobChunks, importJobs, importPendingChunks } from '../db/schema'
import { writeImportChunk, type ImportChunk } from './import-writer'
import { stopUndo, undoChunk, type UndoChunk } from './import-undo'
import { donePending, findPending, MAX_SENDS, recordChunkError } from './import-pending'
import type { LeadRouter } from './routed'
import type { ImportChunkMessage } from '../lib/queue-messages'

/** Queue names as in wrangler.toml. */
export const IMPORT_QUEUE_NAME = 'leadpool-import'
export const IMPORT_DEAD_LETTER_QUEUE_NAME = 'leadpool-import-dlq'

/** First retry delay in seconds, as `retry_delay` of the consumer in wrangler.toml; doubles each attempt. */
export const IMPORT_RETRY_BASE_SECONDS = 2

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
export async function enqueueImportChunks<T extends ImportChunkMessage>(
  queue: Queue<ImportChunkMessage>,
  chunks: T[],
): Promise<{ unsent: T[]; error?: unknown }> {
  const batches: T[][] = []
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
 * Gives up chunk `work` of an import: in one batch records it as finished (in `import_job_chunks`, with
 * no leads, so a late message of it writes nothing), appends its rows to the report's rejected rows with
 * `reason`, counts them in `notSaved` and as processed (the job is `done` with its last chunk), and
 * deletes its pending row. One SQL statement appends to the report, so chunks of one job given up at the
 * same time never overwrite each other's rows. A chunk already written or given up changes nothing.
 * @returns false when the chunk was already finished
 */
export async function giveUpChunk(
  db: Database,
  work: { jobId: string; seq: number; rows: { row: number }[] },
  reason: string,
  now = Date.now(),
): Promise<boolean> {
  const added = JSON.stringify(work.rows.map((r) => ({ row: r.row, reason })))
  const n = work.rows.length
  // The rejected rows so far, then the new ones, in order, as one JSON array.
  const rejected = sql`(SELECT json_group_array(json(value)) FROM (
    SELECT 0 AS part, key, value FROM json_each(${importJobs.report}, '$.rejected')
    UNION ALL SELECT 1, key, value FROM json_each(${added})
    ORDER BY part, key))`
  const notSaved = sql`coalesce(json_extract(${importJobs.report}, '$.notSaved'), 0) + ${n}`
  try {
    await runBatch(db, [
      // First, so a chunk written (or given up) meanwhile fails the whole batch.
      db.insert(importJobChunks).values({ jobId: work.jobId, seq: work.seq, leadIds: [], createdAt: now }),
      db
        .update(importJobs)
        .set({
          report: sql`json_set(${importJobs.report}, '$.rejected', ${rejected}, '$.notSaved', ${notSaved})`,
          processedRows: sql`${importJobs.processedRows} + ${n}`,
          status: sql`CASE WHEN ${importJobs.processedRows} + ${n} >= ${importJobs.totalRows} THEN 'done' ELSE ${importJobs.status} END`,
          updatedAt: now,
        })
        .where(eq(importJobs.id, work.jobId)),
      donePending(db, work.jobId, 'import', work.seq),
    ])
  } catch (error) {
    if (uniqueViolation(error, 'import_job_chunks.')) return false
    throw error
  }
  return true
}

/** What the report says of the rows of a chunk given up after `sends` sends. */
export function notSavedReason(sends: number, lastError: string | null): string {
  return `Not saved: the server failed on them ${sends} ${sends === 1 ? 'time' : 'times'} (${lastError ?? 'its work was lost on the way'}).`
}

/**
 * After every try of chunk `pending` (a row of `import_pending_chunks` sent MAX_SENDS times): an import
 * chunk is given up (its rows reported as not saved, `giveUpChunk`); an undo that has only such chunks
 * left is `stopped` (import-undo.ts `stopUndo`). A chunk with sends left is left to the sweep.
 */
export async function giveUpIfOutOfTries(
  db: Database,
  pending: typeof importPendingChunks.$inferSelect,
  now = Date.now(),
): Promise<void> {
  if (pending.sends < MAX_SENDS) return
  if (pending.kind === 'undo') await stopUndo(db, pending.jobId, now)
  else
    await giveUpChunk(
      db,
      // Written by startImport from the chunk's ImportRow values.
      { jobId: pending.jobId, seq: pending.seq, rows: pending.rows as { row: number }[] },
      notSavedReason(pending.sends, pending.lastError),
      now,
    )
}

/**
 * Routes the leads `leadIds` that chunk `work` created with the router `route` (made by `leadRouter` of
 * leads/routing.ts, which logs its own failures) when the importer chose the organization's routing; otherwise
 * does nothing.
 */
export async function routeImported(route: LeadRouter | undefined, work: ImportChunk, leadIds: string[]) {
  if (route && work.options?.routing.to === 'organization') await route(work.orgId, leadIds, work.actorId)
}

/**
 * Queue consumer of `leadpool-import`: writes (or undoes) each chunk, then routes the leads a chunk
 * created (`routeImported`). A failure is kept on the chunk's pending row and retried after
 * 2 · 2^(attempts−1) s; after `max_retries` the queue moves the message to the dead letters.
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
      await recordChunkError(db, body, isUndo(body) ? 'undo' : 'import', error)
      message.retry({ delaySeconds: IMPORT_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1) })
    }
  }
}

/**
 * Queue consumer of `leadpool-import-dlq` (chunks that failed every retry): a chunk sent MAX_SENDS times
 * is given up at once (`giveUpIfOutOfTries`); any other is left pending for the sweep to send again.
 * Always acknowledges: D1 keeps what is left to do, so a lost dead letter loses nothing.
 */
export async function handleImportDeadLetters(batch: MessageBatch<ImportChunkMessage>, db: Database): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body
    console.error('import chunk dead-lettered', body.jobId, body.seq)
    try {
      const pending = await findPending(db, body.jobId, isUndo(body) ? 'undo' : 'import', body.seq)
      if (pending) await giveUpIfOutOfTries(db, pending)
    } catch (error) {
      console.error('import dead letter not handled; the sweep takes the chunk up', body.jobId, body.seq, error)
    }
    message.ack()
  }
}
