/**
 * Organization API keys for `/api/v1` (`Authorization: Bearer {key}`): created with a name and shown once, kept
 * only as a SHA-256 hash with the key's last four characters (to tell keys apart in the list), revoked by Owners and
 * Admins. A revoked or unknown key answers 401.
 */
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Database } from '../db/client'
import type { OrgRef } from '../access/unit'
import { apiKeys, organizations } from '../db/schema'
import { newId } from '../lib/ids'
import { hashToken, newToken } from '../lib/tokens'

/** Every key starts with this, so a leaked one is recognisable (e.g. by secret scanners). */
export const API_KEY_PREFIX = 'lp_'

/** A key as the settings page lists it (never the key itself). */
export type ApiKeyListed = { id: string; name: string; lastFour: string; createdAt: number; lastUsedAt: number | null }

/** Creates a key named `name` for the unit's organization, by its viewer. @returns the key (shown once) and its id */
export async function createApiKey({ db, org, viewer, now }: Unit, name: string) {
  const key = `${API_KEY_PREFIX}${newToken()}`
  const id = newId()
  await db.insert(apiKeys).values({
    id,
    orgId: org.id,
    name,
    keyHash: await hashToken(key),
    lastFour: key.slice(-4),
    createdBy: viewer.userId,
    createdAt: now,
  })
  return { id, key }
}

/** The unit's organization's keys not revoked, newest first. */
export async function listApiKeys({ db, org }: Unit): Promise<ApiKeyListed[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      lastFour: apiKeys.lastFour,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt))
    .all()
}

/**
 * Revokes key `keyId` of the unit's organization (no-op when it is not theirs or already revoked).
 * @returns whether it was revoked
 */
export async function revokeApiKey({ db, org, now }: Unit, keyId: string): Promise<boolean> {
  const result = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt)))
    .run()
  return result.meta.changes === 1
}

/** The organization a live key `key` belongs to (and notes its use), or null for an unknown or revoked key. */
export async function orgOfApiKey(db: Database, key: string, now = Date.now()): Promise<OrgRef | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null
  const keyHash = await hashToken(key)
  const row = await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .returning({ orgId: apiKeys.orgId })
    .get()
  if (!row) return null
  const org = await db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.id, row.orgId))
    .get()
  return org ?? null
}
