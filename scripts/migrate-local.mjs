// Applies the D1 migrations of migrations/ to the local database `npm start` serves (scripts/start.mjs), as
// `wrangler d1 migrations apply DB --local` does, in one Miniflare instead of one per migration: the same database
// file (under {state}/v3/d1, keyed by wrangler.toml's database_id), the same `d1_migrations` table (so the two
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
 * Applies the migrations of `dir` not yet applied to the local D1 database kept under `state` (wrangler's
 * `--persist-to`, `.wrangler/state` by default), oldest first, printing `migrationLine` for each through `log`.
 * @returns the names applied (empty when none was pending)
 */
export async function applyLocalMigrations({ state = '.wrangler/state', dir = 'migrations', log = console.log } = {}) {
  const config = parse(readFileSync('wrangler.toml', 'utf8'))
  const database = config.d1_databases.find((d) => d.binding === 'DB')
  const table = database.migrations_table ?? 'd1_migrations'
  // Miniflare is wrangler's own dependency: resolved from where wrangler is, the version wrangler dev runs.
  const { Miniflare, convertV4MiniflareOptions } = createRequire(createRequire(import.meta.url).resolve('wrangler'))(
    'miniflare',
  )
  // The options `wrangler d1 execute --local` gives it, so the database file is the one wrangler dev opens.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: '',
      resourcePersistencePath: join(state, 'v3'),
      d1Databases: { DB: database.preview_database_id ?? database.database_id ?? database.binding },
    }),
  )
  try {
    const db = await mf.getD1Database('DB')
    await db
      .prepare(
        `CREATE TABLE IF NOT EXISTS "${table}" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
          applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
      )
      .run()
    const done = new Set((await db.prepare(`SELECT name FROM "${table}"`).all()).results.map((row) => row.name))
    const pending = readdirSync(dir)
      .filter((name) => name.endsWith('.sql') && !done.has(name))
      .sort()
    for (const name of pending) {
      const statements = statementsOf(readFileSync(join(dir, name), 'utf8')).map((sql) => db.prepare(sql))
      await db.batch([...statements, db.prepare(`INSERT INTO "${table}" (name) VALUES (?)`).bind(name)])
      log(migrationLine(name))
    }
    return pending
  } finally {
    await mf.dispose()
  }
}
