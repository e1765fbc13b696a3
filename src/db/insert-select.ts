/**
 * `INSERT … SELECT` with its values named by column, so a column moved or added in schema.ts can never
 * send a value into another column (docs/ARCHITECTURE.md, "Set-based work: json_each").
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/** A value for each column of `T`, by its key in schema.ts: an SQL expression, or a value bound as a parameter. */
export type ColumnValues<T extends SQLiteTable> = { [K in keyof T['_']['columns']]: SQL | string | number | null }

/**
 * The SELECT of `db.insert(table).select(selectInto(table, values, rest))`. Drizzle lists every column
 * of the table in the order of schema.ts and SQLite matches the SELECT's values to that list by position; this
 * writes the values in that same order, taken by name, each aliased `AS "column_name"`.
 * @param values every column of `table` by key (the type requires each one)
 * @param rest the rest of the SELECT after its values (`FROM … WHERE …`), if any
 * @throws Error when `values` lacks a column of `table` or names one it does not have
 */
export function selectInto<T extends SQLiteTable>(table: T, values: ColumnValues<T>, rest?: SQL): SQL {
  // The columns Drizzle lists (generated ones it leaves out), in the same order.
  const columns = Object.entries(getTableColumns(table)).filter(
    ([, column]) => column.generated === undefined || column.generated.type === 'byDefault',
  )
  const given = values as Record<string, SQL | string | number | null>
  const missing = columns.filter(([key]) => !(key in given)).map(([key]) => key)
  const unknown = Object.keys(given).filter((key) => !columns.some(([name]) => name === key))
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(`selectInto: no value for [${missing.join(', ')}], no column [${unknown.join(', ')}]`)
  }
  const list = sql.join(
    columns.map(([key, column]) => sql`${given[key]} AS ${sql.identifier(column.name)}`),
    sql`, `,
  )
  return rest ? sql`SELECT ${list} ${rest}` : sql`SELECT ${list}`
}
