/**
 * The import sweep (cron): an import or undo whose chunks stop arriving (a deploy or a crash mid-way,
 * a message dropped after its retries, local queues lost when `wrangler dev` stops) is found from what
 * D1 holds (src/imports/pending.ts) and its chunks not done yet are sent again; a chunk out of tries is
 * given up, so every job ends with a true report. docs/ARCHITECTURE.md, "Imports".
 */
import { and, asc, eq, lt, or, sql } from 'drizzle-orm'
import { orgDatabases, type SystemUnit, type UnitBindings } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { importJobs, importPendingChunks, type ImportOptions } from '../db/schema'
import { chunk } from '../lib/chunk'
import { IMPORT_STALL_MS, MAX_SENDS, findPending, type ChunkKind } from './pending'
import { enqueueImportChunks } from './queue'
import { giveUpIfOutOfTries } from './give-up'
import type { ImportChunkMessage } from '../lib/queue-messages'
import type { ImportRow } from './parse'
import { inIdSet } from '../db/id-sets'
import { systemUnits } from '../orgs/org-units'

/** Most chunks one sweep hands over (a 50,000-row file has 500); the next tick takes the rest. */
const MAX_CHUNKS_PER_SWEEP = 500

/** Chunks whose rows are read from D1 at once (each at most 100 KB of JSON). */
const ROWS_READ_AT_ONCE = 20

/** `job seq kind` of a pending chunk, as one string to match with json_each. */
const keyOf = (c: { jobId: string; kind: string; seq: number }) => `${c.jobId} ${c.kind} ${c.seq}`
const pendingKey = sql`(${importPendingChunks.jobId} || ' ' || ${importPendingChunks.kind} || ' ' || ${importPendingChunks.seq})`

/** What the sweep needs of the Worker's bindings: the units' and the import queue. */
export type ImportSweepBindings = UnitBindings & { IMPORT_QUEUE: Queue<ImportChunkMessage> }

/** A pending chunk the sweep takes up, with what rebuilding its message needs. */
type DueChunk = {
  jobId: string
  kind: ChunkKind
  seq: number
  sends: number
  orgId: string
  createdBy: string
  undoneBy: string | null
  options: ImportOptions | null
}

/**
 * Finds the imports (`processing`) and undos (`processing`) whose progress has not moved for
 * IMPORT_STALL_MS before `now` (epoch ms; their `updated_at`), and for each of their pending chunks,
 * oldest job first, at most 500: a chunk sent MAX_SENDS times is given up (`giveUpIfOutOfTries`: its
 * rows reported as not saved, or the undo `stopped`); any other is counted as sent once more at `now`,
 * its job's `updated_at` set to `now` (so the next tick waits for these messages), then put on
 * `env.IMPORT_QUEUE` rebuilt from D1. Each organization's chunks are handled in a unit of its own
 * (`systemUnits`, src/orgs/org-units.ts); the search reads every database holding organizations (`orgDatabases`,
 * src/access/unit.ts), at most 500 chunks in each. Sending again is harmless: a chunk written or undone writes nothing
 * twice.
 * @returns how many chunks were sent again and how many given up
 * @throws when D1 or the queue fails; the chunks stay pending and a later tick retries
 */
export async function sweepImportJobs(
  env: ImportSweepBindings,
  now: number,
): Promise<{ sent: number; givenUp: number }> {
  const total = { sent: 0, givenUp: 0 }
  for (const { db } of orgDatabases(env)) {
    const swept = await sweepDatabase(env, db, now)
    total.sent += swept.sent
    total.givenUp += swept.givenUp
  }
  return total
}

/** `sweepImportJobs` in one database `db`. */
async function sweepDatabase(
  env: ImportSweepBindings,
  db: Database,
  now: number,
): Promise<{ sent: number; givenUp: number }> {
  const due: DueChunk[] = await db
    .select({
      jobId: importPendingChunks.jobId,
      kind: importPendingChunks.kind,
      seq: importPendingChunks.seq,
      sends: importPendingChunks.sends,
      orgId: importJobs.orgId,
      createdBy: importJobs.createdBy,
      undoneBy: importJobs.undoneBy,
      options: importJobs.options,
    })
    .from(importPendingChunks)
    .innerJoin(importJobs, eq(importJobs.id, importPendingChunks.jobId))
    .where(
      and(
        lt(importJobs.updatedAt, now - IMPORT_STALL_MS),
        or(
          and(eq(importPendingChunks.kind, 'import'), eq(importJobs.status, 'processing')),
          and(eq(importPendingChunks.kind, 'undo'), eq(importJobs.undoStatus, 'processing')),
        ),
      ),
    )
    .orderBy(asc(importJobs.updatedAt), asc(importPendingChunks.seq))
    .limit(MAX_CHUNKS_PER_SWEEP)
    .all()
  const total = { sent: 0, givenUp: 0 }
  for (const [orgId, unit] of await systemUnits(
    env,
    due.map((c) => c.orgId),
    now,
  )) {
    const swept = await sweepOrganization(
      unit,
      env.IMPORT_QUEUE,
      due.filter((c) => c.orgId === orgId),
    )
    total.sent += swept.sent
    total.givenUp += swept.givenUp
  }
  return total
}

/** `sweepImportJobs` for the due chunks `due` of the unit's organization. */
async function sweepOrganization(
  unit: SystemUnit,
  queue: Queue<ImportChunkMessage>,
  due: DueChunk[],
): Promise<{ sent: number; givenUp: number }> {
  const { db, now } = unit
  const spent = due.filter((c) => c.sends >= MAX_SENDS)
  for (const c of spent) {
    const pending = await findPending(unit, c.jobId, c.kind, c.seq)
    if (pending) await giveUpIfOutOfTries(unit, pending)
  }
  const resend = due.filter((c) => c.sends < MAX_SENDS)
  if (resend.length === 0) return { sent: 0, givenUp: spent.length }
  await runBatch(db, [
    db
      .update(importPendingChunks)
      .set({ sends: sql`${importPendingChunks.sends} + 1`, sentAt: now })
      .where(inIdSet(pendingKey, resend.map(keyOf))),
    db
      .update(importJobs)
      .set({ updatedAt: now })
      .where(inIdSet(importJobs.id, [...new Set(resend.map((c) => c.jobId))])),
  ])
  const undos: ImportChunkMessage[] = resend
    .filter((c) => c.kind === 'undo')
    .map((c) => ({ kind: 'undo', jobId: c.jobId, orgId: c.orgId, actorId: c.undoneBy ?? c.createdBy, seq: c.seq }))
  await send(queue, undos)
  for (const part of chunk(
    resend.filter((c) => c.kind === 'import'),
    ROWS_READ_AT_ONCE,
  )) {
    const rows = await db
      .select({ key: pendingKey, rows: importPendingChunks.rows })
      .from(importPendingChunks)
      .where(inIdSet(pendingKey, part.map(keyOf)))
      .all()
    const rowsOf = new Map(rows.map((r) => [r.key, r.rows]))
    await send(
      queue,
      part.flatMap((c) => {
        const found = rowsOf.get(keyOf(c))
        // Written by startImport from the chunk's ImportRow values; gone when written meanwhile.
        return found
          ? [
              {
                jobId: c.jobId,
                orgId: c.orgId,
                actorId: c.createdBy,
                seq: c.seq,
                rows: found as ImportRow[],
                options: c.options ?? undefined,
              },
            ]
          : []
      }),
    )
  }
  return { sent: resend.length, givenUp: spent.length }
}

/** Puts `chunks` on `queue`. @throws the queue's error (the chunks stay pending for a later tick) */
async function send(queue: Queue<ImportChunkMessage>, chunks: ImportChunkMessage[]) {
  const { unsent, error } = await enqueueImportChunks(queue, chunks)
  if (unsent.length > 0) throw error
}
