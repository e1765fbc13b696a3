/** The lead list's filters as read from a URL query (list page, CSV export, bulk "select all"). */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'

/** Unknown or malformed filter values are dropped rather than refused: a stale bookmark still opens. */
export const filtersSchema = z.object({
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 200))
    .optional()
    .catch(undefined),
  status: z.enum(LEAD_STATUSES).optional().catch(undefined),
  assignee: z.string().max(64).optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
})
