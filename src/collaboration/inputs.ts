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

/** `POST …/communications` (and its edit), `occurredAt` read in `timeZone` (the viewer's). */
export function communicationSchema(timeZone: string) {
  return z.object({
    kind: z.enum(COMMUNICATION_KINDS, 'Choose call, email, meeting, SMS or other'),
    direction: z.enum(DIRECTIONS, 'Choose inbound or outbound'),
    summary: multiLine('summary', 2000),
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
