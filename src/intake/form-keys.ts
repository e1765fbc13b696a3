/**
 * The organization's web-form key: the public part of `/f/{formKey}`, pasted into customers' websites. Rotating
 * it makes the old address stop taking leads (404).
 */
import { orgRefColumns } from '../access/databases'
import { eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import type { Database } from '../db/client'
import { organizations } from '../db/schema'
import { isWellFormedToken, newToken } from '../lib/tokens'

/** The organization in `db` whose form key is `formKey` (id, name, slug, thank-you URL, database), or null. */
export async function orgByFormKey(db: Database, formKey: string) {
  if (!isWellFormedToken(formKey)) return null
  const row = await db
    .select({
      ...orgRefColumns,
      thankYouUrl: organizations.thankYouUrl,
    })
    .from(organizations)
    .where(eq(organizations.formKey, formKey))
    .get()
  return row ?? null
}

/** Gives the unit's organization a new form key (the old one stops working). @returns the new key */
export async function rotateFormKey({ db, org, now }: Unit): Promise<string> {
  const formKey = newToken()
  await db.update(organizations).set({ formKey, updatedAt: now }).where(eq(organizations.id, org.id))
  return formKey
}

/** Sets the thank-you URL (`''`: Leadpool's own thank-you page) of the unit's organization. */
export async function setThankYouUrl({ db, org, now }: Unit, thankYouUrl: string): Promise<void> {
  await db.update(organizations).set({ thankYouUrl, updatedAt: now }).where(eq(organizations.id, org.id))
}
