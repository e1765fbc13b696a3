/**
 * Writes one chunk of import rows: skips emails already saved in the organization, inserts the new
 * leads and their `created` activities, marks the chunk done and advances the job's counters, all in
 * one atomic D1 batch with every statement under D1's 100-parameter limit.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { runBatch, type Database } from '../db/client'
import { retryOnConflict, uniqueViolation } from '../db/errors'
import { activities, importJobChunks, importJobs, leads } from '../db/schema'
import { chunk, rowsPerInsert, rowsPerStatement } from '../lib/chunk'
import { emailKey } from './fields'
import type { ImportRow } from './import-parse'
import { leadRow } from './leads'

/** One unit of import work, as carried by a queue message. */
export type ImportChunk = {
  jobId: string
  orgId: string
  /** Who imports: the creator of the leads and actor of their activities. */
  actorId: string
  /** 0-based position of the chunk in the job. */
  seq: number
  rows: ImportRow[]
}

/** Rows per chunk (one queue message, one D1 batch). */
export const ROWS_PER_CHUNK = 100

/** Normalized emails among `keys` that leads of `orgId` already use. */
async function existingEmails(db: Database, orgId: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (const part of chunk(keys, rowsPerStatement(1, 1))) {
    const rows = await db
      .select({ key: leads.emailNormalized })
      .from(leads)
      .where(and(eq(leads.orgId, orgId), inArray(leads.emailNormalized, part)))
      .all()
    for (const r of rows) if (r.key) found.add(r.key)
  }
  return found
}

/**
 * Writes `work` once. A chunk already written (a redelivered message) changes nothing. When another
 * writer (a concurrent import, a lead typed in) takes one of the chunk's emails in between, the
 * batch fails on the unique email index and the chunk is checked and written again.
 * @returns counts for this chunk: `{ created, duplicates }` (0/0 when it was already written), and the ids of
 *   the leads it created (`leadIds`, in row order), for routing (leads/routing.ts `LeadRouter`)
 */
export async function writeImportChunk(
  db: Database,
  work: ImportChunk,
  now = Date.now(),
): Promise<{ created: number; duplicates: number; leadIds: string[] }> {
  return retryOnConflict('leads.', () => writeOnce(db, work, now))
}

async function writeOnce(
  db: Database,
  work: ImportChunk,
  now: number,
): Promise<{ created: number; duplicates: number; leadIds: string[] }> {
  const done = await db
    .select({ seq: importJobChunks.seq })
    .from(importJobChunks)
    .where(and(eq(importJobChunks.jobId, work.jobId), eq(importJobChunks.seq, work.seq)))
    .get()
  if (done) return { created: 0, duplicates: 0, leadIds: [] }

  const keys = work.rows.map((r) => emailKey(r.email)).filter((k): k is string => k !== null)
  const taken = await existingEmails(db, work.orgId, keys)
  const fresh = work.rows.filter((r) => {
    const key = emailKey(r.email)
    return !key || !taken.has(key)
  })
  const leadRows = fresh.map((r) => leadRow(work.orgId, work.actorId, r, now))
  const activityRows = leadRows.map((l) =>
    activityRow({
      orgId: work.orgId,
      leadId: l.id,
      actorId: work.actorId,
      type: 'created',
      data: { via: 'import', importId: work.jobId },
      at: now,
    }),
  )
  const created = leadRows.length
  const duplicates = work.rows.length - created
  const n = work.rows.length

  const statements: BatchItem<'sqlite'>[] = [
    // First, so a concurrent redelivery of the same chunk fails the whole batch instead of doubling.
    db.insert(importJobChunks).values({ jobId: work.jobId, seq: work.seq, createdAt: now }),
    ...chunk(leadRows, rowsPerInsert(leads)).map((part) => db.insert(leads).values(part)),
    ...chunk(activityRows, rowsPerInsert(activities)).map((part) => db.insert(activities).values(part)),
    db
      .update(importJobs)
      .set({
        processedRows: sql`${importJobs.processedRows} + ${n}`,
        createdCount: sql`${importJobs.createdCount} + ${created}`,
        duplicateCount: sql`${importJobs.duplicateCount} + ${duplicates}`,
        status: sql`CASE WHEN ${importJobs.processedRows} + ${n} >= ${importJobs.totalRows} THEN 'done' ELSE ${importJobs.status} END`,
        updatedAt: now,
      })
      .where(and(eq(importJobs.id, work.jobId), eq(importJobs.orgId, work.orgId))),
  ]
  try {
    await runBatch(db, statements)
  } catch (error) {
    if (uniqueViolation(error, 'import_job_chunks.')) return { created: 0, duplicates: 0, leadIds: [] }
    throw error
  }
  return { created, duplicates, leadIds: leadRows.map((l) => l.id!) }
}
