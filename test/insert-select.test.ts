/**
 * `INSERT … SELECT` names its columns (docs/ARCHITECTURE.md, "Set-based work: json_each"): every such
 * statement in src/ builds its SELECT with `selectInto` (src/db/insert-select.ts) on the table it inserts
 * into, so a column moved in src/db/schema.ts keeps its value, and a column added there without the
 * statement following is refused (by the types, and at run time) instead of shifting values along.
 */
/// <reference types="vite/client" />
import { getTableColumns, getTableName, sql } from 'drizzle-orm'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { selectInto } from '../src/db/insert-select'
import * as schema from '../src/db/schema'
import { env } from './helpers'

/** The text of every source file, by path (src/…). */
const sources = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>('../src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }),
  ).map(([path, text]) => [path.replace('../', ''), text]),
)

/** Each `db.insert(table).select(…)` of src/: where, the table, and how its SELECT begins. */
function insertSelects(): { where: string; table: string; select: string }[] {
  const found: { where: string; table: string; select: string }[] = []
  for (const [path, text] of Object.entries(sources)) {
    for (const m of text.matchAll(/\.insert\(\s*(\w+)\s*\)\s*\.select\(\s*([^]{0,60})/g)) {
      const before = text.slice(0, m.index).split('\n')
      // A doc comment showing how to write one is not a statement.
      if (/^\s*(\*|\/\/)/.test(before.at(-1)!)) continue
      const line = before.length
      found.push({ where: `${path}:${line}`, table: m[1]!, select: m[2]!.replace(/\s+/g, ' ').replace(/\( /g, '(') })
    }
  }
  return found
}

const tables = schema as unknown as Record<string, Parameters<typeof getTableColumns>[0]>

describe('INSERT … SELECT', () => {
  it('every one in src/ names its columns through selectInto on the table it inserts into', () => {
    const statements = insertSelects()
    // The bulk assignment, the handoffs, a claim, an import's start and undo, and the stale-state guard.
    expect(statements.length).toBeGreaterThanOrEqual(10)
    const positional = statements.filter((s) => !s.select.startsWith(`selectInto(${s.table},`))
    expect(positional.map((s) => `${s.where} ${s.select}`)).toEqual([])
    // No INSERT written as raw SQL, where nothing would name the columns.
    const raw = Object.entries(sources).filter(([, text]) => /\binsert\s+(or\s+\w+\s+)?into\b/i.test(text))
    expect(raw.map(([path]) => path)).toEqual([])
  })

  it("the tables they write have in D1 exactly the columns schema.ts lists (what Drizzle's column list names)", async () => {
    const names = [...new Set(insertSelects().map((s) => s.table))]
    for (const name of names) {
      const table = tables[name]
      if (!table) throw new Error(`${name} is not a table of src/db/schema.ts`)
      const inSchema = Object.values(getTableColumns(table)).map((c) => c.name)
      const inD1 = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`)
        .bind(getTableName(table))
        .all<{ name: string }>()
      expect(inD1.results.map((r) => r.name).sort(), name).toEqual([...inSchema].sort())
    }
  })

  it('puts each value in the column it names, whatever the column order in schema.ts and in D1', async () => {
    const db = createDb(env.DB)
    const columns = ['a', 'b', 'c', 'd', 'e'] as const
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...columns], { minLength: 5, maxLength: 5 }),
        fc.shuffledSubarray([...columns], { minLength: 5, maxLength: 5 }),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.integer()), { minLength: 1, maxLength: 5 }),
        async (inSchema, inD1, rows) => {
          const name = `drift_${run++}`
          await env.DB.prepare(
            `CREATE TABLE ${name} (${inD1.map((c) => `${c} ${c === 'e' ? 'INTEGER' : 'TEXT'}`).join(', ')})`,
          ).run()
          // The same table declared with its columns in another order, as a reordered schema.ts would.
          const table = sqliteTable(
            name,
            Object.fromEntries(inSchema.map((c) => [c, c === 'e' ? integer(c) : text(c)])) as Record<
              (typeof columns)[number],
              ReturnType<typeof text>
            >,
          )
          await db
            .insert(table)
            .select(
              selectInto(
                table,
                { a: sql`value ->> 0`, b: 'fixed b', c: null, d: sql`(value ->> 0) || '!'`, e: sql`value ->> 1` },
                sql`FROM json_each(${JSON.stringify(rows)})`,
              ),
            )
            .run()
          const back = await env.DB.prepare(`SELECT a, b, c, d, e FROM ${name} ORDER BY rowid`).all()
          expect(back.results).toEqual(rows.map(([s, n]) => ({ a: s, b: 'fixed b', c: null, d: `${s}!`, e: n })))
        },
      ),
      { numRuns: 25 },
    )
  })

  it('refuses a statement that lacks a column of its table or names one it does not have', () => {
    const values = {
      id: 'x',
      orgId: 'o',
      leadId: 'l',
      actorId: 'u',
      type: 'archived',
      data: '{}',
      createdAt: 0,
    }
    expect(() => selectInto(schema.activities, values)).not.toThrow()
    const withoutData: Omit<typeof values, 'data'> = { ...values }
    delete (withoutData as Partial<typeof values>).data
    // @ts-expect-error -- a column added to schema.ts that the statement does not give yet
    expect(() => selectInto(schema.activities, withoutData)).toThrow(/no value for \[data\]/)
    expect(() => selectInto(schema.activities, { ...values, gone: 1 } as typeof values)).toThrow(/no column \[gone\]/)
  })
})
