// `npm run scale:writes`: writes per second one local D1 database sustains for a working team's write mix
// (docs/SCALE.md "Writes per second"). A fresh local D1 (.scale/writes) with one organization of 50 members
// (an Owner, an Admin, 48 Agents each holding 60 leads; 1,500 leads in the pool and 1,500 unassigned), seeded
// through SQL with the derived-state triggers on; the app started as `npm start` starts it; then, for each
// concurrency of SCALE_LEVELS (default 1, 4, 16, 48 members at once, each sending its next write as soon as the
// last is answered), SCALE_SECONDS (default 20) of the mix below through the app's routes. Per level: writes/s,
// p50/p99 ms, the answers' statuses, and the share of the time D1 was busy (the Server-Timing header the app
// sends in local development, src/db/d1-timing.ts). Deterministic choices (a seeded PRNG); prints Markdown.
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { DatabaseSync } from 'node:sqlite'
import { uuidv7 } from 'uuidv7'
import { day, freshDatabase, seedTeam, startApp } from './scale-app.mjs'
import { prng } from './scale-model.mjs'

const STATE = '.scale/writes'
const PORT = process.env.SCALE_PORT || '8792'
const LEVELS = (process.env.SCALE_LEVELS || '1,4,16,48').split(',').map(Number)
const SECONDS = Number(process.env.SCALE_SECONDS || 20)
const SLUG = 'writes'
const HELD = 60
const POOL = 1500
const UNASSIGNED = 1500
const STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'won', 'lost']
/** The write mix (weights, %): what a lead's typical history writes (docs/SCALE.md), plus claims and assignments. */
const MIX = [
  ['note', 20],
  ['status change', 20],
  ['communication', 20],
  ['task', 15],
  ['assignment', 15],
  ['claim', 10],
]
const began = Date.now()
const log = (...args) => console.error(`[scale:writes ${((Date.now() - began) / 1000).toFixed(0)} s]`, ...args)

// The simulation's seeded PRNG (scripts/scale-model.mjs), so every run makes the same choices.
const random = prng(26)

// 1. The organization and its leads.
const file = await freshDatabase(STATE)
const team = seedTeam(file, { slug: SLUG, size: 50 })
const [owner, admin] = team.members
const agents = team.members.filter((m) => m.role === 'agent')
const db = new DatabaseSync(file)
const now = Date.now()
const lead = db.prepare(
  `INSERT INTO leads (id, org_id, name, email, email_normalized, company, source, status, in_pool, created_by, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, 'Website', 'new', ?, ?, ?, ?)`,
)
const held = db.prepare(
  "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_by, assigned_at) VALUES (?, ?, ?, 'primary', ?, ?)",
)
const created = db.prepare(
  "INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, 'created', '{}', ?)",
)
let serial = 0
function seedLead(inPool, holder) {
  const id = uuidv7()
  const n = serial++
  lead.run(
    id,
    team.orgId,
    `Zoë García ${n}`,
    `lead${n}@acme.example`,
    `lead${n}@acme.example`,
    `Acme ${n % 97} GmbH`,
    inPool ? 1 : 0,
    owner.id,
    now,
    now,
  )
  created.run(uuidv7(), team.orgId, id, owner.id, now)
  if (holder) held.run(team.orgId, id, holder.id, owner.id, now)
  return id
}
db.exec('BEGIN')
const leadsOf = new Map(
  agents.map((a) => [a.id, Array.from({ length: HELD }, () => ({ id: seedLead(false, a), status: 0 }))]),
)
const pool = Array.from({ length: POOL }, () => seedLead(true))
const unassigned = Array.from({ length: UNASSIGNED }, () => seedLead(false))
db.exec('COMMIT')
db.close()
log('seeded', serial, 'leads')

const { base, stop } = await startApp(STATE, PORT)
log('app started')

// 2. One write of the mix as `agent` (an assignment: as the Owner or the Admin).
const pick = (list) => list[Math.floor(random() * list.length)]
function nextWrite(agent) {
  let r = random() * 100
  const [kind] = MIX.find(([, w]) => (r -= w) < 0) ?? MIX[0]
  const mine = pick(leadsOf.get(agent.id))
  const path = `/o/${SLUG}/leads/${mine.id}`
  const hourAgo = new Date(Date.now() - 3600_000).toISOString().slice(0, 16)
  switch (kind) {
    case 'note':
      return {
        kind,
        as: agent,
        path: `${path}/notes`,
        form: { body: 'Called back: they want the proposal by Friday.' },
      }
    case 'status change': {
      const from = STATUSES[mine.status]
      mine.status = (mine.status + 1) % STATUSES.length
      return { kind, as: agent, path: `${path}/status`, form: { status: STATUSES[mine.status], from } }
    }
    case 'communication':
      return {
        kind,
        as: agent,
        path: `${path}/communications`,
        form: { kind: 'call', direction: 'outbound', summary: 'Left a voicemail about the demo.', occurredAt: hourAgo },
      }
    case 'task':
      return {
        kind,
        as: agent,
        path: `${path}/tasks`,
        form: { title: 'Follow up', assigneeId: agent.id, dueDate: day(Date.now() + 2 * 24 * 3600_000) },
      }
    case 'assignment':
      return {
        kind,
        as: random() < 0.5 ? owner : admin,
        path: `/o/${SLUG}/leads/${unassigned.pop()}/assign`,
        form: { assigneeId: agent.id, note: '' },
      }
    default:
      return { kind, as: agent, path: `/o/${SLUG}/leads/${pool.pop()}/claim`, form: {} }
  }
}

/**
 * Sends one write; returns its status, milliseconds, and from Server-Timing the milliseconds at least one of its D1
 * round trips was in flight and how many round trips it made (a batch counts once).
 */
async function send({ as, path, form }) {
  const start = performance.now()
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      cookie: `leadpool_session=${as.cookie}`,
      origin: base,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
    redirect: 'manual',
  })
  await res.arrayBuffer()
  const d1 = /d1;dur=([\d.]+);desc="(\d+) statements"/.exec(res.headers.get('server-timing') ?? '')
  return {
    status: res.status,
    ms: performance.now() - start,
    d1: d1 ? Number(d1[1]) : 0,
    statements: d1 ? Number(d1[2]) : 0,
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

// A warm-up, not counted: the first requests compile the Worker's code paths.
for (let i = 0; i < 30; i++) await send(nextWrite(agents[i % agents.length]))

// 3. Each level: `level` members writing at once, closed loop, for SECONDS.
const results = []
for (const level of LEVELS) {
  const done = []
  const until = performance.now() + SECONDS * 1000
  const t0 = performance.now()
  await Promise.all(
    agents.slice(0, level).map(async (agent) => {
      while (performance.now() < until) {
        const write = nextWrite(agent)
        done.push({ kind: write.kind, ...(await send(write)) })
      }
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const ok = done.filter((d) => d.status < 400)
  const statuses = {}
  for (const d of done) statuses[d.status] = (statuses[d.status] ?? 0) + 1
  results.push({
    level,
    writes: ok.length,
    perSecond: ok.length / wall,
    p50: pct(
      ok.map((d) => d.ms),
      50,
    ),
    p99: pct(
      ok.map((d) => d.ms),
      99,
    ),
    d1Busy: ok.reduce((s, d) => s + d.d1, 0) / (wall * 1000),
    kinds: Object.fromEntries(
      MIX.map(([kind]) => {
        const of = ok.filter((d) => d.kind === kind)
        const p50 = (key) =>
          pct(
            of.map((d) => d[key]),
            50,
          )
        return [kind, { writes: of.length, ms: p50('ms'), d1: p50('d1'), statements: p50('statements') }]
      }),
    ),
    statuses,
    load: loadavg(),
  })
  log(`level ${level}:`, JSON.stringify(results.at(-1)))
}
stop()

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
writeFileSync('.scale/writes.json', `${JSON.stringify(results, null, 2)}\n`)
console.log(
  [
    `Measured ${new Date().toISOString()} on ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}; ${SECONDS} s per level; mix ${MIX.map(([k, w]) => `${k} ${w} %`).join(', ')}.`,
    '',
    '| members writing at once | writes/s | p50 ms | p99 ms | D1 in flight (sum of D1 ms / wall ms) | statuses | load average (1, 5, 15 min) at the end |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.level} | ${fmt(r.perSecond, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.d1Busy, 2)} | ${Object.entries(
          r.statuses,
        )
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')} | ${r.load} |`,
    ),
    '',
    `Each kind of write at one member writing (p50): its time, its D1 time in flight and its D1 round trips.`,
    '',
    '| write | count | p50 ms | D1 ms | D1 round trips |',
    '|---|---|---|---|---|',
    ...Object.entries(results[0].kinds).map(
      ([kind, k]) => `| ${kind} | ${k.writes} | ${fmt(k.ms, 1)} | ${fmt(k.d1, 1)} | ${k.statements} |`,
    ),
  ].join('\n'),
)
process.exit(0)
