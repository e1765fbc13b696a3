/**
 * An upload waiting on the mapping step: a draft import job holding the file's decoded text (in parts, as a
 * D1 value holds at most 2 MB) until the importer confirms the mapping (src/imports/jobs.ts `startImport`)
 * or the cron deletes it a day later.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { AnyUnit, Unit } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import { importJobs, importUploads } from '../db/schema'
import { newId } from '../lib/ids'

/** Characters of decoded text per `import_uploads` row: at most 2 MB of UTF-8 even in CJK (3 bytes each). */
const UPLOAD_PART_CHARS = 600_000

/** `text` in parts of at most UPLOAD_PART_CHARS, never splitting a surrogate pair. */
function uploadParts(text: string): string[] {
  const parts: string[] = []
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + UPLOAD_PART_CHARS)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
    parts.push(text.slice(at, end))
    at = end
  }
  return parts
}

/**
 * Creates the import job of an uploaded file for the unit's viewer, waiting on the mapping step (`mapping`):
 * the file's text is kept in `import_uploads`; nothing is imported yet. `options.also(jobId)`: statements to
 * run first in the same batch (e.g. recording the form token, db/idempotency.ts).
 * @returns the job id
 */
export async function createImportDraft(
  unit: Unit,
  file: { name: string; text: string; encoding: string },
  options: { also?: (jobId: string) => BatchItem<'sqlite'>[] } = {},
): Promise<string> {
  const { db, viewer, now } = unit
  const also = options.also ?? (() => [])
  const jobId = newId()
  await runBatch(db, [
    ...also(jobId),
    db.insert(importJobs).values({
      id: jobId,
      orgId: viewer.orgId,
      createdBy: viewer.userId,
      fileName: file.name,
      status: 'mapping',
      totalRows: 0,
      report: { rejected: [], unknownStatuses: [], duplicatesInFile: 0 },
      encoding: file.encoding,
      createdAt: now,
      updatedAt: now,
    }),
    ...uploadParts(file.text).map((text, part) => db.insert(importUploads).values({ jobId, part, text })),
  ])
  return jobId
}

/** The text of the file of job `jobId` waiting on the mapping step ('' once the import started). */
export async function uploadedText(unit: AnyUnit, jobId: string): Promise<string> {
  const parts = await unit.db
    .select({ text: importUploads.text })
    .from(importUploads)
    .where(eq(importUploads.jobId, jobId))
    .orderBy(asc(importUploads.part))
    .all()
  return parts.map((p) => p.text).join('')
}

/** How long an upload may wait on its mapping step before the cron deletes it (ms). */
export const DRAFT_TTL_MS = 24 * 3600_000

/**
 * Deletes imports left on the mapping step for DRAFT_TTL_MS (their uploaded text goes with them):
 * nothing was imported from them. The cron's chore, for every organization at once (not a unit's work).
 * @returns how many were deleted
 */
export async function pruneImportDrafts(db: Database, now = Date.now()): Promise<number> {
  const result = await db
    .delete(importJobs)
    .where(and(eq(importJobs.status, 'mapping'), sql`${importJobs.createdAt} < ${now - DRAFT_TTL_MS}`))
    .run()
  return result.meta.changes
}
