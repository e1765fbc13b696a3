/** The Drizzle client over the D1 binding; middleware puts one on `c.var.db` per request. */
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

/** Builds a Drizzle client for `d1`. Cheap: no connection is opened. */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema })
}

export type Database = ReturnType<typeof createDb>
