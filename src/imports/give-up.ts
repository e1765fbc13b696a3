/**
 * Giving up an import chunk out of tries (sent MAX_SENDS times, src/imports/pending.ts): its rows are reported
 * as not saved and the import finishes; an undo with only such chunks left stops. Called by the dead-letter
 * consumer (src/imports/queue.ts) and the sweep (src/imports/sweep.ts). docs/ARCHITECTURE.md, "Imports".
 */
import { eq, sql } from 'drizzle-orm'
import type { AnyUnit } from '../access/unit'
import { runBatch } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { importJobChunks, importJobs, importPendingChunks } from '../db/schema'
import { donePending, MAX_SENDS } from './pending'
import { stopUndo } from './undo'

/**
 * Gives up chunk `work` of an import: in one batch records it as finished (in `import_job_chunks`, with
 * no leads, so a late message of it writes nothing), appends its rows to the report's rejected rows with
 * `reason`, counts them in `notSaved` and as processed (the job is `done` with its last chunk), and
 * deletes its pending row. One SQL statement appends to the report, so chunks of one job given up at the
 * same time never overwrite each other's rows. A chunk already written or given up changes nothing.
 * @returns false when the chunk was already finished
 */
export async function giveUpChunk(
  unit: AnyUnit,
  work: { jobId: string; seq: number; rows: { row: number }[] },
  reason: string,
): Promise<boolean> {
  const { db, now } = unit
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
      donePending(unit, work.jobId, 'import', work.seq),
    ])
  } catch (error) {
    if (uniqueViolation(error, 'import_job_chunks.')) return false
    throw error
  }
  return true
}

/** What the report says of the rows of a chunk given up after `sends` sends. */
function notSavedReason(sends: number, lastError: string | null): string {
  return `Not saved: the server failed on them ${sends} ${sends === 1 ? 'time' : 'times'} (${lastError ?? 'its work was lost on the way'}).`
}

/**
 * After every try of chunk `pending` (a row of `import_pending_chunks` sent MAX_SENDS times): an import
 * chunk is given up (its rows reported as not saved, `giveUpChunk`); an undo that has only such chunks
 * left is `stopped` (`stopUndo` in src/imports/undo.ts). A chunk with sends left is left to the sweep.
 */
export async function giveUpIfOutOfTries(
  unit: AnyUnit,
  pending: typeof importPendingChunks.$inferSelect,
): Promise<void> {
  if (pending.sends < MAX_SENDS) return
  if (pending.kind === 'undo') await stopUndo(unit, pending.jobId)
  else
    await giveUpChunk(
      unit,
      // Written by startImport from the chunk's ImportRow values.
      { jobId: pending.jobId, seq: pending.seq, rows: pending.rows as { row: number }[] },
      notSavedReason(pending.sends, pending.lastError),
    )
}
