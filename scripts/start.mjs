// `npm start`: vendors htmx into public/, applies D1 migrations to the local database, then serves
// the app with `wrangler dev` at http://localhost:${PORT:-8787} (local D1, Durable Objects, Queues).
// One origin: it serves, prints and links (APP_URL, in emails) the same `http://localhost:{port}`, since
// cookies are per host (a link to 127.0.0.1 from a page on localhost would land signed out).
// LEADPOOL_STATE_DIR keeps the local state somewhere else than .wrangler/state (browser tests use it).
// `wrangler dev` fires no cron by itself: this script runs the chores (wrangler.toml [triggers], the sweeps
// that take up stranded emails, imports and undos) every 5 minutes through `--test-scheduled`'s
// /__scheduled, as Cloudflare would; LEADPOOL_CRON=off leaves them to be run by hand (browser tests).
// It prints one line per migration applied (scripts/migrate-local.mjs) and `Ready at {origin}` once the server
// answers; wrangler's start-up output (banner, bindings table, offline warnings) is kept back and printed only if
// wrangler stops before it is ready, or with LEADPOOL_VERBOSE=1. What wrangler prints after that (each request,
// the Worker's logs, errors) goes through as it comes. Where the first start's time goes: README "Run it".
import { spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { applyLocalMigrations } from './migrate-local.mjs'

// No banner: it also waits on npm for wrangler's update check.
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' }
const port = process.env.PORT || '8787'
const host = process.env.HOST || 'localhost'
const origin = `http://${host}:${port}`
const wrangler = 'node_modules/.bin/wrangler'
const persist = process.env.LEADPOOL_STATE_DIR ? ['--persist-to', process.env.LEADPOOL_STATE_DIR] : []
const verbose = process.env.LEADPOOL_VERBOSE === '1'

/** The line `npm start` prints once the server at `origin` answers. */
function readyLine(origin) {
  return `Ready at ${origin}`
}

const vendor = spawnSync(process.execPath, ['scripts/vendor.mjs'], { stdio: 'inherit', env })
if (vendor.status !== 0) process.exit(vendor.status ?? 1)
try {
  await applyLocalMigrations({ state: process.env.LEADPOOL_STATE_DIR })
} catch (error) {
  console.error(`The local database could not be migrated: ${error.message}`)
  process.exit(1)
}
// Local development: plain-http cookies, the dev mailbox, and email links pointing at this server.
const vars = ['--var', 'APP_ENV:development', '--var', `APP_URL:${origin}`]
const dev = spawn(
  wrangler,
  [
    'dev',
    '--port',
    port,
    '--ip',
    host,
    '--test-scheduled',
    '--show-interactive-dev-session=false',
    ...vars,
    ...persist,
    ...process.argv.slice(2),
  ],
  { stdio: ['inherit', 'pipe', 'pipe'], env },
)
let ready = false
const keptBack = []
for (const [stream, out] of [
  [dev.stdout, process.stdout],
  [dev.stderr, process.stderr],
]) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (ready || verbose) out.write(`${line}\n`)
    else keptBack.push([out, line])
    if (!ready && line.includes('Ready on http')) {
      ready = true
      console.log(readyLine(origin))
    }
  })
}
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
  // Stopped before it was ready (a port in use, a build error): everything it said.
  if (!ready && !verbose) for (const [out, line] of keptBack) out.write(`${line}\n`)
  process.exit(code ?? 0)
})
