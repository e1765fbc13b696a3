/** Tenancy conditions shaped for SQLite's query planner (docs/ARCHITECTURE.md "Scale"). */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'

/**
 * SQL: `column` (an `org_id`) equals `orgId`, as a check only: the unary `+` keeps SQLite from
 * choosing an index on it. For queries whose rows are picked by lead id (one lead's assignees, a page's
 * leads), where an `(org_id, …)` index would walk the whole organization (test/query-plans.test.ts).
 */
export function sameOrg(column: SQLWrapper, orgId: string): SQL {
  return sql`+${column} = ${orgId}`
}
