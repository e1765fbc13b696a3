/**
 * The lead list's filters and sort as read from a URL query (list page, CSV export, bulk "select all"), and
 * the SQL they add to the list query (src/leads/leads.ts): source, creation dates, and the sort order with
 * its keyset condition.
 */
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { LEAD_STATUSES, leads } from '../db/schema'
import { isId } from '../lib/ids'
import { textProblem } from '../lib/text'

/** The longest search text. */
export const MAX_SEARCH = 200

/** Ways the list can be sorted; a leading `-` means descending. The default is `-created` (newest first). */
export const SORTS = ['-created', 'created', 'name', '-name', 'status', '-status', '-activity', 'activity'] as const
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
    .transform((q) => q.trim())
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

/** SQL for the source and creation-date filters (each null when unset). */
export function sourceAndDates(filters: { source?: string; from?: string; to?: string }): SQL[] {
  const out: SQL[] = []
  if (filters.source) out.push(eq(leads.source, filters.source))
  if (filters.from) out.push(gte(leads.createdAt, Date.parse(`${filters.from}T00:00:00Z`)))
  if (filters.to) out.push(lt(leads.createdAt, Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS))
  return out
}

/** The status column ordered as the workflow goes (new → lost), not alphabetically. */
const statusRank = (column: SQL) =>
  sql`(CASE ${column} ${sql.join(
    LEAD_STATUSES.map((s, i) => sql`WHEN ${s} THEN ${i}`),
    sql` `,
  )} END)`

/**
 * The sort key of `sort` for the lead whose id is `leadId` (an SQL value: the outer row's `leads.id`
 * or a bound id). "Last activity" is a correlated subquery on the activities index (lead, time).
 */
function sortKey(sort: Sort, leadId: SQL): SQL {
  const column = (name: string) => sql`(SELECT ${sql.raw(name)} FROM leads k WHERE k.id = ${leadId})`
  switch (sort.replace('-', '')) {
    case 'name':
      return sql`(SELECT lower(k.name) FROM leads k WHERE k.id = ${leadId})`
    case 'status':
      return statusRank(column('k.status'))
    case 'activity':
      return sql`coalesce((SELECT max(a.created_at) FROM activities a WHERE a.lead_id = ${leadId}), ${column('k.created_at')})`
    default:
      return column('k.created_at')
  }
}

/** The key of the list's own row for `sort` (cheaper forms for columns of `leads` itself). */
function rowKey(sort: Sort): SQL {
  switch (sort.replace('-', '')) {
    case 'name':
      return sql`lower(${leads.name})`
    case 'status':
      return statusRank(sql`${leads.status}`)
    case 'activity':
      return sql`coalesce((SELECT max(a.created_at) FROM activities a WHERE a.lead_id = ${leads.id}), ${leads.createdAt})`
    default:
      return sql`${leads.createdAt}`
  }
}

const descending = (sort: Sort) => sort.startsWith('-')

/** ORDER BY terms for `sort`, ties broken by id in the same direction (ids are time-ordered). */
export function sortOrder(sort: Sort = DEFAULT_SORT): SQL[] {
  const dir = sql.raw(descending(sort) ? 'DESC' : 'ASC')
  if (sort === '-created' || sort === 'created') return [sql`${leads.id} ${dir}`]
  return [sql`${rowKey(sort)} ${dir}`, sql`${leads.id} ${dir}`]
}

/**
 * SQL: the row comes after lead `cursor` in `sort` order (keyset pagination: the next page starts
 * after the last row of this one). Ids are UUIDv7, so the default sort is the id alone.
 */
export function afterCursor(sort: Sort = DEFAULT_SORT, cursor: string): SQL {
  const cmp = sql.raw(descending(sort) ? '<' : '>')
  if (sort === '-created' || sort === 'created') return sql`${leads.id} ${cmp} ${cursor}`
  return sql`(${rowKey(sort)}, ${leads.id}) ${cmp} (${sortKey(sort, sql`${cursor}`)}, ${cursor})`
}

/** SQL for every condition of this module on one query: source, dates and the cursor of `sort`. */
export function extraConditions(filters: {
  source?: string
  from?: string
  to?: string
  sort?: Sort
  cursor?: string
}): SQL | undefined {
  const parts = sourceAndDates(filters)
  if (filters.cursor) parts.push(afterCursor(filters.sort, filters.cursor))
  return parts.length ? and(...parts) : undefined
}
