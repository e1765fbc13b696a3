// `npm run test:e2e`: browser tests against a real `wrangler dev` server.
//
// 1. Finds Chromium: $CHROMIUM_PATH if set (and ONLY that: a CHROMIUM_PATH that does not exist counts
//    as "no Chromium", it does not fall back; so `CHROMIUM_PATH=/nonexistent npm run test:e2e` shows
//    the skip path), else /usr/bin/chromium, else /usr/bin/chromium-browser.
//    No Chromium: exit 1 with an error when CI=true, else print "SKIPPED" and exit 0.
// 2. Starts the app with `node scripts/start.mjs` on a free port, with its local state (D1, Durable
//    Objects, queues) in a fresh temp dir, so the developer's .wrangler/state is never touched.
// 3. Runs test/e2e/*.e2e.mjs with `node --test` (E2E_BASE_URL and CHROMIUM_PATH in the env) and exits
//    with its exit code. The server is stopped (whole process group) and the temp dir deleted at the end.
//
// E2E_SERVER_LOG=1 streams the server output live; otherwise it is printed only when something fails.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pollUntil } from './poll.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const e2eDir = join(root, 'test', 'e2e')
const resultsDir = join(root, 'test-results')
const isCI = process.env.CI === 'true'
const HEALTH_TIMEOUT_MS = 180_000
const started = Date.now()

function log(message) {
  console.log(`[e2e] ${message}`)
}

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    const path = process.env.CHROMIUM_PATH
    if (existsSync(path)) return { path }
    return { path: null, why: `CHROMIUM_PATH=${path} does not exist (no fallback to the default locations)` }
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return { path }
  return {
    path: null,
    why: 'neither /usr/bin/chromium nor /usr/bin/chromium-browser exists and CHROMIUM_PATH is not set',
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

// wrangler needs Node >= 22. `npm run test:e2e` already runs on the pinned devDependency `node`
// (node_modules/.bin comes first in PATH); a plain `node test/e2e/run.mjs` on an older system node
// uses that pinned one for the server and the tests too.
const binDir = join(root, 'node_modules', '.bin')
const pinnedNode = join(binDir, 'node')
const nodeMajor = Number(process.versions.node.split('.')[0])
const nodeBin = nodeMajor < 22 && existsSync(pinnedNode) ? pinnedNode : process.execPath
const childPath = [binDir, process.env.PATH].filter(Boolean).join(delimiter)

// ---- 1. Chromium -------------------------------------------------------------------------------
const chromium = findChromium()
if (!chromium.path) {
  if (isCI) {
    console.error(`[e2e] ERROR: no Chromium found: ${chromium.why}.`)
    console.error(
      '[e2e] CI=true, so browser tests may not be skipped. Install it with `apt-get install -y chromium` or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
  console.log(`[e2e] (${chromium.why})`)
  console.log(
    'Browser tests SKIPPED: no Chromium found. Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH) to run them.',
  )
  process.exit(0)
}

const testFiles = readdirSync(e2eDir)
  .filter((name) => name.endsWith('.e2e.mjs'))
  // E2E_FILTER=signup runs only the files whose name contains it (for a quick run while working).
  .filter((name) => !process.env.E2E_FILTER || name.includes(process.env.E2E_FILTER))
  .sort()
  .map((name) => relative(root, join(e2eDir, name)))
if (testFiles.length === 0) {
  console.error('[e2e] ERROR: no test/e2e/*.e2e.mjs files found.')
  process.exit(1)
}

// ---- 2. Server ---------------------------------------------------------------------------------
const port = await freePort()
const baseURL = `http://localhost:${port}`
const stateDir = mkdtempSync(join(tmpdir(), 'leadpool-e2e-'))
const verbose = process.env.E2E_SERVER_LOG === '1'
let serverLog = ''
let server = null
let serverExit = null // { code, signal } once the server process has exited
const serverGone = new AbortController() // aborted when the server process exits
let runner = null // the `node --test` process

function stopServer() {
  if (server && serverExit === null && server.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM') // the whole group: start.mjs, wrangler, workerd, esbuild
    } catch {}
  }
}

function killServerHard() {
  if (server && server.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL')
    } catch {}
  }
}

async function cleanup() {
  if (server) {
    stopServer()
    if (serverExit === null) await once(server, 'exit', { signal: AbortSignal.timeout(5_000) }).catch(() => {})
    killServerHard() // anything in the group still alive after 5 s (workerd can linger)
  }
  rmSync(stateDir, { recursive: true, force: true })
}

function printServerLog(title) {
  console.error(`\n[e2e] ---- ${title} ----`)
  const lines = serverLog.trimEnd().split('\n')
  if (lines.length > 150)
    console.error(`[e2e] (last 150 of ${lines.length} lines; all of it in test-results/server.log)`)
  console.error(lines.slice(-150).join('\n') || '(empty)')
  console.error('[e2e] ---- end of server log ----\n')
}

function saveServerLog() {
  try {
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(join(resultsDir, 'server.log'), serverLog)
  } catch {}
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    log(`${signal}: stopping the tests and the server`)
    runner?.kill('SIGTERM')
    await cleanup()
    process.exit(130)
  })
}

log(`Chromium: ${chromium.path}`)
log(`starting the app on ${baseURL} (state in ${stateDir})`)
server = spawn(nodeBin, ['scripts/start.mjs'], {
  cwd: root,
  detached: true, // own process group, so process.kill(-pid) stops wrangler and workerd too
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    PATH: childPath,
    PORT: String(port),
    HOST: 'localhost',
    LEADPOOL_STATE_DIR: stateDir,
    // The chores (cron) run only when a test runs them: a digest or a reminder mid-test would be noise.
    LEADPOOL_CRON: 'off',
    WRANGLER_SEND_METRICS: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  },
})
for (const stream of [server.stdout, server.stderr]) {
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    serverLog += chunk
    if (verbose) process.stderr.write(chunk)
  })
}
server.on('exit', (code, signal) => {
  serverExit = { code, signal }
  serverGone.abort(new Error(`the server exited early (code ${code}, signal ${signal})`))
})

/** Asks GET /healthz until it answers "ok"; fails after HEALTH_TIMEOUT_MS, or at once if the server exits. */
function waitForHealth() {
  return pollUntil(
    `GET ${baseURL}/healthz answers "ok"`,
    async () => {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(3000) }).catch((error) => {
        throw new Error(error.cause?.code || error.message) // e.g. ECONNREFUSED while it starts
      })
      const body = (await res.text()).trim()
      if (res.status !== 200 || body !== 'ok')
        throw new Error(`GET /healthz answered ${res.status} ${JSON.stringify(body.slice(0, 200))}`)
    },
    { timeoutMs: HEALTH_TIMEOUT_MS, intervalMs: 300, signal: serverGone.signal },
  )
}

let exitCode
try {
  try {
    await waitForHealth()
  } catch (error) {
    console.error(`[e2e] ERROR: ${error.message}`)
    printServerLog('server log')
    saveServerLog()
    throw error
  }
  log(`server ready after ${((Date.now() - started) / 1000).toFixed(1)} s; running ${testFiles.join(', ')}`)

  // ---- 3. Tests ----------------------------------------------------------------------------------
  // TAP reporter in a terminal too, so the closing "# pass N" / "# fail N" summary is always there.
  runner = spawn(nodeBin, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...testFiles], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PATH: childPath,
      E2E_BASE_URL: baseURL,
      CHROMIUM_PATH: chromium.path,
      E2E_RESULTS_DIR: resultsDir,
    },
  })
  exitCode = await new Promise((resolveCode) => {
    runner.on('exit', (code, signal) => resolveCode(code ?? (signal ? 1 : 0)))
  })
  saveServerLog()
  if (exitCode !== 0) {
    printServerLog('server log (tests failed)')
  }
} catch {
  exitCode = 1
} finally {
  await cleanup()
}
log(
  `${exitCode === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (server log: test-results/server.log)`,
)
process.exit(exitCode)
