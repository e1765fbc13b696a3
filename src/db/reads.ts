/**
 * A page's independent reads sent to D1 together: each is planned as a statement and what its rows become, and
 * `readTogether` sends every planned statement in one `db.batch` (one round trip; docs/ARCHITECTURE.md "Scale").
 * D1 answers a batch's rows as objects keyed by column name, and Drizzle maps them back by position of those keys: a
 * statement read this way must name each column once (alias what collides, e.g. two tables' `name`).
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from './client'

/** A read planned for `readTogether`: a statement and what its rows become, or a value already known (or pending). */
export type Planned<T> = { query: BatchItem<'sqlite'>; result: (rows: never) => T } | { value: T | Promise<T> }

/** Plans the statement `query` (a Drizzle select, not yet awaited: D1's batch does not take its raw `db.all`), its rows mapped by `result`. */
export function planned<Q extends BatchItem<'sqlite'>, T>(query: Q, result: (rows: Awaited<Q>) => T): Planned<T> {
  return { query, result }
}

/** A read that needs no statement of the batch: a value known, or one read apart (a promise). */
export function known<T>(value: T | Promise<T>): Planned<T> {
  return { value }
}

/** `plan` with its result passed through `then` (in the same statement). */
export function mapPlanned<T, U>(plan: Planned<T>, then: (value: T) => U): Planned<U> {
  if ('query' in plan) return { query: plan.query, result: (rows: never) => then(plan.result(rows)) }
  return { value: Promise.resolve(plan.value).then(then) }
}

/**
 * Runs `reads`: their statements as one D1 batch (none: no round trip), the pending values beside it.
 * @returns each read's result, in order
 */
export async function readTogether<T extends unknown[]>(
  db: Database,
  reads: { [K in keyof T]: Planned<T[K]> },
): Promise<T> {
  const list = reads as Planned<unknown>[]
  const queries = list.flatMap((r) => ('query' in r ? [r.query] : []))
  const [rows, values] = await Promise.all([
    queries.length > 0 ? db.batch(queries as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]) : Promise.resolve([]),
    Promise.all(list.map((r) => ('value' in r ? r.value : undefined))),
  ])
  let next = 0
  return list.map((r, i) => ('query' in r ? (r.result as (rows: unknown) => unknown)(rows[next++]) : values[i])) as T
}
