/** The Drizzle client over the D1 binding; middleware puts one on `c.var.db` per request. */
import type { BatchItem } from 'drizzle-orm/batch'
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

/**
 * Builds a Drizzle client for `d1`, the binding or one of its sessions (db/d1-session.ts). Cheap: no
 * connection is opened. Drizzle uses only `prepare` and `batch`, which a session has too.
 */
export function createDb(d1: D1Database | D1DatabaseSession) {
  return drizzle(d1 as D1Database, { schema })
}

export type Database = ReturnType<typeof createDb>

/** Runs `statements` as one atomic D1 batch: all of them take effect, or none. Empty: nothing. */
export async function runBatch(db: Database, statements: BatchItem<'sqlite'>[]): Promise<void> {
  if (statements.length === 0) return
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
}
