/**
 * Working hours per member (docs/ARCHITECTURE.md "Intake and routing"): weekdays and local times in the member's own
 * time zone (`users.time_zone`), outside which routing skips them (leads/routing.ts). Claiming from the pool stays
 * allowed at any hour: someone at their desk late may still take a lead. Set by the member on their preferences page,
 * or by an Owner or Admin on the team page (the same rights as marking someone away, orgs/away.ts).
 */
import { copyMembershipsToDirectory } from '../access/mirror'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Unit } from '../access/unit'
import { memberships } from '../db/schema'
import type { BusinessHours } from '../lib/business-time'
import { mayMarkAway } from './away'
import { checkbox, timeOfDay, weekdays } from './speed-settings-schema'

/** A member's working-hours columns (`memberships.work_*`): `days` null when none are set. */
export type WorkingHoursColumns = { workDays: string | null; workStart: string; workEnd: string }

/** The working hours of a member with these columns in `timeZone` (theirs, IANA), or null when none are set. */
export function workingHoursOf(columns: WorkingHoursColumns, timeZone: string): BusinessHours | null {
  const days = (columns.workDays ?? '').split(',').filter((d) => d !== '')
  if (days.length === 0) return null
  return { timeZone, days: days.map(Number), start: columns.workStart, end: columns.workEnd }
}

/**
 * The working-hours form: `workHours` ticked to keep them, the weekdays ticked (`workDays`, `0` Sunday … `6`
 * Saturday), `workStart` and `workEnd` (`HH:mm`, the start first). Unticked: the columns with `workDays` null.
 */
export const workingHoursSchema = z
  .object({
    workHours: checkbox,
    workDays: weekdays,
    workStart: timeOfDay('start'),
    workEnd: timeOfDay('end'),
  })
  .superRefine((v, ctx) => {
    if (!v.workHours) return
    if (v.workDays.length === 0)
      ctx.addIssue({ code: 'custom', path: ['workDays'], message: 'Tick at least one working day' })
    if (v.workStart >= v.workEnd)
      ctx.addIssue({ code: 'custom', path: ['workEnd'], message: 'The end comes after the start' })
  })
  .transform((v): WorkingHoursColumns => ({
    workDays: v.workHours ? [...new Set(v.workDays)].sort().join(',') : null,
    workStart: v.workStart,
    workEnd: v.workEnd,
  }))

/** Member `userId`'s working-hours columns in `unit.org` (none set when there is no such member). */
export async function workingHoursColumns(
  unit: Pick<Unit, 'db' | 'org'>,
  userId: string,
): Promise<WorkingHoursColumns> {
  const row = await unit.db
    .select({ workDays: memberships.workDays, workStart: memberships.workStart, workEnd: memberships.workEnd })
    .from(memberships)
    .where(and(eq(memberships.orgId, unit.org.id), eq(memberships.userId, userId)))
    .get()
  return row ?? { workDays: null, workStart: '09:00', workEnd: '17:00' }
}

/**
 * Sets member `userId`'s working hours to `hours` (`workDays` null: none, routing may give them a lead at any hour).
 * @throws Refusal 403 when an Agent acts for someone else, 404 when there is no such member
 */
export async function setWorkingHours(unit: Unit, userId: string, hours: WorkingHoursColumns): Promise<void> {
  await mayMarkAway(unit, userId)
  await unit.db
    .update(memberships)
    .set({ ...hours, updatedAt: unit.now })
    .where(and(eq(memberships.orgId, unit.org.id), eq(memberships.userId, userId)))
  await copyMembershipsToDirectory(unit, [userId])
}
