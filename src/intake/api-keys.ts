/**
 * Organization API keys for `/api/v1` (`Authorization: Bearer {key}`): created with a name and scopes (read, write,
 * assign) and shown once, kept only as a SHA-256 hash with the key's last four characters (to tell keys apart in the
 * list), revoked by Owners and Admins. A revoked or unknown key answers 401. Each key acts as an integration: a
 * `users` row with the key's id and name, no password and no membership, so the timeline says "Zapier changed the
 * status" (docs/ARCHITECTURE.md "Intake and routing").
 */
import { orgRefColumns } from '../access/databases'
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { runBatch, type Database } from '../db/client'
import type { OrgRef } from '../access/unit'
import { apiKeys, organizations, users, type ApiScope } from '../db/schema'
import { newId } from '../lib/ids'
import { hashToken, newToken } from '../lib/tokens'

/** Every key starts with this, so a leaked one is recognisable (e.g. by secret scanners). */
export const API_KEY_PREFIX = 'lp_'

/** A key as the settings page lists it (never the key itself). */
export type ApiKeyListed = {
  id: string
  name: string
  lastFour: string
  scopes: ApiScope[]
  createdAt: number
  lastUsedAt: number | null
}

/** The organization's settings the lead policy and assignment read (src/access/viewer.ts `Viewer`). */
export type OrgSettings = {
  poolEnabled: boolean
  multipleAssignees: boolean
  handoffNoteRequired: boolean
  agentsMayHandOff: boolean
}

/** A live key as a request to the API carries it: its organization and settings, and the integration it acts as. */
export type ApiCaller = { org: OrgRef; settings: OrgSettings; key: { id: string; name: string; scopes: ApiScope[] } }

/** The email of a key's integration user: unique, never delivered (`.invalid`, RFC 2606). */
const integrationEmail = (keyId: string) => `api-key-${keyId}@integrations.invalid`

/** A password hash no password matches (auth/password.ts reads only its own format): the integration cannot log in. */
const NO_PASSWORD = '!'

/**
 * Creates a key named `name` with `scopes` for the unit's organization, by its viewer, and its integration user (the
 * key's id and name) in one batch.
 * @returns the key (shown once) and its id
 */
export async function createApiKey({ db, org, viewer, now }: Unit, name: string, scopes: ApiScope[]) {
  const key = `${API_KEY_PREFIX}${newToken()}`
  const id = newId()
  await runBatch(db, [
    db.insert(users).values({
      id,
      name,
      email: integrationEmail(id),
      passwordHash: NO_PASSWORD,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(apiKeys).values({
      id,
      orgId: org.id,
      name,
      keyHash: await hashToken(key),
      lastFour: key.slice(-4),
      scopes,
      createdBy: viewer.userId,
      createdAt: now,
    }),
  ])
  return { id, key }
}

/** The unit's organization's keys not revoked, newest first. */
export async function listApiKeys({ db, org }: Unit): Promise<ApiKeyListed[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      lastFour: apiKeys.lastFour,
      scopes: apiKeys.scopes,
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

/**
 * Who a live key `key` is (and notes its use at `now`, epoch ms): its organization with its settings, the key's id,
 * name and scopes; null for an unknown or revoked key.
 */
export async function callerOfApiKey(db: Database, key: string, now = Date.now()): Promise<ApiCaller | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null
  const keyHash = await hashToken(key)
  const row = await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, orgId: apiKeys.orgId })
    .get()
  if (!row) return null
  const org = await db
    .select({
      ...orgRefColumns,
      poolEnabled: organizations.poolEnabled,
      multipleAssignees: organizations.multipleAssignees,
      handoffNoteRequired: organizations.handoffNoteRequired,
      agentsMayHandOff: organizations.agentsMayHandOff,
    })
    .from(organizations)
    .where(eq(organizations.id, row.orgId))
    .get()
  if (!org) return null
  const { id, name, slug, database, ...settings } = org
  return { org: { id, name, slug, database }, settings, key: { id: row.id, name: row.name, scopes: row.scopes } }
}
