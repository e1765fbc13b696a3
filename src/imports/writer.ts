/**
 * Writes one chunk of import rows: skips emails already saved in the organization (naming the rows in
 * the report, and filling the empty fields of those leads when the importer asked), inserts the new
 * leads, their `created` activities and the routing chosen (pool, or a member with `assigned`
 * activities), records the chunk with the ids of the leads it created (what an undo works through),
 * advances the job's counters and deletes its pending row (src/imports/pending.ts), all in one atomic D1 batch with every statement under D1's
 * 100-parameter limit.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { activityRow } from '../activity/activities'
import { retryInUnit, type AnyUnit } from '../access/unit'
import { runBatch } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { activities, importJobChunks, importJobs, leadAssignees, leads, type Lead } from '../db/schema'
import { chunk, rowsPerInsert, rowsPerStatement } from '../lib/chunk'
import type { ImportWriteMessage } from '../lib/queue-messages'
import { emailKey } from '../leads/fields'
import { MAX_REPORTED_DUPLICATES, type ImportRow } from './parse'
import { leadRow } from '../leads/create'
import { donePending } from './pending'

/** One unit of import work, as carried by a queue message (src/lib/queue-messages.ts). */
export type ImportChunk = ImportWriteMessage

/** Rows per chunk (one queue message, one D1 batch). */
export const ROWS_PER_CHUNK = 100

/** A saved lead whose email a row repeats: what "update existing leads' empty fields" may fill. */
type Existing = Pick<Lead, 'id' | 'name' | 'email' | 'phone' | 'company' | 'source'>

/** The leads of `orgId` using one of the normalized emails `keys`, by normalized email. */
async function existingLeads(unit: AnyUnit, orgId: string, keys: string[]): Promise<Map<string, Existing>> {
  const { db } = unit
  const found = new Map<string, Existing>()
  for (const part of chunk(keys, rowsPerStatement(1, 1))) {
    const rows = await db
      .select({
        key: leads.emailNormalized,
        id: leads.id,
        name: leads.name,
        email: leads.email,
        phone: leads.phone,
        company: leads.company,
        source: leads.source,
      })
      .from(leads)
      .where(and(eq(leads.orgId, orgId), inArray(leads.emailNormalized, part)))
      .all()
    for (const { key, ...lead } of rows) if (key) found.set(key, lead)
  }
  return found
}

/** Fields "update existing leads" fills when they are empty on the lead and not in the row. */
const FILLABLE = ['phone', 'company', 'source'] as const

/**
 * Statements filling the empty fields of `lead` from `row`, with an `updated` activity naming them;
 * each column is set only if it is still empty when the batch runs. None when nothing would change.
 */
function fillEmptyFields(unit: AnyUnit, work: ImportChunk, lead: Existing, row: ImportRow) {
  const { db, now } = unit
  const changes: Partial<Record<(typeof FILLABLE)[number], { from: string; to: string }>> = {}
  for (const field of FILLABLE) if (!lead[field] && row[field]) changes[field] = { from: '', to: row[field] }
  const fields = Object.keys(changes) as (typeof FILLABLE)[number][]
  if (fields.length === 0) return []
  const set: Record<string, unknown> = { updatedAt: now }
  for (const field of fields)
    set[field] = sql`CASE WHEN ${leads[field]} = '' THEN ${row[field]} ELSE ${leads[field]} END`
  return [
    db
      .update(leads)
      .set(set)
      .where(and(eq(leads.id, lead.id), eq(leads.orgId, work.orgId))),
    db.insert(activities).values(
      activityRow({
        orgId: work.orgId,
        leadId: lead.id,
        actorId: work.actorId,
        type: 'updated',
        data: { via: 'import', importId: work.jobId, changes },
        at: now,
      }),
    ),
  ]
}

/** The rows and activities that route the new leads `leadIds` as the importer chose (`assigned` activities). */
function routeNewLeads(unit: AnyUnit, work: ImportChunk, leadIds: string[]) {
  const { db, now } = unit
  const routing = work.options?.routing
  if (routing?.to !== 'member') return []
  const assignees = leadIds.map((leadId) => ({
    orgId: work.orgId,
    leadId,
    userId: routing.userId,
    kind: 'primary' as const,
    assignedBy: work.actorId,
    assignedAt: now,
  }))
  const assigned = leadIds.map((leadId) =>
    activityRow({
      orgId: work.orgId,
      leadId,
      actorId: work.actorId,
      type: 'assigned',
      data: { to: { id: routing.userId, name: routing.name }, via: 'import', importId: work.jobId },
      at: now,
    }),
  )
  return [
    ...chunk(assignees, rowsPerInsert(leadAssignees)).map((part) => db.insert(leadAssignees).values(part)),
    ...chunk(assigned, rowsPerInsert(activities)).map((part) => db.insert(activities).values(part)),
  ]
}

/**
 * Writes `work` once, in `unit` (its clock stamps the rows). A chunk already written (a redelivered message) changes nothing. When another
 * writer (a concurrent import, a lead typed in) takes one of the chunk's emails in between, the
 * batch fails on the unique email index and the chunk is checked and written again.
 * @returns counts for this chunk: `{ created, duplicates }` (0/0 when it was already written), and the ids of
 *   the leads it created (`leadIds`, in row order), for routing (leads/routing.ts `LeadRouter`)
 */
export async function writeImportChunk(
  unit: AnyUnit,
  work: ImportChunk,
): Promise<{ created: number; duplicates: number; leadIds: string[] }> {
  return retryInUnit(unit, 'leads.', (attempt) => writeOnce(attempt, work))
}

async function writeOnce(
  unit: AnyUnit,
  work: ImportChunk,
): Promise<{ created: number; duplicates: number; leadIds: string[] }> {
  const { db, now } = unit
  const done = await db
    .select({ seq: importJobChunks.seq })
    .from(importJobChunks)
    .where(and(eq(importJobChunks.jobId, work.jobId), eq(importJobChunks.seq, work.seq)))
    .get()
  if (done) return { created: 0, duplicates: 0, leadIds: [] }

  const keys = work.rows.map((r) => emailKey(r.email)).filter((k): k is string => k !== null)
  const taken = await existingLeads(unit, work.orgId, keys)
  const existingOf = (r: ImportRow) => {
    const key = emailKey(r.email)
    return key ? taken.get(key) : undefined
  }
  const fresh = work.rows.filter((r) => !existingOf(r))
  const repeated = work.rows.filter((r) => existingOf(r))
  const inPool = work.options?.routing.to === 'pool'
  const leadRows = fresh.map((r) => ({ ...leadRow(work.orgId, work.actorId, r, now), inPool }))
  const leadIds = leadRows.map((l) => l.id)
  // The duplicate rows, appended to the report's list while it is short (the count is kept apart).
  const named = JSON.stringify(repeated.map((r) => ({ row: r.row, email: r.email })))
  const duplicateRows = sql`(SELECT json_group_array(json(value)) FROM (
    SELECT 0 AS part, key, value FROM json_each(${importJobs.report}, '$.duplicateRows')
    UNION ALL SELECT 1, key, value FROM json_each(${named})
    ORDER BY part, key))`
  const activityRows = leadRows.map((l) =>
    activityRow({
      orgId: work.orgId,
      leadId: l.id,
      actorId: work.actorId,
      type: 'created',
      data: { via: 'import', importId: work.jobId, ...(inPool ? { pool: true } : {}) },
      at: now,
    }),
  )
  const created = leadRows.length
  const duplicates = work.rows.length - created
  const n = work.rows.length

  const statements: BatchItem<'sqlite'>[] = [
    // First, so a concurrent redelivery of the same chunk fails the whole batch instead of doubling.
    db.insert(importJobChunks).values({ jobId: work.jobId, seq: work.seq, leadIds, createdAt: now }),
    ...chunk(leadRows, rowsPerInsert(leads)).map((part) => db.insert(leads).values(part)),
    ...chunk(activityRows, rowsPerInsert(activities)).map((part) => db.insert(activities).values(part)),
    ...routeNewLeads(unit, work, leadIds),
    ...(work.options?.updateEmpty ? repeated.flatMap((r) => fillEmptyFields(unit, work, existingOf(r)!, r)) : []),
    db
      .update(importJobs)
      .set({
        processedRows: sql`${importJobs.processedRows} + ${n}`,
        createdCount: sql`${importJobs.createdCount} + ${created}`,
        duplicateCount: sql`${importJobs.duplicateCount} + ${duplicates}`,
        report:
          repeated.length === 0
            ? sql`${importJobs.report}`
            : sql`CASE WHEN coalesce(json_array_length(${importJobs.report}, '$.duplicateRows'), 0) < ${MAX_REPORTED_DUPLICATES}
                THEN json_set(${importJobs.report}, '$.duplicateRows', ${duplicateRows}) ELSE ${importJobs.report} END`,
        status: sql`CASE WHEN ${importJobs.processedRows} + ${n} >= ${importJobs.totalRows} THEN 'done' ELSE ${importJobs.status} END`,
        updatedAt: now,
      })
      .where(and(eq(importJobs.id, work.jobId), eq(importJobs.orgId, work.orgId))),
    donePending(unit, work.jobId, 'import', work.seq),
  ]
  try {
    await runBatch(db, statements)
  } catch (error) {
    if (uniqueViolation(error, 'import_job_chunks.')) return { created: 0, duplicates: 0, leadIds: [] }
    throw error
  }
  return { created, duplicates, leadIds: leadRows.map((l) => l.id) }
}
