/**
 * The organization's inbound email address, `{slug}-{random}@{INBOUND_EMAIL_DOMAIN}` (docs/ARCHITECTURE.md "Inbound
 * email"): its members BCC it when writing to a lead, or forward a lead's email to it. Rotating it gives a new one and
 * ends the old (mail to it is rejected).
 */
import { orgRefColumns } from '../access/databases'
import { eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Database } from '../db/client'
import { inboundAddresses, organizations } from '../db/schema'

/** Random characters of an address (lower-case letters and digits, no look-alikes). */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'

/** An organization's address settings: the local part (null: none yet) and "create a lead from an unknown sender". */
export type InboundSettings = { localPart: string | null; createLeads: boolean }

/** A new local part for `slug`: its first 30 characters, a dash and 12 random characters (about 60 bits). */
function newLocalPart(slug: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return `${slug.slice(0, 30).replace(/-+$/, '')}-${[...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`
}

/** The unit's organization's address settings (no address yet: `localPart` null, unknown senders not taken in). */
export async function inboundSettings(unit: Pick<Unit, 'db' | 'org'>): Promise<InboundSettings> {
  const row = await unit.db
    .select({ localPart: inboundAddresses.localPart, createLeads: inboundAddresses.createLeads })
    .from(inboundAddresses)
    .where(eq(inboundAddresses.orgId, unit.org.id))
    .get()
  return row ?? { localPart: null, createLeads: false }
}

/**
 * The organization in `db` whose current address is `to` on `domain` (any capitalisation), with its database and setting "create a lead
 * from an unknown sender", or null (another domain, an address never given or rotated away).
 */
export async function orgByInboundAddress(db: Database, to: string, domain: string) {
  const [local, host] = splitAddress(to)
  if (!local || host !== domain.toLowerCase()) return null
  const row = await db
    .select({
      ...orgRefColumns,
      createLeads: inboundAddresses.createLeads,
    })
    .from(inboundAddresses)
    .innerJoin(organizations, eq(organizations.id, inboundAddresses.orgId))
    .where(eq(inboundAddresses.localPart, local))
    .get()
  return row ?? null
}

/** `local@host` as its lower-case local part and host (`['', '']` when it is not an address). */
function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@')
  if (at <= 0) return ['', '']
  return [address.slice(0, at).toLowerCase(), address.slice(at + 1).toLowerCase()]
}

/**
 * Gives the unit's organization a new inbound address (the first, or a new one in place of the old, which ends at
 * once), stamped `unit.now`. @returns the new local part
 */
export async function rotateInboundAddress(unit: Unit): Promise<string> {
  const { db, org, now } = unit
  const localPart = newLocalPart(org.slug)
  await db
    .insert(inboundAddresses)
    .values({ orgId: org.id, localPart, updatedAt: now })
    .onConflictDoUpdate({ target: inboundAddresses.orgId, set: { localPart, updatedAt: now } })
  return localPart
}

/** Turns "create a lead from an unknown sender" on or off for the unit's organization (it needs an address first). */
export async function setCreateLeads(unit: Unit, createLeads: boolean): Promise<void> {
  const { db, org, now } = unit
  await db.update(inboundAddresses).set({ createLeads, updatedAt: now }).where(eq(inboundAddresses.orgId, org.id))
}
