// Applies the D1 migrations of migrations/ to every local database `npm start` serves (scripts/start.mjs: the
// directory and the tenant databases), as `wrangler d1 migrations apply {binding} --local` does, in one Miniflare
// instead of one per migration: the same database file (under {state}/v3/d1, keyed by wrangler.toml's database_id), the same `d1_migrations` table (so the two
// stay interchangeable), each migration and its row in one atomic batch. What it prints is `migrationLine`'s, one
// line per migration applied. A migration is drizzle-kit's: statements separated by `--> statement-breakpoint`.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parse } from 'smol-toml'

/** The line printed for migration `name` (a file of migrations/) once it is applied. */
export function migrationLine(name) {
  return `Applied migration ${name}`
}

/** The statements of a drizzle-kit migration's SQL text, in order (empty ones dropped). */
export function statementsOf(sql) {
  return sql
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '')
}

/**
 * Applies the migrations of `dir` not yet applied to each local D1 database of wrangler.toml (the directory `DB` and
 * every tenant database: docs/ARCHITECTURE.md "Many databases") kept under `state` (wrangler's `--persist-to`,
 * `.wrangler/state` by default), oldest first, printing `migrationLine` for each through `log` (with the database's
 * binding when it is not the directory).
 * @returns the names applied, as `{binding}: {name}` (empty when none was pending)
 */
export async function applyLocalMigrations({ state = '.wrangler/state', dir = 'migrations', log = console.log } = {}) {
  const config = parse(readFileSync('wrangler.toml', 'utf8'))
  const databases = config.d1_databases
  // Miniflare is wrangler's own dependency: resolved from where wrangler is, the version wrangler dev runs.
  const { Miniflare, convertV4MiniflareOptions } = createRequire(createRequire(import.meta.url).resolve('wrangler'))(
    'miniflare',
  )
  // The options `wrangler d1 execute --local` gives it, so each database file is the one wrangler dev opens.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: '',
      resourcePersistencePath: join(state, 'v3'),
      d1Databases: Object.fromEntries(
        databases.map((d) => [d.binding, d.preview_database_id ?? d.database_id ?? d.binding]),
      ),
    }),
  )
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
  const applied = []
  try {
    for (const database of databases) {
      const table = database.migrations_table ?? 'd1_migrations'
      const db = await mf.getD1Database(database.binding)
      await db
        .prepare(
          `CREATE TABLE IF NOT EXISTS "${table}" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
        )
        .run()
      const done = new Set((await db.prepare(`SELECT name FROM "${table}"`).all()).results.map((row) => row.name))
      for (const name of files.filter((file) => !done.has(file))) {
        const statements = statementsOf(readFileSync(join(dir, name), 'utf8')).map((sql) => db.prepare(sql))
        await db.batch([...statements, db.prepare(`INSERT INTO "${table}" (name) VALUES (?)`).bind(name)])
        log(database.binding === 'DB' ? migrationLine(name) : `${migrationLine(name)} (${database.binding})`)
        applied.push(`${database.binding}: ${name}`)
      }
    }
    return applied
  } finally {
    await mf.dispose()
  }
}
