/**
 * Undoing an import: for 7 days, whoever ran it or an Owner/Admin archives the leads it created that
 * nobody has touched since (no activity but the import's own: no assignment, note, communication,
 * task, status change or edit), keeping the others. Each chunk of the import (its
 * `import_job_chunks` row lists the leads it created) is undone in one atomic batch: the `archived`
 * activities, the archive itself and the job's counters. Small imports are undone in the request,
 * large ones through the import queue, chunk by chunk, with a progress bar; an undo that stops is resumed
 * by the sweep (src/imports/sweep.ts) or by Undo again.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { AnyUnit, Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { runBatch } from '../db/client'
import { staleWrite, uniqueViolation } from '../db/errors'
import { unlessChanged } from '../db/guard'
import {
  activities,
  importJobChunks,
  importJobs,
  importPendingChunks,
  importUndoChunks,
  leads,
  type ImportJob,
} from '../db/schema'
import { Refusal } from '../lib/errors'
import { newId } from '../lib/ids'
import type { ImportUndoMessage } from '../lib/queue-messages'
import { donePending, MAX_SENDS } from './pending'
import { inIdSet } from '../db/id-sets'
import { selectInto } from '../db/insert-select'

/** How long an import can be undone (ms). */
export const UNDO_WINDOW_MS = 7 * 24 * 3600_000

/** Chunks undone during the request; more go through the queue. */
const INLINE_UNDO_CHUNKS = 2

/** One chunk of an undo, as carried by a queue message (src/lib/queue-messages.ts). */
export type UndoChunk = ImportUndoMessage

/** Why the unit's viewer cannot undo `job` at the unit's time, or null when they can (a started undo they may resume). */
export function undoProblem(unit: Unit, job: ImportJob): string | null {
  const { viewer, now } = unit
  if (job.createdBy !== viewer.userId && !isManager(viewer))
    return 'Only the person who ran this import, an Owner or an Admin can undo it.'
  if (job.undoStatus === 'done') return 'This import has already been undone.'
  if (job.status !== 'done') return 'Wait for the import to finish before undoing it.'
  if (!job.undoStatus && now - job.createdAt > UNDO_WINDOW_MS)
    return 'An import can be undone for 7 days; this one is older.'
  return null
}

/**
 * Starts undoing `job` for the unit's viewer, or resumes an undo that stopped or stalled: the first click marks
 * the job and records each of its chunks as pending (src/imports/pending.ts) in one batch guarded so that
 * concurrent clicks start it once; a later click gives the chunks not undone yet their tries again.
 * The pending chunks are then undone at once when there are few, else handed to `options.queue`.
 * @throws Refusal 403 when the viewer may not undo it, 409 when the import is still running, the undo is done or
 *   the import too old
 */
export async function undoImport(unit: Unit, job: ImportJob, options: { queue: Queue<UndoChunk> }): Promise<void> {
  const { db, viewer, now } = unit
  const problem = undoProblem(unit, job)
  if (problem) throw new Refusal(job.createdBy !== viewer.userId && !isManager(viewer) ? 403 : 409, problem)
  const notStarted = sql`EXISTS (SELECT 1 FROM ${importJobs} WHERE ${importJobs.id} = ${job.id} AND ${importJobs.undoStatus} IS NULL)`
  try {
    if (!job.undoStatus)
      await runBatch(db, [
        unlessChanged(db, notStarted),
        db
          .update(importJobs)
          .set({
            undoStatus: job.createdCount === 0 ? 'done' : 'processing',
            undoneBy: viewer.userId,
            undoneAt: now,
            updatedAt: now,
          })
          .where(and(eq(importJobs.id, job.id), eq(importJobs.orgId, viewer.orgId))),
        db.insert(importPendingChunks).select(
          selectInto(
            importPendingChunks,
            {
              jobId: sql`job_id`,
              kind: 'undo',
              seq: sql`seq`,
              rows: '[]',
              sends: 1,
              sentAt: now,
              lastError: null,
            },
            sql`FROM import_job_chunks WHERE job_id = ${job.id}`,
          ),
        ),
      ])
    else await resumeUndo(unit, job.id)
  } catch (error) {
    // Another click started it in between: this one resumes it (which changes nothing more).
    if (!staleWrite(error)) throw error
    await resumeUndo(unit, job.id)
  }
  const actorId = job.undoneBy ?? viewer.userId
  const chunks: UndoChunk[] = (await pendingUndoSeqs(unit, job.id)).map((seq) => ({
    kind: 'undo',
    jobId: job.id,
    orgId: job.orgId,
    actorId,
    seq,
  }))
  if (chunks.length <= INLINE_UNDO_CHUNKS) {
    for (const work of chunks) await undoChunk(unit, work)
    return
  }
  try {
    for (let i = 0; i < chunks.length; i += 100)
      await options.queue.sendBatch(chunks.slice(i, i + 100).map((body) => ({ body, contentType: 'json' as const })))
  } catch (error) {
    // What could not be handed over stays pending: the sweep sends it.
    console.error('undo chunks not queued; the sweep sends them', job.id, error)
  }
}

/** An undo that stopped or stalled runs again: `processing`, each chunk not undone yet with its tries anew. */
async function resumeUndo(unit: AnyUnit, jobId: string) {
  const { db, now } = unit
  await runBatch(db, [
    db
      .update(importJobs)
      .set({ undoStatus: 'processing', updatedAt: now })
      .where(and(eq(importJobs.id, jobId), inArray(importJobs.undoStatus, ['processing', 'stopped']))),
    db
      .update(importPendingChunks)
      .set({ sends: 1, sentAt: now })
      .where(and(eq(importPendingChunks.jobId, jobId), eq(importPendingChunks.kind, 'undo'))),
  ])
}

/** The chunks of the undo of `jobId` not undone yet, by position. */
async function pendingUndoSeqs(unit: AnyUnit, jobId: string): Promise<number[]> {
  const rows = await unit.db
    .select({ seq: importPendingChunks.seq })
    .from(importPendingChunks)
    .where(and(eq(importPendingChunks.jobId, jobId), eq(importPendingChunks.kind, 'undo')))
    .orderBy(asc(importPendingChunks.seq))
    .all()
  return rows.map((r) => r.seq)
}

/**
 * SQL: the lead whose id is `leadId` (SQL) is untouched since import `jobId`: not archived, no activity
 * other than the import's own (those carry its `importId`), no note.
 */
function untouched(leadId: ReturnType<typeof sql>, jobId: string) {
  return sql`NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = ${leadId}
      AND coalesce(json_extract(a.data, '$.importId'), '') <> ${jobId})
    AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.lead_id = ${leadId})
    AND EXISTS (SELECT 1 FROM leads l WHERE l.id = ${leadId} AND l.archived_at IS NULL)`
}

/**
 * Undoes one chunk in one atomic batch: records it (a redelivered message changes nothing), writes an
 * `archived` activity for each of its untouched leads and archives them, and advances the job's
 * counters (`undo_processed`, `undo_archived`; `undo_status` becomes `done` with the last chunk).
 * @returns how many leads of the chunk were looked at (0 when the chunk was already undone)
 */
export async function undoChunk(unit: AnyUnit, work: UndoChunk): Promise<number> {
  const { db, now } = unit
  const chunk = await db
    .select({ leadIds: importJobChunks.leadIds })
    .from(importJobChunks)
    .where(and(eq(importJobChunks.jobId, work.jobId), eq(importJobChunks.seq, work.seq)))
    .get()
  const leadIds = chunk?.leadIds ?? []
  // Activity ids are UUIDv7 made here: one per lead, used only for the leads still untouched.
  const pairs = JSON.stringify(leadIds.map((id) => [id, newId()]))
  const data = JSON.stringify({ via: 'import-undo', importId: work.jobId })
  const archivedHere = sql`(SELECT count(*) FROM activities WHERE ${inIdSet(sql`lead_id`, leadIds)}
    AND type = 'archived' AND json_extract(data, '$.via') = 'import-undo' AND json_extract(data, '$.importId') = ${work.jobId})`
  try {
    await runBatch(db, [
      // First, so a concurrent redelivery of the same chunk fails the whole batch instead of doubling.
      db.insert(importUndoChunks).values({ jobId: work.jobId, seq: work.seq, createdAt: now }),
      db.insert(activities).select(
        selectInto(
          activities,
          {
            id: sql`json_extract(p.value, '$[1]')`,
            orgId: work.orgId,
            leadId: sql`json_extract(p.value, '$[0]')`,
            actorId: work.actorId,
            type: 'archived',
            data,
            createdAt: now,
          },
          sql`FROM json_each(${pairs}) p
          WHERE EXISTS (SELECT 1 FROM leads WHERE leads.id = json_extract(p.value, '$[0]') AND leads.org_id = ${work.orgId})
            AND ${untouched(sql`json_extract(p.value, '$[0]')`, work.jobId)}`,
        ),
      ),
      db
        .update(leads)
        .set({ archivedAt: now, archivedBy: work.actorId, updatedAt: now })
        .where(and(inIdSet(leads.id, leadIds), eq(leads.orgId, work.orgId), untouched(sql`${leads.id}`, work.jobId))),
      db
        .update(importJobs)
        .set({
          undoProcessed: sql`${importJobs.undoProcessed} + ${leadIds.length}`,
          undoArchived: sql`${importJobs.undoArchived} + ${archivedHere}`,
          undoStatus: sql`CASE WHEN ${importJobs.undoProcessed} + ${leadIds.length} >= ${importJobs.createdCount} THEN 'done' ELSE ${importJobs.undoStatus} END`,
          updatedAt: now,
        })
        .where(and(eq(importJobs.id, work.jobId), eq(importJobs.orgId, work.orgId))),
      donePending(unit, work.jobId, 'undo', work.seq),
    ])
  } catch (error) {
    if (uniqueViolation(error, 'import_undo_chunks.')) return 0
    throw error
  }
  return leadIds.length
}

/**
 * Stops the undo of `jobId` when every chunk it has left was sent MAX_SENDS times (src/imports/pending.ts):
 * `stopped` says so on the report, which offers Undo again to resume. Nothing changes otherwise.
 */
export async function stopUndo(unit: AnyUnit, jobId: string): Promise<void> {
  await unit.db
    .update(importJobs)
    .set({ undoStatus: 'stopped', updatedAt: unit.now })
    .where(
      and(
        eq(importJobs.id, jobId),
        eq(importJobs.undoStatus, 'processing'),
        sql`NOT EXISTS (SELECT 1 FROM ${importPendingChunks} WHERE ${importPendingChunks.jobId} = ${jobId}
          AND ${importPendingChunks.kind} = 'undo' AND ${importPendingChunks.sends} < ${MAX_SENDS})`,
      ),
    )
}
