/**
 * Each member's time zone (an IANA name such as `Europe/Berlin`): what their times are entered and
 * shown in, and when their day starts and ends. The one place that reads it, so every feature asks
 * the same way. Until the members' own time zone column lands (notifications work, `users.time_zone`),
 * everyone is in UTC.
 */
import type { Database } from '../db/client'

/** The time zone of anyone whose own is unknown. */
export const DEFAULT_TIME_ZONE = 'UTC'

/** The time zone of each of `userIds`, by user id (every id present). */
export function timeZonesOf(_db: Database, userIds: string[]): Promise<Map<string, string>> {
  return Promise.resolve(new Map(userIds.map((id) => [id, DEFAULT_TIME_ZONE])))
}

/** The time zone of member `userId`. */
export async function timeZoneOf(db: Database, userId: string): Promise<string> {
  return (await timeZonesOf(db, [userId])).get(userId) ?? DEFAULT_TIME_ZONE
}
