/**
 * Binding a set of ids as one JSON array read with `json_each`: one parameter whatever the count (far
 * under D1's 100 parameters per statement and 2 MB per value), see docs/ARCHITECTURE.md, "Set-based work:
 * json_each".
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'

/**
 * SQL: `column` is one of `ids` (strings or numbers; duplicates and order do not matter; none: false).
 * `column` is a Drizzle column or an SQL expression, e.g. sql`lead_id`.
 */
export function inIdSet(column: SQLWrapper, ids: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`
}
