/**
 * The list filter "Needs attention" (`attention` in the list query), for Owners and Admins: leads
 * whose handoff is still not acknowledged after the organization's window (*Handoffs waiting*), and
 * leads whose Agent asked for reassignment (*Reassignment requested*); see assignment/handoffs.ts.
 */
import { sql, type SQL } from 'drizzle-orm'
import { isManager, type Viewer } from '../access/viewer'
import { leadHandoffs, leads, organizations, reassignmentRequests } from '../db/schema'

/** One hour in ms: the unit of the organization's acknowledgement window (`handoff_ack_hours`). */
const HOUR_MS = 60 * 60 * 1000

/** The values of the `attention` filter, with their labels. */
export const ATTENTION = {
  'handoff-waiting': 'Handoffs waiting',
  'reassignment-requested': 'Reassignment requested',
} as const

export type Attention = keyof typeof ATTENTION

/**
 * SQL on `leads` for the `attention` filter at `now` (epoch ms), or null when there is none or the
 * viewer is not an Owner/Admin (the filter is then ignored). Driven by the organization's few waiting
 * handoffs or requests (their `(org_id, …)` indexes), not by its leads (test/query-plans.test.ts).
 */
export function attentionCondition(viewer: Viewer, attention: Attention | undefined, now = Date.now()): SQL | null {
  if (!attention || !isManager(viewer)) return null
  if (attention === 'reassignment-requested') {
    return sql`${leads.id} IN (SELECT ${reassignmentRequests.leadId} FROM ${reassignmentRequests}
      WHERE ${reassignmentRequests.orgId} = ${viewer.orgId})`
  }
  const window = sql`(SELECT ${organizations.handoffAckHours} FROM ${organizations} WHERE ${organizations.id} = ${viewer.orgId}) * ${HOUR_MS}`
  return sql`${leads.id} IN (SELECT ${leadHandoffs.leadId} FROM ${leadHandoffs}
    WHERE ${leadHandoffs.orgId} = ${viewer.orgId} AND ${leadHandoffs.acknowledgedAt} IS NULL
      AND ${leadHandoffs.createdAt} <= ${now} - ${window})`
}
