/** The speed-to-lead settings form (`POST /o/{slug}/settings/speed`): business hours and the first-touch target. */
import { z } from 'zod'
import { isTimeZone } from '../lib/time-zones'

/** A checkbox: ticked sends `1`, unticked sends nothing (false). */
export const checkbox = z
  .string()
  .optional()
  .transform((v) => v === '1')

/** A local time of day `HH:mm` (`24:00` allowed: midnight at the day's end). */
export const timeOfDay = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, `Enter the ${label} as HH:MM, e.g. 09:00`)

/** The working weekdays ticked (`0` Sunday … `6` Saturday), sent once, many times, or not at all. */
export const weekdays = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(['0', '1', '2', '3', '4', '5', '6'], 'Tick weekdays from the list')))

/** The form's fields; business hours need a known time zone, a working day and a start before the end. */
export const speedSettingsSchema = z
  .object({
    businessHours: checkbox,
    businessTimeZone: z.string().trim().max(64).default('UTC'),
    businessDays: weekdays,
    businessStart: timeOfDay('start'),
    businessEnd: timeOfDay('end'),
    firstTouchTargetMinutes: z
      .string()
      .trim()
      .refine((v) => /^\d{0,6}$/.test(v), 'Enter the target as a whole number of minutes')
      .transform((v) => (v === '' ? 0 : Number(v)))
      .refine((v) => v <= 10_080, 'The target is at most 10080 minutes (a week)'),
    firstTouchReturn: checkbox,
  })
  .superRefine((v, ctx) => {
    if (!v.businessHours) return
    if (!isTimeZone(v.businessTimeZone))
      ctx.addIssue({ code: 'custom', path: ['businessTimeZone'], message: 'Choose a time zone from the list' })
    if (v.businessDays.length === 0)
      ctx.addIssue({ code: 'custom', path: ['businessDays'], message: 'Tick at least one working day' })
    if (v.businessStart >= v.businessEnd)
      ctx.addIssue({ code: 'custom', path: ['businessEnd'], message: 'The end comes after the start' })
  })
  .transform((v) => ({
    businessTimeZone: v.businessHours ? v.businessTimeZone : null,
    businessDays: [...new Set(v.businessDays)].sort().join(','),
    businessStart: v.businessStart,
    businessEnd: v.businessEnd,
    firstTouchTargetMinutes: v.firstTouchTargetMinutes,
    firstTouchReturn: v.firstTouchReturn,
  }))

/** The settings as the form gives them (the columns of `organizations` they are saved in). */
export type SpeedSettings = z.output<typeof speedSettingsSchema>
