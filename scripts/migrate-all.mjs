// `npm run db:migrate:local|remote` and `npm run deploy`: applies the D1 migrations of migrations/ to every database
// of wrangler.toml, the directory `DB` and each tenant database (docs/ARCHITECTURE.md "Many databases": every
// database gets every migration), one `wrangler d1 migrations apply {binding} --local|--remote` after another; stops
// at the first that fails (the Worker refuses a database left behind: src/access/databases.ts `requireMigrated`).
// Usage: node scripts/migrate-all.mjs --local | --remote
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parse } from 'smol-toml'

const where = process.argv[2]
if (where !== '--local' && where !== '--remote') {
  console.error('Usage: node scripts/migrate-all.mjs --local | --remote')
  process.exit(2)
}
const { d1_databases: databases } = parse(readFileSync('wrangler.toml', 'utf8'))
for (const { binding } of databases) {
  console.log(`Migrating ${binding} (${where.slice(2)})`)
  const run = spawnSync('node_modules/.bin/wrangler', ['d1', 'migrations', 'apply', binding, where], {
    stdio: 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? 'true' },
  })
  if (run.status !== 0) process.exit(run.status ?? 1)
}
