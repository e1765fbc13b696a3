/**
 * Reading the pool: the leads waiting in it, oldest first (the time they entered the pool, or their creation when
 * that was not recorded), as the pool page and the PoolRoom's live list show them.
 */
import { bucketTotal, readTotals } from '../leads/counts'
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { leads, organizations } from '../db/schema'
import { inPool } from '../leads/policy'

/** Most leads the pool page lists when the organization sets no "show only the oldest N". */
export const POOL_PAGE_SIZE = 100

/** A lead waiting in the pool. `waitingSince`: epoch ms it entered the pool. */
export type PoolLead = { id: string; name: string; company: string; source: string; waitingSince: number }

/** The pool as shown: its oldest leads, how many wait in all, and when a lead counts as stale. */
export type PoolView = {
  leads: PoolLead[]
  total: number
  /** A lead waiting since before this instant (epoch ms) is stale; null when the warning is off. */
  staleBefore: number | null
}

/** The organization's pool settings, as the pool page and the PoolRoom need them. */
export type PoolSettings = Pick<
  typeof organizations.$inferSelect,
  'id' | 'slug' | 'poolClaimCap' | 'poolShowOldest' | 'poolStaleHours'
>

/** When a lead entered the pool, in SQL (the pool time, else its creation). */
export const waitingSince = sql<number>`coalesce(${leads.pooledAt}, ${leads.createdAt})`

/** The pool settings of organization `orgId`, or null when there is no such organization. */
export async function poolSettings(db: Database, orgId: string): Promise<PoolSettings | null> {
  const row = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      poolClaimCap: organizations.poolClaimCap,
      poolShowOldest: organizations.poolShowOldest,
      poolStaleHours: organizations.poolStaleHours,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get()
  return row ?? null
}

/**
 * The pool of `settings.id` at `now` (epoch ms): the oldest `poolShowOldest` leads (or `POOL_PAGE_SIZE` when 0),
 * oldest first, and the count of every lead waiting. The caller has checked the viewer may see the pool.
 */
export async function readPool(db: Database, settings: PoolSettings, now: number): Promise<PoolView> {
  const limit = settings.poolShowOldest > 0 ? Math.min(settings.poolShowOldest, POOL_PAGE_SIZE) : POOL_PAGE_SIZE
  const where = and(eq(leads.orgId, settings.id), inPool())
  const [rows, total] = await Promise.all([
    db
      .select({ id: leads.id, name: leads.name, company: leads.company, source: leads.source, waitingSince })
      .from(leads)
      .where(where)
      .orderBy(asc(waitingSince), asc(leads.id))
      .limit(limit)
      .all(),
    // The trigger-kept counter of the pool (src/leads/counts.ts), not a count of every pool lead.
    readTotals(db, [bucketTotal(settings.id, 'pool')]).then(([n]) => n!),
  ])
  const staleBefore = settings.poolStaleHours > 0 ? now - settings.poolStaleHours * 3_600_000 : null
  return { leads: rows, total, staleBefore }
}
