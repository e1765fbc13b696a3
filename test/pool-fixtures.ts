/**
 * Fixtures for pool and intake tests: members who are signed in without going through sign-up (a session row
 * written straight into D1, stored hashed as src/auth/session-adapter.ts stores it), and organization settings.
 */
import { addMembers } from './concurrency'
import { Client, env } from './helpers'

/** The SHA-256 (hex) of `text`, as sessions are stored. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** `n` new active members with `role` of the organization at `slug`, each with a signed-in client. */
export async function signedInMembers(slug: string, n: number, role: 'owner' | 'admin' | 'agent' = 'agent') {
  const ids = await addMembers(slug, n, role)
  return Promise.all(
    ids.map(async (userId) => {
      const sessionId = crypto.randomUUID().replaceAll('-', '')
      await env.DB.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)')
        .bind(await sha256(sessionId), userId, Date.now() + 86_400_000)
        .run()
      const client = new Client()
      client.cookies.set('leadpool_session', sessionId)
      const user = await env.DB.prepare('SELECT name FROM users WHERE id = ?').bind(userId).first<{ name: string }>()
      return { userId, name: user!.name, client }
    }),
  )
}

/** Sets organization columns (snake_case names) of the organization at `slug` straight in D1. */
export async function setOrg(slug: string, values: Record<string, string | number | null>) {
  const keys = Object.keys(values)
  await env.DB.prepare(`UPDATE organizations SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE slug = ?`)
    .bind(...keys.map((k) => values[k]), slug)
    .run()
}

/** The id of the organization at `slug`. */
export async function orgIdOf(slug: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM organizations WHERE slug = ?').bind(slug).first<{ id: string }>()
  return row!.id
}

/** Opts member `userId` of the organization at `slug` in to `type` notifications in the app (not by email). */
export async function optIn(slug: string, userId: string, type: string) {
  await env.DB.prepare(
    'INSERT INTO notification_preferences (org_id, user_id, type, in_app, email, updated_at) VALUES (?, ?, ?, 1, 0, ?)',
  )
    .bind(await orgIdOf(slug), userId, type, Date.now())
    .run()
}

/** The user id of the person signed in with `email`. */
export async function userIdOf(email: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<{ id: string }>()
  return row!.id
}
