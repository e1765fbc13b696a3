/**
 * The lead list's filters and sort as read from a URL query (list page, CSV export, bulk "select all"), and
 * the SQL they add to the list query (src/leads/list-query.ts): source, creation dates, and the sort order with
 * its keyset condition.
 */
import { eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { firstTouchKey, LEAD_STATUSES, leads, type LeadStatus } from '../db/schema'
import { isId } from '../lib/ids'
import { textProblem } from '../lib/text'

/** The longest search text. */
export const MAX_SEARCH = 200

/** Ways the list can be sorted; a leading `-` means descending. The default is `-created` (newest first). */
export const SORTS = [
  '-created',
  'created',
  'name',
  '-name',
  'status',
  '-status',
  '-activity',
  'activity',
  'first-touch',
  '-first-touch',
] as const
export type Sort = (typeof SORTS)[number]
export const DEFAULT_SORT: Sort = '-created'

/** A `YYYY-MM-DD` day that exists. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)))

/**
 * Unknown or malformed filter values are dropped rather than refused: a stale bookmark still opens.
 * The search text is kept whole (never cut to fit); `searchProblem` says when it cannot be used.
 */
export const filtersSchema = z.object({
  q: z
    .string()
    .transform((q) => q.trim().normalize('NFC'))
    .optional()
    .catch(undefined),
  status: z.enum(LEAD_STATUSES).optional().catch(undefined),
  assignee: z.string().max(64).optional().catch(undefined),
  /** The lead's source, matched exactly (as typed on the lead or mapped by an import). */
  source: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(100))
    .optional()
    .catch(undefined),
  /** Created on or after this day (UTC), `YYYY-MM-DD`. */
  from: day.optional().catch(undefined),
  /** Created on or before this day (UTC), `YYYY-MM-DD`. */
  to: day.optional().catch(undefined),
  sort: z.enum(SORTS).optional().catch(undefined),
  cursor: z.string().refine(isId).optional().catch(undefined),
  /** "Needs attention" (Owners/Admins): `handoff-waiting` or `reassignment-requested` (leads/attention.ts). */
  attention: z.enum(['handoff-waiting', 'reassignment-requested']).optional().catch(undefined),
  /** The "Archived" filter (`archived=1`): archived leads only. */
  archived: z
    .literal('1')
    .transform(() => true)
    .optional()
    .catch(undefined),
})

/**
 * Why the search text `q` of a filter cannot be searched for (too long, a control character…), by the
 * shared text rules (lib/text.ts), or null. The list then answers 422 with that message and no rows,
 * rather than searching for part of it.
 */
export function searchProblem(filters: { q?: string }): string | null {
  return filters.q ? textProblem(filters.q, 'search', MAX_SEARCH) : null
}

const DAY_MS = 86_400_000

/**
 * SQL for the source and creation-date filters (none when unset). With `walk`, the list's sort index
 * drives the query (src/leads/list-query.ts `listLeads`): a filter on another column is then written `+column`,
 * which SQLite never serves from an index, so it cannot pick that filter's index and sort every match.
 */
export function sourceAndDates(
  filters: { source?: string; from?: string; to?: string; sort?: Sort },
  walk = false,
): SQL[] {
  const out: SQL[] = []
  const plain = walk && sortsOnOwnIndex(filters)
  const created = walk && !walksCreated(filters) ? sql`+${leads.createdAt}` : sql`${leads.createdAt}`
  if (filters.source) out.push(plain ? sql`+${leads.source} = ${filters.source}` : eq(leads.source, filters.source))
  if (filters.from) out.push(gte(created, Date.parse(`${filters.from}T00:00:00Z`)))
  if (filters.to) out.push(lt(created, Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS))
  return out
}

/** Whether `sort` walks its own index (name, last activity, first touch, or status a status at a time). */
export function sortsOnOwnIndex(filters: { sort?: Sort }): boolean {
  return (filters.sort ?? DEFAULT_SORT).replace(/^-/, '') !== 'created'
}

/** Whether the list walks creation order (the default sort, or `created`). */
function walksCreated(filters: { sort?: Sort }): boolean {
  return !sortsOnOwnIndex(filters)
}

const descending = (sort: Sort) => sort.startsWith('-')

/** What a sort walks: a column of `leads`, or `first-touch`, the expression of the index `leads_org_first_touch_idx`. */
type SortKey = 'created_at' | 'name' | 'last_activity_at' | 'first-touch'

/** The statuses in the order `sort` shows them: as the workflow goes (new → lost), or the reverse. */
export function statusOrder(sort: Sort): LeadStatus[] {
  return descending(sort) ? [...LEAD_STATUSES].reverse() : [...LEAD_STATUSES]
}

/**
 * The `leads` column a sort walks, with `(org_id, column, id)` as its index; null for the id alone
 * (newest/oldest first without a date filter walks `(org_id, id)`, or `(org_id, status|source, id)` when
 * those are filtered). Status is sorted a status at a time (src/leads/list-query.ts `listLeads`).
 */
function sortColumn(sort: Sort, dated: boolean): SortKey | null {
  switch (sort.replace(/^-/, '')) {
    case 'name':
      return 'name'
    case 'activity':
      return 'last_activity_at'
    case 'first-touch':
      return 'first-touch'
    case 'created':
      return dated ? 'created_at' : null
    default:
      return null
  }
}

/**
 * The sort value of `column` of the row `table` names: names compare without case, as their index does; first touch
 * is the working wait from arrival to first touch, untouched leads last (src/db/schema.ts `firstTouchKey`).
 */
function sortValue(table: SQL, column: SortKey): SQL {
  if (column === 'first-touch')
    return firstTouchKey(
      sql`${table}.${sql.identifier('first_touched_at')}`,
      sql`${table}.${sql.identifier('first_touch_wait_ms')}`,
      sql`${table}.${sql.identifier('created_at')}`,
    )
  const value = sql`${table}.${sql.identifier(column)}`
  return column === 'name' ? sql`${value} COLLATE NOCASE` : value
}

/** Whether `filters` has a creation-date filter (the created sort then walks `(org_id, created_at, id)`). */
const isDated = (filters: { from?: string; to?: string }) => Boolean(filters.from || filters.to)

/** ORDER BY terms for `filters.sort` (newest first when unset), ties broken by id in the same direction. */
export function sortOrder(filters: { sort?: Sort; from?: string; to?: string }): SQL[] {
  const sort = filters.sort ?? DEFAULT_SORT
  const dir = sql.raw(descending(sort) ? 'DESC' : 'ASC')
  const column = sortColumn(sort, isDated(filters))
  if (!column) return [sql`${leads.id} ${dir}`]
  return [sql`${sortValue(sql`${sql.identifier('leads')}`, column)} ${dir}`, sql`${leads.id} ${dir}`]
}

/**
 * SQL: the row comes after lead `cursor` in `filters.sort` order (keyset pagination: the next page starts
 * after the last row of this one), as one range on the sort's index. Not for the status sort.
 */
export function afterCursor(filters: { sort?: Sort; from?: string; to?: string }, cursor: string): SQL {
  const sort = filters.sort ?? DEFAULT_SORT
  const cmp = sql.raw(descending(sort) ? '<' : '>')
  const column = sortColumn(sort, isDated(filters))
  if (!column) return sql`${leads.id} ${cmp} ${cursor}`
  const key = sql`(SELECT ${sortValue(sql`k`, column)} FROM ${leads} k WHERE k.id = ${cursor})`
  return sql`(${sortValue(sql`${sql.identifier('leads')}`, column)}, ${leads.id}) ${cmp} (${key}, ${cursor})`
}
