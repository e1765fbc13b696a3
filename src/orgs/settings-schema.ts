/** The organization settings form (`POST /o/{slug}/settings`). */
import { z } from 'zod'

/** A checkbox: ticked sends `1`, unticked sends nothing (false). */
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === '1')

/** The form's fields: four boxes and the hours to acknowledge a handoff (1–720; left out: unchanged). */
export const settingsSchema = z.object({
  poolEnabled: checkbox,
  multipleAssignees: checkbox,
  handoffNoteRequired: checkbox,
  agentsMayHandOff: checkbox,
  /** Left out: unchanged. */
  handoffAckHours: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(
      z.coerce
        .number<string | undefined>({ error: 'Enter a number of hours' })
        .int('Enter a whole number of hours')
        .min(1, 'At least 1 hour')
        .max(720, 'At most 720 hours (30 days)')
        .optional(),
    ),
})

/** The settings as the form gives them. */
export type OrgSettings = z.output<typeof settingsSchema>
