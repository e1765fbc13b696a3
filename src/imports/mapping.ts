/**
 * The mapping step of an import: the organization's remembered mapping per set of headers, the
 * importer's choices read from the form, and where the new leads go (routing).
 */
import { and, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Unit } from '../access/unit'
import { isManager } from '../access/viewer'
import { importMappings, type ImportMapping, type ImportRouting, type LeadStatus } from '../db/schema'
import { Refusal } from '../lib/errors'
import { assignableMember } from '../orgs/members'
import { isColumnTarget } from './columns'
import { suggestedMapping, type ColumnMapping } from './parse'

/**
 * Where an import may put its new leads; `organization`: as Settings route new leads (the pool or
 * round-robin, src/leads/routing.ts), after each chunk is written.
 */
export const ROUTING_CHOICES = ['unassigned', 'pool', 'member', 'organization'] as const
export type RoutingChoice = (typeof ROUTING_CHOICES)[number]

/** SHA-256 (hex) of the trimmed header list: the key of a remembered mapping. */
export async function headersKey(headers: string[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(headers)))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The mapping to preselect for `headers` in the unit's organization: the last one confirmed for the same
 * headers, else the suggested one (aliases and header shapes).
 * @returns the mapping and whether it was remembered
 */
export async function preselectedMapping(
  unit: Unit,
  headers: string[],
): Promise<{ mapping: ColumnMapping; remembered: boolean }> {
  const row = await unit.db
    .select({ mapping: importMappings.mapping })
    .from(importMappings)
    .where(and(eq(importMappings.orgId, unit.org.id), eq(importMappings.headersKey, await headersKey(headers))))
    .get()
  const columns = row?.mapping.columns
  if (!row || !columns || columns.length !== headers.length || !columns.every(isColumnTarget)) {
    return { mapping: suggestedMapping(headers), remembered: false }
  }
  return { mapping: { columns: columns, statuses: row.mapping.statuses ?? {} }, remembered: true }
}

/**
 * The statement saving `mapping` as the unit's organization's mapping for the headers of key `key`
 * (`headersKey`), by the unit's viewer at the unit's time, to run in the batch that starts the import.
 */
export function rememberMapping(unit: Unit, key: string, mapping: ColumnMapping): BatchItem<'sqlite'> {
  const { db, viewer, now } = unit
  const saved: ImportMapping = { columns: mapping.columns, statuses: mapping.statuses }
  return db
    .insert(importMappings)
    .values({ orgId: viewer.orgId, headersKey: key, mapping: saved, updatedBy: viewer.userId, updatedAt: now })
    .onConflictDoUpdate({
      target: [importMappings.orgId, importMappings.headersKey],
      set: { mapping: sql`excluded.mapping`, updatedBy: viewer.userId, updatedAt: now },
    })
}

/**
 * The mapping the importer chose on the form: one target per column (`column`, in column order) and
 * a status for each listed status value (`statusValue` / `statusFor`, in pairs).
 * @throws Refusal 422 on `mapping` when the form does not have one choice per column of the file
 */
export function chosenMapping(
  headers: string[],
  form: { column: string[]; statusValue: string[]; statusFor: (LeadStatus | '')[] },
): ColumnMapping {
  if (form.column.length !== headers.length || !form.column.every(isColumnTarget)) {
    throw new Refusal(422, 'Choose a field (or "Don’t import") for every column of the file.', { field: 'mapping' })
  }
  const statuses: Record<string, LeadStatus> = {}
  form.statusValue.forEach((value, i) => {
    const status = form.statusFor[i]
    if (status) statuses[value] = status
  })
  return { columns: form.column, statuses }
}

/**
 * The routing for the importer's choice: Owners and Admins may put the new leads in the pool, assign
 * them to an active member or route them as Settings say; everyone may leave them unassigned.
 * @throws Refusal 403 when an Agent chooses the pool or a member; 422 on `assigneeId` when the member
 *   is missing, deactivated or not in the organization
 */
export async function resolveRouting(
  unit: Unit,
  choice: RoutingChoice,
  assigneeId: string | undefined,
): Promise<ImportRouting> {
  const { db, viewer } = unit
  if (choice === 'unassigned') return { to: 'unassigned' }
  if (!isManager(viewer)) throw new Refusal(403, 'Only an Owner or Admin can route imported leads.')
  if (choice === 'pool') return { to: 'pool' }
  if (choice === 'organization') return { to: 'organization' }
  if (!assigneeId) throw new Refusal(422, 'Choose the member to assign the leads to.', { field: 'assigneeId' })
  const member = await assignableMember(db, viewer.orgId, assigneeId).catch((error: unknown) => {
    if (error instanceof Refusal) throw new Refusal(422, error.message, { field: 'assigneeId' })
    throw error
  })
  return { to: 'member', userId: member.userId, name: member.name }
}
