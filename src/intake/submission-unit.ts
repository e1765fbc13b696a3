/** The unit of work (access/unit.ts) of a submission from the web form or the API: Leadpool acts, not a member. */
import { unitFor, type OrgRef, type SystemUnit, type UnitBindings } from '../access/unit'
import type { Database } from '../db/client'

/**
 * A `SystemUnit` acting in `org` that reads and writes through the request's D1 session `db` (db/d1-session.ts), so
 * the request reads its own write and knows when its change was saved (`c.var.changeSaved`).
 */
export function submissionUnit(env: UnitBindings, db: Database, org: OrgRef): SystemUnit {
  return { ...unitFor(env, org), db }
}
