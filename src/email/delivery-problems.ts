/**
 * Each member's last email delivery problem, for the team page (Owners/Admins): the newest email of
 * the organization to their address that the provider refused (`failed`) or that is waiting for a
 * retry after an error (`queued` with `last_error`), with the provider's reason.
 */
import { sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { emailOutbox } from '../db/schema'
import { inIdSet } from '../db/id-sets'

/** A delivery problem: `failed` (given up) or `retrying`, the reason, when (epoch ms). */
export type DeliveryProblem = { state: 'failed' | 'retrying'; reason: string; at: number }

/**
 * The last delivery problem of each of `addresses` (normalized, as the outbox keeps them) among the
 * emails of organization `orgId`, by address; addresses without one are absent. One query, the
 * addresses bound as one JSON array.
 */
export async function deliveryProblems(
  db: Database,
  orgId: string,
  addresses: string[],
): Promise<Map<string, DeliveryProblem>> {
  if (addresses.length === 0) return new Map()
  const e = emailOutbox
  const rows = await db.all<{ to: string; status: string; reason: string | null; at: number }>(sql`
    SELECT "to", status, reason, at FROM (
      SELECT ${e.to} AS "to", ${e.status} AS status, ${e.lastError} AS reason, ${e.updatedAt} AS at,
        row_number() OVER (PARTITION BY ${e.to} ORDER BY ${e.updatedAt} DESC, ${e.id} DESC) AS n
      FROM ${e}
      WHERE ${e.orgId} = ${orgId}
        AND ${inIdSet(e.to, addresses)}
        AND (${e.status} = 'failed' OR (${e.status} = 'queued' AND ${e.lastError} IS NOT NULL))
    ) WHERE n = 1`)
  return new Map(
    rows.map((r) => [
      r.to,
      { state: r.status === 'failed' ? 'failed' : 'retrying', reason: r.reason ?? 'no reason given', at: Number(r.at) },
    ]),
  )
}
