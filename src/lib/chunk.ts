/** Splitting work under D1's limit of 100 bound parameters per statement. */
import { getTableColumns, type Table } from 'drizzle-orm'

/** D1's maximum number of bound parameters in one statement. */
export const D1_MAX_PARAMS = 100

/** Splits `items` into consecutive arrays of at most `size` items (size ≥ 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('chunk size must be at least 1')
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** How many rows of `columns` bound values fit one statement, leaving `reserved` params free. */
export function rowsPerStatement(columns: number, reserved = 0): number {
  return Math.max(1, Math.floor((D1_MAX_PARAMS - reserved) / columns))
}

/**
 * Rows of `table` that fit one multi-row INSERT: Drizzle binds every column of every row, so a
 * row costs one parameter per column of the table.
 */
export function rowsPerInsert(table: Table): number {
  return rowsPerStatement(Object.keys(getTableColumns(table)).length)
}
