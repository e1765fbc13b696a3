/**
 * The list filter "Needs attention" (`attention` in the list query), for Owners and Admins: leads
 * whose handoff is still not acknowledged after the organization's window (*Handoffs waiting*), and
 * leads whose Agent asked for reassignment (*Reassignment requested*); see assignment/handoffs.ts.
 */
import { sql, type SQL } from 'drizzle-orm'
import { isManager, type Viewer } from '../access/viewer'
import { leadHandoffs, leads, organizations, reassignmentRequests } from '../db/schema'

/** The values of the `attention` filter, with their labels. */
export const ATTENTION = {
  'handoff-waiting': 'Handoffs waiting',
  'reassignment-requested': 'Reassignment requested',
} as const

export type Attention = keyof typeof ATTENTION

/**
 * SQL on `leads` for the `attention` filter at `now` (epoch ms), or null when there is none or the
 * viewer is not an Owner/Admin (the filter is then ignored).
 */
export function attentionCondition(viewer: Viewer, attention: Attention | undefined, now = Date.now()): SQL | null {
  if (!attention || !isManager(viewer)) return null
  if (attention === 'reassignment-requested') {
    return sql`EXISTS (SELECT 1 FROM ${reassignmentRequests} WHERE ${reassignmentRequests.leadId} = ${leads.id})`
  }
  return sql`EXISTS (SELECT 1 FROM ${leadHandoffs} WHERE ${leadHandoffs.leadId} = ${leads.id}
    AND ${leadHandoffs.acknowledgedAt} IS NULL
    AND ${leadHandoffs.createdAt} + (SELECT ${organizations.handoffAckHours} FROM ${organizations}
      WHERE ${organizations.id} = ${leads.orgId}) * 3600000 <= ${now})`
}
