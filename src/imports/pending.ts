/**
 * Chunks of import work not finished yet (`import_pending_chunks`): each chunk of an import, or of its
 * undo, is recorded when the job starts and deleted by the batch that writes, undoes or gives it up, so
 * D1 always holds what is left to do and how often it was sent. The sweep (src/imports/sweep.ts) sends it
 * again when the job stops moving. docs/ARCHITECTURE.md, "Imports".
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit } from '../access/unit'
import { importPendingChunks, type IMPORT_CHUNK_KINDS } from '../db/schema'

/** `import` (rows to write) or `undo` (a chunk's leads to archive). */
export type ChunkKind = (typeof IMPORT_CHUNK_KINDS)[number]

/**
 * A job whose progress has not moved for this long (ms) has lost chunks: the sweep sends them again.
 * About five times as long as a failing message's queue retries take (2 + 4 + 8 + 16 + 32 s).
 */
export const IMPORT_STALL_MS = 5 * 60_000

/** How often the cron runs the sweep (ms): `[triggers] crons` in wrangler.toml. */
export const SWEEP_EVERY_MS = 5 * 60_000

/** Times a chunk is handed over (the first send and the sweep's) before it is given up. */
export const MAX_SENDS = 3

/**
 * No progress for this long (ms) and the report calls a job stalled and stops polling: longer than a
 * failing chunk's whole retry sequence (about a minute), while a moving job advances every few seconds.
 */
export const SHOWN_STALLED_AFTER_MS = 2 * 60_000

/**
 * Whether a job whose progress last moved at `updatedAt` (epoch ms) is stalled at `now`, and the latest
 * time the sweep takes it up: the first cron tick after IMPORT_STALL_MS (epoch ms).
 */
export function stallOf(updatedAt: number, now: number): { stalled: boolean; resumesBy: number } {
  return { stalled: now - updatedAt >= SHOWN_STALLED_AFTER_MS, resumesBy: updatedAt + IMPORT_STALL_MS + SWEEP_EVERY_MS }
}

/** The statement deleting pending chunk `seq` of kind `kind` of job `jobId` (it is done or given up). */
export function donePending(unit: AnyUnit, jobId: string, kind: ChunkKind, seq: number): BatchItem<'sqlite'> {
  return unit.db.delete(importPendingChunks).where(pendingKey(jobId, kind, seq))
}

function pendingKey(jobId: string, kind: ChunkKind, seq: number) {
  return and(eq(importPendingChunks.jobId, jobId), eq(importPendingChunks.kind, kind), eq(importPendingChunks.seq, seq))
}

/** The first line of an error's message, and of its cause's (Drizzle wraps D1's errors), at most 200 characters. */
function errorText(error: unknown): string {
  const line = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]
  const cause = error instanceof Error && error.cause !== undefined ? `: ${line(error.cause)}` : ''
  return `${line(error)}${cause}`.slice(0, 200)
}

/** Keeps `error` (errorText) as the last error met on the pending chunk; never throws. */
export async function recordChunkError(
  unit: AnyUnit,
  chunk: { jobId: string; seq: number },
  kind: ChunkKind,
  error: unknown,
): Promise<void> {
  await unit.db
    .update(importPendingChunks)
    .set({ lastError: errorText(error) })
    .where(pendingKey(chunk.jobId, kind, chunk.seq))
    .run()
    .catch((e: unknown) => console.error('could not record the import chunk error', chunk.jobId, chunk.seq, e))
}

/** The pending chunk `seq` of kind `kind` of job `jobId` (null: done, given up, or never recorded). */
export async function findPending(unit: AnyUnit, jobId: string, kind: ChunkKind, seq: number) {
  return (
    (await unit.db
      .select()
      .from(importPendingChunks)
      .where(pendingKey(jobId, kind, seq))
      .get()) ?? null
  )
}
