/**
 * Lucia v3 adapter over the Drizzle/D1 `sessions` and `users` tables. Written here (instead of
 * `@lucia-auth/adapter-drizzle`) so that `sessions.expires_at` is epoch milliseconds like every other
 * time in Leadpool.
 */
import { and, eq, lte } from 'drizzle-orm'
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia'
import type { Database } from '../db/client'
import { sessions, users } from '../db/schema'

/** Builds the adapter for one request's Drizzle client. */
export function sessionAdapter(db: Database): Adapter {
  const toSession = (row: typeof sessions.$inferSelect): DatabaseSession => ({
    id: row.id,
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
        .where(eq(sessions.id, sessionId))
        .get()
      if (!row) return [null, null]
      const user: DatabaseUser = {
        id: row.user.id,
        attributes: { name: row.user.name, email: row.user.email },
      }
      return [toSession(row.session), user]
    },
    async getUserSessions(userId) {
      const rows = await db.select().from(sessions).where(eq(sessions.userId, userId)).all()
      return rows.map(toSession)
    },
    async setSession(session) {
      await db
        .insert(sessions)
        .values({ id: session.id, userId: session.userId, expiresAt: session.expiresAt.getTime() })
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.update(sessions).set({ expiresAt: expiresAt.getTime() }).where(eq(sessions.id, sessionId))
    },
    async deleteSession(sessionId) {
      await db.delete(sessions).where(eq(sessions.id, sessionId))
    },
    async deleteUserSessions(userId) {
      await db.delete(sessions).where(eq(sessions.userId, userId))
    },
    async deleteExpiredSessions() {
      await db.delete(sessions).where(and(lte(sessions.expiresAt, Date.now())))
    },
  }
}
