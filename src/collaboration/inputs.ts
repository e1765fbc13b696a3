/** The forms of collaboration (zod schemas with the text rules of src/lib/text.ts). */
import { z } from 'zod'
import { COMMUNICATION_KINDS, DIRECTIONS, LEAD_STATUSES } from '../db/schema'
import { multiLine, optionalSingleLine } from '../lib/text'
import { zonedToUtc } from '../lib/zoned-time'
import { NOTE_MAX } from './notes'

/** `POST …/status`: `status`, an optional `reason`, and `from`, the status the form was shown with (optional). */
export const statusSchema = z.object({
  status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses'),
  reason: optionalSingleLine('reason', 500),
  from: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').optional(),
})

/** `POST …/notes`: `body`; `asText=1` keeps `@word`s that name no one member as plain text. */
export const noteSchema = z.object({
  body: multiLine('note', NOTE_MAX),
  asText: z
    .string()
    .optional()
    .transform((v) => v === '1'),
})

/** The longest summary a person may type when logging a communication (characters). */
export const SUMMARY_MAX = 2000

/**
 * The longest summary an edit of a communication whose summary is now `summary` may save (characters): `SUMMARY_MAX`,
 * or as long as it is already (an email logged by inbound email keeps its whole text), so saving it unchanged or
 * shorter is never refused.
 */
export const summaryMax = (summary: string) => Math.max(SUMMARY_MAX, summary.length)

/**
 * `POST …/communications` (and its edit), `occurredAt` read in `timeZone` (the viewer's); the summary at most
 * `maxSummary` characters (default `SUMMARY_MAX`; an edit: `summaryMax`).
 */
export function communicationSchema(timeZone: string, maxSummary = SUMMARY_MAX) {
  return z.object({
    kind: z.enum(COMMUNICATION_KINDS, 'Choose call, email, meeting, SMS or other'),
    direction: z.enum(DIRECTIONS, 'Choose inbound or outbound'),
    summary: multiLine('summary', maxSummary),
    occurredAt: z.string('Enter when it happened').transform((v, ctx) => {
      const at = zonedToUtc(v.trim(), timeZone)
      if (at === null) {
        ctx.issues.push({ code: 'custom', message: 'Enter when it happened, as a date and time', input: v })
        return z.NEVER
      }
      return at
    }),
  })
}
