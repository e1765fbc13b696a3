/**
 * Each member's time zone (an IANA name such as `Europe/Berlin`, `users.time_zone`, taken from the
 * browser at sign-up and changed on /account): what their times are entered and shown in, and when
 * their day starts and ends. The one place features read it from D1; the signed-in person's own comes with their
 * session (access/context.ts `viewerTimeZone`).
 */
import type { Database } from '../db/client'
import { users } from '../db/schema'
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import { inIdSet } from '../db/id-sets'

/** The time zone of each of `userIds`, by user id (every id present; unknown people get DEFAULT_TIME_ZONE). */
export async function timeZonesOf(db: Database, userIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)]
  const rows = unique.length
    ? await db
        .select({ id: users.id, timeZone: users.timeZone })
        .from(users)
        // One bound parameter however many people (docs/ARCHITECTURE.md, "Set-based work: json_each").
        .where(inIdSet(users.id, unique))
        .all()
    : []
  const found = new Map(rows.map((r) => [r.id, r.timeZone || DEFAULT_TIME_ZONE]))
  return new Map(unique.map((id) => [id, found.get(id) ?? DEFAULT_TIME_ZONE]))
}

/** The time zone of member `userId`. */
export async function timeZoneOf(db: Database, userId: string): Promise<string> {
  return (await timeZonesOf(db, [userId])).get(userId) ?? DEFAULT_TIME_ZONE
}
