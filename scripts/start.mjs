// `npm start`: vendors htmx into public/, applies D1 migrations to the local database, then serves
// the app with `wrangler dev` at http://localhost:${PORT:-8787} (local D1, Durable Objects, Queues).
// LEADPOOL_STATE_DIR keeps the local state somewhere else than .wrangler/state (browser tests use it).
import { spawn, spawnSync } from 'node:child_process'

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const port = process.env.PORT || '8787'
const wrangler = 'node_modules/.bin/wrangler'
const persist = process.env.LEADPOOL_STATE_DIR ? ['--persist-to', process.env.LEADPOOL_STATE_DIR] : []

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run(process.execPath, ['scripts/vendor.mjs'])
run(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persist])
// Local development: plain-http cookies, the dev mailbox, and email links pointing at this server.
const vars = ['--var', 'APP_ENV:development', '--var', `APP_URL:http://localhost:${port}`]
const dev = spawn(
  wrangler,
  [
    'dev',
    '--port',
    port,
    '--ip',
    process.env.HOST || '127.0.0.1',
    '--test-scheduled',
    ...vars,
    ...persist,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env,
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
