/** The pool and routing settings form (`POST /o/{slug}/settings/pool`). */
import { z } from 'zod'
import { ROUTING_MODES, type RoutingMode } from '../db/schema'

/** A whole number from 0 to `max`, typed in a number field (empty = 0); undefined when the field was not sent. */
function sentCount(label: string, max: number) {
  return z
    .string()
    .trim()
    .refine((v) => /^\d{0,6}$/.test(v), `Enter the ${label} as a whole number`)
    .transform((v) => (v === '' ? 0 : Number(v)))
    .refine((v) => v <= max, `The ${label} is at most ${max}`)
    .optional()
}

/** A whole number from 0 to `max`, typed in a number field (empty or not sent = 0). */
function count(label: string, max: number) {
  return sentCount(label, max).transform((v) => v ?? 0)
}

/** Ids of the ticked members (sent once, many times, or not at all). */
const memberIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

/** The pool and routing form's fields. */
export const poolSettingsSchema = z.object({
  poolClaimCap: count('cap', 1000),
  poolShowOldest: count('number of leads shown', 100),
  poolStaleHours: count('number of hours', 8760),
  poolReturnDays: count('number of days', 365),
  // Left out (a page from before the setting), it stays as it is.
  unassignedWarnHours: sentCount('number of hours', 8760),
  routing: z.enum(ROUTING_MODES, 'Choose where new leads go'),
  routingMemberIds: memberIds,
})

/** The pool and routing settings as the form gives them. */
export type PoolSettingsValues = {
  poolClaimCap: number
  poolShowOldest: number
  poolStaleHours: number
  poolReturnDays: number
  /** Hours after which an unassigned lead is marked and named in the digest (0 = never); undefined: unchanged. */
  unassignedWarnHours?: number
  routing: RoutingMode
  routingMemberIds: string[]
}
