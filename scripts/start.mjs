// `npm start`: vendors htmx into public/, applies D1 migrations to the local database, then serves
// the app with `wrangler dev` at http://localhost:${PORT:-8787} (local D1, Durable Objects, Queues).
// One origin: it serves, prints and links (APP_URL, in emails) the same `http://localhost:{port}`, since
// cookies are per host (a link to 127.0.0.1 from a page on localhost would land signed out).
// LEADPOOL_STATE_DIR keeps the local state somewhere else than .wrangler/state (browser tests use it).
// `wrangler dev` fires no cron by itself: this script runs the chores (wrangler.toml [triggers], the sweeps
// that take up stranded emails, imports and undos) every 5 minutes through `--test-scheduled`'s
// /__scheduled, as Cloudflare would; LEADPOOL_CRON=off leaves them to be run by hand (browser tests).
import { spawn, spawnSync } from 'node:child_process'

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const port = process.env.PORT || '8787'
const host = process.env.HOST || 'localhost'
const origin = `http://${host}:${port}`
const wrangler = 'node_modules/.bin/wrangler'
const persist = process.env.LEADPOOL_STATE_DIR ? ['--persist-to', process.env.LEADPOOL_STATE_DIR] : []

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run(process.execPath, ['scripts/vendor.mjs'])
run(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persist])
// Local development: plain-http cookies, the dev mailbox, and email links pointing at this server.
const vars = ['--var', 'APP_ENV:development', '--var', `APP_URL:${origin}`]
console.log(`\nLeadpool: ${origin}\n`)
const dev = spawn(
  wrangler,
  ['dev', '--port', port, '--ip', host, '--test-scheduled', ...vars, ...persist, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
  },
)
const CRON_EVERY_MS = 5 * 60_000
const chores = `${origin}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`
const cron =
  process.env.LEADPOOL_CRON === 'off'
    ? undefined
    : setInterval(
        () => fetch(chores).catch((error) => console.error(`cron: ${chores} failed: ${error}`)),
        CRON_EVERY_MS,
      )
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => {
  clearInterval(cron)
  process.exit(code ?? 0)
})
