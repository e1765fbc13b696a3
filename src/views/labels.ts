/** How lead statuses are written to people (lists, lead page, timeline, CSV export). */
import type { LeadStatus } from '../db/schema'

export const STATUS_LABELS: Record<LeadStatus, string> = {
  new: 'New',
  contacted: 'Contacted',
  qualified: 'Qualified',
  unqualified: 'Unqualified',
  won: 'Won',
  lost: 'Lost',
}
