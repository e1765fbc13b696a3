/** The lead list's filters as read from a URL query (list page, CSV export, bulk "select all"). */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'
import { isId } from '../lib/ids'
import { textProblem } from '../lib/text'

/** The longest search text. */
export const MAX_SEARCH = 200

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
