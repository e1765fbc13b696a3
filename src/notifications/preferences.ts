/**
 * A member's notification preferences in one organization: per event type and channel (in-app,
 * email), "pause all email", the daily digest hour in their time zone, and (Owners and Admins) the weekly report.
 * Only choices that differ
 * from the registry's defaults (events.ts) are stored.
 */
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { runBatch, type Database } from '../db/client'
import { notificationPreferences, notificationSettings, users } from '../db/schema'
import type { Unit } from '../access/unit'
import { isManager, type Viewer } from '../access/viewer'
import { EVENT_TYPES, eventOf, type EventType } from './events'

/** Channels of one event type. */
export type Channels = { inApp: boolean; email: boolean }

/** What the preferences page shows and saves. */
export type Preferences = {
  channels: Record<EventType, Channels>
  emailPaused: boolean
  /** Hour 0–23 of the daily digest in `timeZone`, or null for no digest. */
  digestHour: number | null
  /** The member's IANA time zone (users.time_zone). */
  timeZone: string
  /** The weekly report email of the dashboard's numbers (Owners and Admins; on unless turned off). */
  weeklyReport: boolean
}

/** The event types `viewer` may choose for (pool events only for Owners and Admins), in registry order. */
export function offeredTypes(viewer: Viewer): EventType[] {
  return EVENT_TYPES.filter((type) => !eventOf(type).managersOnly || isManager(viewer))
}

/** `unit.viewer`'s preferences: saved choices over the registry defaults. */
export async function preferencesOf(unit: Pick<Unit, 'db' | 'viewer'>): Promise<Preferences> {
  const { db, viewer } = unit
  const [choices, settings, user] = await Promise.all([
    db
      .select()
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.orgId, viewer.orgId), eq(notificationPreferences.userId, viewer.userId)))
      .all(),
    db
      .select()
      .from(notificationSettings)
      .where(and(eq(notificationSettings.orgId, viewer.orgId), eq(notificationSettings.userId, viewer.userId)))
      .get(),
    db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, viewer.userId)).get(),
  ])
  const chosen = new Map(choices.map((c) => [c.type, { inApp: c.inApp, email: c.email }]))
  const channels = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, chosen.get(type) ?? { ...eventOf(type).defaults }]),
  ) as Record<EventType, Channels>
  return {
    channels,
    emailPaused: settings?.emailPaused ?? false,
    digestHour: settings?.digestHour ?? null,
    timeZone: user?.timeZone ?? 'UTC',
    weeklyReport: settings?.weeklyReport ?? true,
  }
}

/** What the preferences form saves: channels of the offered types, pause, digest hour, weekly report (undefined: left as it is). */
export type PreferencesInput = Pick<Preferences, 'emailPaused' | 'digestHour'> & {
  channels: Partial<Record<EventType, Channels>>
  weeklyReport?: boolean
}

/**
 * Saves `unit.viewer`'s preferences in one batch, stamped `unit.now`: a row per offered event type whose channels
 * differ from the default (others removed), and the pause / digest switches. Types not offered are left alone.
 */
export async function savePreferences(
  unit: Pick<Unit, 'db' | 'viewer' | 'now'>,
  input: PreferencesInput,
): Promise<void> {
  const { db, viewer, now } = unit
  const mine = (type: EventType) =>
    and(
      eq(notificationPreferences.orgId, viewer.orgId),
      eq(notificationPreferences.userId, viewer.userId),
      eq(notificationPreferences.type, type),
    )
  const statements: BatchItem<'sqlite'>[] = []
  for (const type of offeredTypes(viewer)) {
    const chosen = input.channels[type] ?? { inApp: false, email: false }
    const defaults = eventOf(type).defaults
    statements.push(db.delete(notificationPreferences).where(mine(type)))
    if (chosen.inApp !== defaults.inApp || chosen.email !== defaults.email)
      statements.push(
        db
          .insert(notificationPreferences)
          .values({ orgId: viewer.orgId, userId: viewer.userId, type, ...chosen, updatedAt: now }),
      )
  }
  statements.push(
    settingsUpsert(
      db,
      viewer.orgId,
      viewer.userId,
      {
        emailPaused: input.emailPaused,
        digestHour: input.digestHour,
        ...(input.weeklyReport === undefined ? {} : { weeklyReport: input.weeklyReport }),
      },
      now,
    ),
  )
  await runBatch(db, statements)
}

/** The statement that sets some of a member's switches (creating their settings row when needed). */
export function settingsUpsert(
  db: Database,
  orgId: string,
  userId: string,
  set: Partial<
    Pick<
      typeof notificationSettings.$inferInsert,
      'emailPaused' | 'digestHour' | 'digestSentAt' | 'weeklyReport' | 'weeklySentOn'
    >
  >,
  now: number,
): BatchItem<'sqlite'> {
  return db
    .insert(notificationSettings)
    .values({ orgId, userId, ...set, updatedAt: now })
    .onConflictDoUpdate({
      target: [notificationSettings.orgId, notificationSettings.userId],
      set: { ...set, updatedAt: now },
    })
}

/**
 * The statement that turns the email of event `type` off for a member, keeping their in-app choice
 * (a saved row keeps its `in_app`; without one the default is what they had).
 */
export function emailOff(
  db: Database,
  orgId: string,
  userId: string,
  type: EventType,
  now: number,
): BatchItem<'sqlite'> {
  return db
    .insert(notificationPreferences)
    .values({ orgId, userId, type, inApp: eventOf(type).defaults.inApp, email: false, updatedAt: now })
    .onConflictDoUpdate({
      target: [notificationPreferences.orgId, notificationPreferences.userId, notificationPreferences.type],
      set: { email: false, updatedAt: now },
    })
}
