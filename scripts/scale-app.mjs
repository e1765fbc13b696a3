// What the measurements of docs/SCALE.md share (scripts/scale-size.mjs, scripts/scale-writes.mjs): a fresh local
// D1 with the migrations (scripts/migrate-local.mjs), a team seeded through SQL as scripts/bench-seed.mjs seeds one
// (an Owner, an Admin and Agents, each with a signed-in session), the app started as `npm start` starts it, and the
// forms a member sends: each write goes through the app's own route, as a browser's form post does.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { uuidv7 } from 'uuidv7'
import { applyLocalMigrations } from './migrate-local.mjs'

/**
 * A fresh local D1 under `state` (removed first) with every migration applied.
 * @returns the path of its SQLite file
 */
export async function freshDatabase(state) {
  rmSync(state, { recursive: true, force: true })
  mkdirSync(state, { recursive: true })
  await applyLocalMigrations({ state, log: () => {} })
  const dir = join(state, 'v3/d1/miniflare-D1DatabaseObject')
  return join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite'),
  )
}

/**
 * Seeds organization `slug` (pool on) with `size` active members into the SQLite file `file`, the derived-state
 * triggers left on: member 0 the Owner, member 1 an Admin, the rest Agents.
 * @returns `{ orgId, members: [{ id, role, email, cookie }] }`, `cookie` the value of a signed-in session
 */
export function seedTeam(file, { slug, size }) {
  const db = new DatabaseSync(file)
  const now = Date.now()
  const orgId = uuidv7()
  db.prepare(
    'INSERT INTO organizations (id, name, slug, pool_enabled, multiple_assignees, handoff_note_required, created_at, updated_at) VALUES (?, ?, ?, 1, 0, 0, ?, ?)',
  ).run(orgId, `Scale ${slug}`, slug, now, now)
  const members = []
  for (let m = 0; m < size; m++) {
    const role = m === 0 ? 'owner' : m === 1 ? 'admin' : 'agent'
    const id = uuidv7()
    const email = `${slug}.member${m}@scale.example`
    const cookie = randomBytes(20).toString('hex')
    db.prepare(
      "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?)",
    ).run(id, `Member${m} Scale`, email, now, now)
    db.prepare(
      "INSERT INTO memberships (id, org_id, user_id, role, status, last_used_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
    ).run(uuidv7(), orgId, id, role, now, now, now)
    db.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)').run(
      createHash('sha256').update(cookie).digest('hex'),
      id,
      now + 29 * 24 * 3600_000,
    )
    members.push({ id, role, email, cookie })
  }
  db.close()
  return { orgId, members }
}

/**
 * Starts the app on `port` over the local state `state` as `npm start` does (scripts/start.mjs, chores off) and
 * waits until it answers /healthz (at most 2 minutes).
 * @returns `{ base, stop }`: the origin, and a function that stops the app's process group
 */
export async function startApp(state, port) {
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      ...process.env,
      // wrangler needs the pinned Node 22 (node_modules/.bin/node), as npm scripts put it first.
      PATH: `${join(process.cwd(), 'node_modules/.bin')}:${process.env.PATH}`,
      WRANGLER_SEND_METRICS: 'false',
      LEADPOOL_STATE_DIR: state,
      LEADPOOL_CRON: 'off',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: 'ignore',
    detached: true,
  })
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  process.on('exit', stop)
  for (let i = 0; ; i++) {
    if (i > 240) throw new Error('the app did not start within 2 minutes')
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return { base, stop }
}

/**
 * Posts a form (`fields`: name → value) to `path` as `member` (a same-origin browser form post) and reads the
 * answer whole.
 * @returns `{ status, location, ms }`: the HTTP status, the redirect's Location (or null), milliseconds taken
 * @throws when the answer is not a 2xx or 3xx: a measurement counts only writes the app accepted
 */
export async function postForm(base, member, path, fields) {
  const start = performance.now()
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      cookie: `leadpool_session=${member.cookie}`,
      origin: base,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  })
  const body = await res.text()
  const ms = performance.now() - start
  if (res.status >= 400) {
    const alert = /role="alert"[^>]*>([\s\S]*?)<\/(?:div|p|section)>/.exec(body)?.[1].replace(/<[^>]+>/g, ' ')
    throw new Error(`POST ${path}: HTTP ${res.status} ${alert ?? body.slice(0, 300)}`)
  }
  return { status: res.status, location: res.headers.get('location'), ms }
}

/**
 * Creates a lead through the new-lead form as `member` (routing: unassigned, so it stays where it is put).
 * @returns the new lead's id
 */
export async function createLead(base, slug, member, n) {
  const { location } = await postForm(base, member, `/o/${slug}/leads`, {
    name: `Zoë García ${n}`,
    email: `lead${n}@acme${n % 97}.example`,
    phone: '+1 555 0100',
    company: `Acme ${n % 97} GmbH`,
    source: 'Website',
    routing: 'unassigned',
    formToken: uuidv7(),
  })
  return location.split('/').pop()
}

/** `YYYY-MM-DD` of epoch ms `at` (UTC), for date fields. */
export const day = (at) => new Date(at).toISOString().slice(0, 10)
