/** The assignment forms' input schemas (read with views/form-input.ts `parseForm`). */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'
import { filtersSchema, MAX_SEARCH } from '../leads/filters'
import { decodeHolders, shownHoldersField, shownHoldersOf } from '../leads/holders'
import { multiLine, optionalMultiLine, optionalSingleLine } from '../lib/text'

/** The longest handoff note, on every path that takes one (lead page, list row, bulk bar). */
export const MAX_NOTE = 2000

/**
 * The one meaning of the assignee pickers' values: `none` (list menus, bulk bar) and empty (the lead
 * page's "Unassigned") both unassign (null); anything else is a member's user id.
 */
export function assigneeOrNull(value: string): string | null {
  const id = value.trim()
  return id === '' || id === 'none' ? null : id
}

/** Assign / unassign / transfer one lead (lead page or list row). */
export const assignSchema = z.object({
  assigneeId: z.string().max(64, 'Choose a member from the list').default('').transform(assigneeOrNull),
  note: optionalMultiLine('handoff note', MAX_NOTE),
  /** `list` when sent from a list row's menu (answered with the row, for htmx). */
  from: z.string().optional(),
  /** The holders the form was shown with (leads/holders.ts); absent: not checked. */
  shown_assignees: shownHoldersField,
})

/** An Agent hands their lead to a teammate (lead page, *Hand off*). */
export const handOffSchema = z.object({
  assigneeId: z.string().max(64, 'Choose a member from the list').default('').transform(assigneeOrNull),
  note: optionalMultiLine('handoff note', MAX_NOTE),
  shown_assignees: shownHoldersField,
})

/** An Agent asks the Owners/Admins to reassign their lead (lead page, *Ask for reassignment*). */
export const reassignmentRequestSchema = z.object({
  note: multiLine('note', MAX_NOTE, 'Say why the lead should be reassigned, and to whom if you know'),
})

/** Where an assignment form was sent from, read before the rest (`list`: a list row's menu); never refused. */
export const sentFromSchema = z.object({ from: z.string().optional().catch(undefined) })

/** A field that may be sent once, many times or not at all, as a list. */
const repeated = z
  .union([z.string(), z.array(z.unknown())])
  .optional()
  .transform((v) =>
    v === undefined ? [] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [v],
  )

/**
 * The selection every bulk action takes: ticked ids, or `all=1` with the list's filters (`match_*`). Loose: each
 * row's `shown_{leadId}` (the holders it showed, leads/holders.ts) is read by `shownByLead`.
 */
export const bulkSelectionSchema = z.looseObject({
  all: z.string().optional(),
  leadIds: repeated,
  /** The search of "all matching": refused (422) rather than searched for in part when the text rules refuse it. */
  match_q: optionalSingleLine('search', MAX_SEARCH),
  match_status: z.string().optional(),
  match_assignee: z.string().optional(),
  match_attention: z.string().optional(),
  match_source: z.string().optional(),
  match_from: z.string().optional(),
  match_to: z.string().optional(),
  match_archived: z.string().optional(),
  /** The list's sort and page (cursor) the bulk bar was on: its answer shows that same page again. */
  match_sort: z.string().optional(),
  match_cursor: z.string().optional(),
})

/** The bulk bar's handoff note, kept with the leads Assign or Unassign changes (bulk.ts). */
const bulkNote = optionalMultiLine('handoff note', MAX_NOTE)

/**
 * The bulk bar's note field for an action that carries no note (Set status, Put in the pool): the note
 * is in the same form, so one typed there is refused (422) rather than dropped.
 */
const noNote = bulkNote.refine(
  (v) => v.trim() === '',
  'The handoff note goes with Assign or Unassign: press one of those, or clear the note.',
)

/** The bulk bar's Assign: the assignee (required: empty means nothing was chosen) and the handoff note. */
export const bulkAssignSchema = bulkSelectionSchema.extend({
  assigneeId: z
    .string()
    .default('')
    .refine((v) => v !== '', 'Choose a team member (or Unassigned) to assign the selected leads to.')
    .transform(assigneeOrNull),
  note: bulkNote,
})

/** The bulk bar's Unassign: the note goes to the previous assignees. */
export const bulkUnassignSchema = bulkSelectionSchema.extend({ note: bulkNote })

/** The bulk bar's Put in the pool. */
export const bulkPoolSchema = bulkSelectionSchema.extend({ note: noNote })

/** The bulk bar's Set status. */
export const bulkStatusSchema = bulkSelectionSchema.extend({
  status: z.enum(LEAD_STATUSES, 'Choose the status to give the selected leads.'),
  note: noNote,
})

/**
 * The list filters, sort and page a bulk form carries (named `match_*` apart from the search box's own
 * fields): the page its answer shows. The selection "all matching" takes them without the page
 * (`selectionOf` in assignment/routes.tsx drops the cursor).
 */
export function bulkFilters(
  values: Partial<
    Record<
      `match_${'q' | 'status' | 'assignee' | 'source' | 'from' | 'to' | 'archived' | 'attention' | 'sort' | 'cursor'}`,
      string
    >
  >,
) {
  return filtersSchema.parse({
    q: values.match_q || undefined,
    status: values.match_status || undefined,
    assignee: values.match_assignee || undefined,
    attention: values.match_attention || undefined,
    source: values.match_source || undefined,
    from: values.match_from || undefined,
    to: values.match_to || undefined,
    archived: values.match_archived || undefined,
    sort: values.match_sort || undefined,
    cursor: values.match_cursor || undefined,
  })
}

/**
 * The holders each ticked lead's row showed (`shown_{leadId}`: sorted user ids, comma-separated, empty for none), by
 * lead id; a lead whose row sent none (an old page, another client) is left out, so not checked.
 */
export function shownByLead(values: Record<string, unknown>, leadIds: string[]): Map<string, string[]> {
  const shown = new Map<string, string[]>()
  for (const id of leadIds) {
    const value = values[shownHoldersOf(id)]
    const holders = typeof value === 'string' ? decodeHolders(value) : undefined
    if (holders) shown.set(id, holders)
  }
  return shown
}

/** Add a collaborator. */
export const collaboratorSchema = z.object({ userId: z.string().default(''), shown_assignees: shownHoldersField })

/** Remove a collaborator: only the holders the form was shown with. */
export const holdersSchema = z.object({ shown_assignees: shownHoldersField })

/** Put a lead into the pool (`inPool=1`) or take it out (anything else). */
export const poolSchema = z.object({
  inPool: z
    .string()
    .default('')
    .transform((v) => v === '1'),
  shown_assignees: shownHoldersField,
})
