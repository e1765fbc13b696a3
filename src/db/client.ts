/** The Drizzle client over the D1 binding; middleware puts one on `c.var.db` per request. */
import type { BatchItem } from 'drizzle-orm/batch'
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

/** Builds a Drizzle client for `d1`. Cheap: no connection is opened. */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema })
}

export type Database = ReturnType<typeof createDb>

/** Runs `statements` as one atomic D1 batch: all of them take effect, or none. Empty: nothing. */
export async function runBatch(db: Database, statements: BatchItem<'sqlite'>[]): Promise<void> {
  if (statements.length === 0) return
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
}
