/**
 * Lucia v3 adapter over the Drizzle/D1 `sessions` and `users` tables. Written here (instead of
 * `@lucia-auth/adapter-drizzle`) so that `sessions.expires_at` is epoch milliseconds like every other
 * time in Leadpool, and so that session ids are stored hashed: Lucia and the cookie see the plain id,
 * the `sessions.id` column holds only its SHA-256 (hex), so a read of the table hands nobody a cookie.
 */
import { and, eq, lte, ne } from 'drizzle-orm'
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia'
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import type { Database } from '../db/client'
import { sessions, users } from '../db/schema'
import { hashToken } from '../lib/tokens'

/** What `sessions.id` stores for the session id `sessionId` of a cookie: its SHA-256, 64 hex characters. */
export function hashSessionId(sessionId: string): Promise<string> {
  return hashToken(sessionId)
}

/**
 * The statement deleting every session of `userId` except the one whose stored id is `keepHash`
 * (`hashSessionId` of its cookie value; all of them when null), to run in the same D1 batch as a
 * password change. Not executed here (a Drizzle query runs when awaited, so this is not async).
 */
export function deleteSessionsStatement(db: Database, userId: string, keepHash: string | null) {
  return db
    .delete(sessions)
    .where(keepHash ? and(eq(sessions.userId, userId), ne(sessions.id, keepHash)) : eq(sessions.userId, userId))
}

/** Builds the adapter for one request's Drizzle client. */
export function sessionAdapter(db: Database): Adapter {
  const toSession = (row: typeof sessions.$inferSelect, id: string): DatabaseSession => ({
    id,
    userId: row.userId,
    expiresAt: new Date(row.expiresAt),
    attributes: {},
  })
  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, await hashSessionId(sessionId)))
        .get()
      if (!row) return [null, null]
      const user: DatabaseUser = {
        id: row.user.id,
        attributes: { name: row.user.name, email: row.user.email, timeZone: row.user.timeZone || DEFAULT_TIME_ZONE },
      }
      // Lucia gets back the plain id it asked with (it re-sends it in a renewed cookie).
      return [toSession(row.session, sessionId), user]
    },
    /** The user's sessions; their `id` is the stored hash (the plain ids are known to nobody). */
    async getUserSessions(userId) {
      const rows = await db.select().from(sessions).where(eq(sessions.userId, userId)).all()
      return rows.map((row) => toSession(row, row.id))
    },
    async setSession(session) {
      await db.insert(sessions).values({
        id: await hashSessionId(session.id),
        userId: session.userId,
        expiresAt: session.expiresAt.getTime(),
      })
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db
        .update(sessions)
        .set({ expiresAt: expiresAt.getTime() })
        .where(eq(sessions.id, await hashSessionId(sessionId)))
    },
    async deleteSession(sessionId) {
      await db.delete(sessions).where(eq(sessions.id, await hashSessionId(sessionId)))
    },
    async deleteUserSessions(userId) {
      await db.delete(sessions).where(eq(sessions.userId, userId))
    },
    async deleteExpiredSessions() {
      await db.delete(sessions).where(and(lte(sessions.expiresAt, Date.now())))
    },
  }
}
