/**
 * The import queue: a large CSV file is parsed in the request and its rows handed over here in
 * chunks, because Workers cap the number of queries of one invocation. The consumer writes each
 * chunk (src/imports/writer.ts) or undoes it (src/imports/undo.ts) and retries failures with backoff; a message
 * that runs out of retries goes to `leadpool-import-dlq`, whose consumer gives up a chunk sent MAX_SENDS times
 * (src/imports/give-up.ts): its rows are recorded in the job's report as not saved, so the import always
 * finishes and says what was not saved. docs/ARCHITECTURE.md, "Imports".
 */
import type { SystemUnit, UnitBindings } from '../access/unit'
import { writeImportChunk, type ImportChunk } from './writer'
import { undoChunk, type UndoChunk } from './undo'
import { findPending, recordChunkError } from './pending'
import { giveUpIfOutOfTries } from './give-up'
import type { LeadRouter } from '../leads/routed'
import { leadRouter } from '../leads/routing'
import { publishListChanges } from '../leads/live-lists'
import type { Env } from '../env'
import { systemUnits } from '../orgs/org-units'
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
 * Routes the leads `leadIds` that chunk `work` created with the router given (made by `leadRouter` of
 * leads/routing.ts; it logs its own failures) when the importer chose the organization's routing; otherwise does
 * nothing.
 */
export async function routeImported(route: LeadRouter | undefined, work: ImportChunk, leadIds: string[]) {
  if (route && work.options?.routing.to === 'organization') await route(work.orgId, leadIds, work.actorId)
}

/**
 * Runs `each` for every message of `batch` in a unit of its organization (Leadpool acting, clock read once
 * for the batch); a message whose organization no longer exists is acknowledged and logged (nothing to do).
 */
async function perOrganization(
  batch: MessageBatch<ImportChunkMessage>,
  env: UnitBindings,
  each: (unit: SystemUnit, message: Message<ImportChunkMessage>) => Promise<void>,
): Promise<void> {
  const units = await systemUnits(
    env,
    batch.messages.map((m) => m.body.orgId),
    Date.now(),
  )
  for (const message of batch.messages) {
    const unit = units.get(message.body.orgId)
    if (unit) await each(unit, message)
    else {
      console.error('import chunk of an organization that no longer exists', message.body.jobId, message.body.seq)
      message.ack()
    }
  }
}

/**
 * Queue consumer of `leadpool-import`: writes (or undoes) each chunk in a unit of its organization
 * (`unitFor`, src/access/unit.ts), then routes the leads a chunk created (`routeImported`, with `leadRouter`
 * of src/leads/routing.ts). A failure is kept on the chunk's pending row and retried after
 * 2 · 2^(attempts−1) s; after `max_retries` the queue moves the message to the dead letters.
 */
export async function handleImportBatch(batch: MessageBatch<ImportChunkMessage>, env: Env): Promise<void> {
  const route = leadRouter(env)
  await perOrganization(batch, env, async (unit, message) => {
    const body = message.body
    try {
      if (isUndo(body)) {
        await undoChunk(unit, body)
        message.ack()
        await publishListChanges(env, unit, unit.now)
      } else {
        const { leadIds } = await writeImportChunk(unit, body)
        message.ack()
        await routeImported(route, body, leadIds)
        await publishListChanges(env, unit, unit.now)
      }
    } catch (error) {
      console.error('import chunk failed', body.jobId, body.seq, message.attempts, error)
      await recordChunkError(unit, body, isUndo(body) ? 'undo' : 'import', error)
      message.retry({ delaySeconds: IMPORT_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1) })
    }
  })
}

/**
 * Queue consumer of `leadpool-import-dlq` (chunks that failed every retry): a chunk sent MAX_SENDS times
 * is given up at once (`giveUpIfOutOfTries`, in a unit of its organization); any other is left pending for
 * the sweep to send again. Always acknowledges: D1 keeps what is left to do, so a lost dead letter loses nothing.
 */
export async function handleImportDeadLetters(
  batch: MessageBatch<ImportChunkMessage>,
  env: UnitBindings,
): Promise<void> {
  await perOrganization(batch, env, async (unit, message) => {
    const body = message.body
    console.error('import chunk dead-lettered', body.jobId, body.seq)
    try {
      const pending = await findPending(unit, body.jobId, isUndo(body) ? 'undo' : 'import', body.seq)
      if (pending) await giveUpIfOutOfTries(unit, pending)
    } catch (error) {
      console.error('import dead letter not handled; the sweep takes the chunk up', body.jobId, body.seq, error)
    }
    message.ack()
  })
}
