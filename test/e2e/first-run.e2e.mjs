// First run (issue #24, item 9): `npm start` (scripts/start.mjs) on an empty local state prints one line per
// migration it applies and one "Ready at {origin}" line once the server answers, nothing else; started again, it
// has no migration to apply and prints the one line. Runs the script itself on a free port with a state of its own.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { parse } from 'smol-toml'
import { pollUntil } from './poll.mjs'

/** A TCP port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const state = mkdtempSync(join(tmpdir(), 'leadpool-first-run-'))
after(() => rmSync(state, { recursive: true, force: true }))

/**
 * Runs `npm start`'s script on a free port with `state` until it prints its "Ready at" line, then stops it (its
 * whole process group) and answers every line it printed (stdout and stderr) and its origin.
 */
async function startOnce() {
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), LEADPOOL_STATE_DIR: state, LEADPOOL_CRON: 'off', NO_COLOR: '1' },
  })
  let output = ''
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  try {
    await pollUntil(
      `"Ready at ${origin}" printed and the server answering`,
      async () => {
        assert.ok(output.includes(`Ready at ${origin}`), `not printed yet; so far: ${JSON.stringify(output)}`)
        const res = await fetch(`${origin}/healthz`)
        assert.equal(res.status, 200)
      },
      { timeoutMs: 180_000, intervalMs: 300 },
    )
  } finally {
    process.kill(-child.pid, 'SIGTERM')
    await exited
  }
  return { lines: output.split('\n').filter((line) => line.trim() !== ''), origin }
}

/**
 * The lines printed up to "Ready at"; after it wrangler logs each request as it comes, and the only one was this
 * test's own GET /healthz.
 */
function untilReady({ lines, origin }) {
  const ready = lines.indexOf(`Ready at ${origin}`)
  assert.ok(ready >= 0, `no "Ready at" line in ${JSON.stringify(lines)}`)
  // After it, wrangler's own status lines ("⎔ Connection status updated", printed only sometimes) may come too.
  for (const line of lines.slice(ready + 1)) if (!line.startsWith('⎔')) assert.match(line, /GET \/healthz/)
  return lines.slice(0, ready + 1)
}

describe('First run: npm start on a fresh clone', () => {
  it('prints one line per migration applied to each database and one "Ready at" line; a second start only "Ready at"', async () => {
    const migrations = readdirSync('migrations')
      .filter((name) => name.endsWith('.sql'))
      .sort()
    // The directory first, then each tenant database of wrangler.toml (docs/ARCHITECTURE.md "Many databases").
    const bindings = parse(readFileSync('wrangler.toml', 'utf8')).d1_databases.map((d) => d.binding)
    const first = await startOnce()
    assert.deepEqual(untilReady(first), [
      ...bindings.flatMap((binding) =>
        migrations.map((name) => `Applied migration ${name}${binding === 'DB' ? '' : ` (${binding})`}`),
      ),
      `Ready at ${first.origin}`,
    ])
    const again = await startOnce()
    assert.deepEqual(untilReady(again), [`Ready at ${again.origin}`])
  })
})
