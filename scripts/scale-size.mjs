// `npm run scale:size`: bytes per lead with its typical history (docs/SCALE.md "Bytes per lead").
// 1. A fresh local D1 (.scale/size) and a team of 10 (an Owner, an Admin, 8 Agents); the app started as `npm start`.
// 2. SCALE_SAMPLE (default 100) leads get a typical history through the app's own routes (`story` below): every
//    row a lead costs is the one the product writes, its triggers' derived rows included.
// 3. The app stopped, the sample is copied in Node (node:sqlite) up to each size of SCALE_SIZES (default 10,000
//    and 100,000 leads): each copy of a lead with new UUIDv7 ids, its own name and email, the derived-state
//    triggers left on so counters, rollups and the FTS5 search index grow as the app makes them grow.
// 4. At each size the database's bytes by table (dbstat: b-tree pages, indexes apart), and the slope between sizes.
// Prints Markdown (the tables of docs/SCALE.md) and writes .scale/size.json. Not part of `npm test`.
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { DatabaseSync } from 'node:sqlite'
import { randomBytes } from 'node:crypto'
import { uuidv7 } from 'uuidv7'
import { createLead, day, freshDatabase, postForm, seedTeam, startApp } from './scale-app.mjs'

const STATE = '.scale/size'
const PORT = process.env.SCALE_PORT || '8791'
const SAMPLE = Number(process.env.SCALE_SAMPLE || 100)
const SIZES = (process.env.SCALE_SIZES || '10000,100000').split(',').map(Number)
const SLUG = 'scale'
const began = Date.now()
const log = (...args) => console.error(`[scale:size ${((Date.now() - began) / 1000).toFixed(0)} s]`, ...args)

const file = await freshDatabase(STATE)
const team = seedTeam(file, { slug: SLUG, size: 10 })
const [owner] = team.members
const agents = team.members.filter((m) => m.role === 'agent')
const counts = () => {
  const db = new DatabaseSync(file, { readOnly: true })
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
  const out = Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT count(*) AS n FROM "${name}"`).get().n]),
  )
  db.close()
  return out
}
const before = counts()

// 2. The typical history, through the routes (src/assignment/routes.tsx, src/collaboration/routes.tsx,
// src/tasks/routes.tsx): the help article's "New Lead Assignment" and "Shared Responsibility" workflows.
const { base, stop } = await startApp(STATE, PORT)
log('app started; writing the history of', SAMPLE, 'leads')
const lead = (id) => `/o/${SLUG}/leads/${id}`
const taskOf = (leadId) => {
  const db = new DatabaseSync(file, { readOnly: true })
  const row = db.prepare('SELECT id FROM tasks WHERE lead_id = ?').get(leadId)
  db.close()
  return row.id
}
async function story(n) {
  const a = agents[n % agents.length]
  // Mentioned, and the second note's author: the Admin (a mentioned member must see the lead: collaboration/notes.ts).
  const b = team.members[1]
  const hourAgo = new Date(Date.now() - 3600_000).toISOString().slice(0, 16)
  const id = await createLead(base, SLUG, owner, n)
  await postForm(base, owner, `${lead(id)}/assign`, { assigneeId: a.id, note: '' })
  await postForm(base, a, `${lead(id)}/status`, { status: 'contacted', from: 'new' })
  await postForm(base, a, `${lead(id)}/communications`, {
    kind: 'call',
    direction: 'outbound',
    summary: 'Called: interested in the annual plan for their sales team, asked for pricing by email.',
    occurredAt: hourAgo,
  })
  await postForm(base, a, `${lead(id)}/notes`, {
    body: `Sent pricing. @${b.email} can you approve a 10 % discount? They use spreadsheets today.`,
  })
  await postForm(base, a, `${lead(id)}/tasks`, {
    title: 'Send the proposal',
    assigneeId: a.id,
    dueDate: day(Date.now() + 3 * 24 * 3600_000),
  })
  await postForm(base, a, `${lead(id)}/communications`, {
    kind: 'email',
    direction: 'inbound',
    summary: 'Replied: wants a demo for 5 seats next week, decision by the end of the month.',
    occurredAt: hourAgo,
  })
  await postForm(base, a, `/o/${SLUG}/tasks/${taskOf(id)}/complete`, {})
  await postForm(base, a, `${lead(id)}/status`, { status: 'qualified', from: 'contacted' })
  // Every other lead: a second note, from the Admin mentioned.
  if (n % 2)
    await postForm(base, b, `${lead(id)}/notes`, { body: 'Discount approved: budget confirmed by their finance team.' })
}
for (let n = 0; n < SAMPLE; n++) await story(n)
stop()
await new Promise((r) => setTimeout(r, 2000))
log('history written; app stopped')

// 3. Copies of the sample, triggers on.
const db = new DatabaseSync(file)
db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
const after = counts()
const grown = Object.keys(after).filter((t) => after[t] > (before[t] ?? 0))
// Tables whose rows triggers insert (they follow from the copies) and the FTS5 index's own tables.
const derived = new Set()
for (const { sql } of db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all())
  for (const m of sql.matchAll(/\bINSERT(?:\s+OR\s+\w+)?\s+INTO\s+[`"]?(\w+)/gi)) derived.add(m[1])
// Form tokens are kept one day (src/db/idempotency.ts FORM_TOKEN_TTL_MS): a cost of the day's writes, not of leads.
const copied = grown.filter((t) => !derived.has(t) && !t.startsWith('leads_fts') && t !== 'form_tokens')
const columnsOf = (t) => db.prepare(`PRAGMA table_info("${t}")`).all()
const perLead = copied.filter((t) => t === 'leads' || columnsOf(t).some((c) => c.name === 'lead_id'))
const perSample = copied.filter((t) => !perLead.includes(t))
log(
  'copied per lead:',
  perLead.join(', '),
  '; per sample:',
  perSample.join(', '),
  '; derived:',
  [...derived].join(', '),
)
const sampleLeads = db.prepare('SELECT * FROM leads').all()
const outbox = db
  .prepare(
    'SELECT count(*) AS emails, avg(length(text) + length(html) + coalesce(length(headers), 0)) AS body FROM email_outbox',
  )
  .get()
// After BODIES_KEPT_DAYS an email keeps no bodies (src/email/outbox-prune.ts): the long-run row is the pruned one.
db.prepare("UPDATE email_outbox SET text = '', html = '', headers = NULL, bodies_pruned_at = ?").run(Date.now())
const templates = Object.fromEntries(copied.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]))
const DERIVED_LEAD_COLUMNS = [
  'primary_assignee_id',
  'last_activity_at',
  'first_assigned_at',
  'first_touched_at',
  'first_touched_by',
]
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const insertOf = new Map()
function insert(t, row) {
  const names = Object.keys(row)
  if (!insertOf.has(t))
    insertOf.set(
      t,
      db.prepare(
        `INSERT INTO "${t}" (${names.map((c) => `"${c}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      ),
    )
  insertOf.get(t).run(...names.map((c) => row[c]))
}
const keyOf = Object.fromEntries(copied.map((t) => [t, columnsOf(t).filter((c) => c.pk > 0)]))
/** A copy of `row` of table `t`: new primary key, `swap` applied to its text (old lead ids and names → new). */
function copyRow(t, row, swap) {
  const out = {}
  for (const [c, v] of Object.entries(row)) out[c] = typeof v === 'string' ? swap(v) : v
  const key = keyOf[t]
  if (key.length === 1 && key[0].name !== 'lead_id') {
    const k = key[0].name
    if (typeof row[k] === 'number') delete out[k]
    else out[k] = uuid.test(row[k]) ? uuidv7() : randomBytes(row[k].length).toString('hex').slice(0, row[k].length)
  }
  return out
}
const order = ['leads', 'lead_assignees', ...perLead.filter((t) => t !== 'leads' && t !== 'lead_assignees').sort()]
let leadsNow = SAMPLE
let serial = SAMPLE
function addCopy() {
  db.exec('BEGIN')
  const ids = new Map()
  const names = new Map()
  for (const l of sampleLeads) {
    ids.set(l.id, uuidv7())
    names.set(l.name, `Zoë García ${serial}`)
    serial++
  }
  const swap = (text) => {
    let s = text
    for (const [from, to] of ids) if (s.includes(from)) s = s.replaceAll(from, to)
    for (const [from, to] of names) if (s.includes(from)) s = s.replaceAll(from, to)
    return s
  }
  for (const t of order)
    for (const row of templates[t]) {
      if (t === 'leads') {
        const copy = { ...row, id: ids.get(row.id), name: names.get(row.name), assignee_count: 0 }
        copy.email = copy.email_normalized = `lead${copy.name.split(' ').pop()}@acme.example`
        for (const c of DERIVED_LEAD_COLUMNS) copy[c] = null
        insert(t, copy)
      } else if (ids.has(row.lead_id)) insert(t, copyRow(t, row, swap))
    }
  for (const t of perSample) for (const row of templates[t]) insert(t, copyRow(t, row, swap))
  db.exec('COMMIT')
  leadsNow += SAMPLE
}

// 4. Bytes by table at each size.
function measure() {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  const owners = new Map(
    db
      .prepare("SELECT name, tbl_name, type FROM sqlite_master WHERE type IN ('table', 'index')")
      .all()
      .map((r) => [r.name, r]),
  )
  const byTable = {}
  for (const { name, bytes } of db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all()) {
    const o = owners.get(name)
    const table = name.startsWith('leads_fts') ? 'leads_fts (search index)' : (o?.tbl_name ?? name)
    const kind = o?.type === 'index' ? 'index' : 'data'
    byTable[table] ??= { data: 0, index: 0 }
    byTable[table][kind] += bytes
  }
  const pages = db.prepare('PRAGMA page_count').get().page_count
  const pageSize = db.prepare('PRAGMA page_size').get().page_size
  return { leads: leadsNow, fileBytes: pages * pageSize, byTable }
}
const points = []
for (const size of SIZES) {
  while (leadsNow < size) addCopy()
  points.push(measure())
  log('measured at', leadsNow, 'leads')
}
db.close()

// Rows per lead of the sample, and the slope between the first and the last size.
const rowsPerLead = Object.fromEntries(
  grown.map((t) => [t, (after[t] - (before[t] ?? 0)) / SAMPLE]).filter(([t]) => t !== 'form_tokens'),
)
const [lo, hi] = [points[0], points.at(-1)]
const dLeads = hi.leads - lo.leads
const slope = Object.fromEntries(
  Object.keys(hi.byTable).map((t) => [
    t,
    {
      data: (hi.byTable[t].data - (lo.byTable[t]?.data ?? 0)) / dLeads,
      index: (hi.byTable[t].index - (lo.byTable[t]?.index ?? 0)) / dLeads,
    },
  ]),
)
const perLeadBytes = (hi.fileBytes - lo.fileBytes) / dLeads
const indexBytes = Object.values(slope).reduce((s, x) => s + x.index, 0)
const TEN_GB = 10e9
const result = {
  when: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}`,
  load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  sample: SAMPLE,
  rowsPerLead,
  outbox: { emailsPerLead: outbox.emails / SAMPLE, bodyBytesPerEmail: outbox.body },
  points: points.map((p) => ({ leads: p.leads, fileBytes: p.fileBytes })),
  slope,
  perLeadBytes,
  indexShare: indexBytes / perLeadBytes,
  leadsPer10GB: Math.floor((TEN_GB - lo.fileBytes + lo.leads * perLeadBytes) / perLeadBytes),
}
writeFileSync('.scale/size.json', `${JSON.stringify(result, null, 2)}\n`)

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const lines = [
  `Measured ${result.when} on ${result.machine}, load average ${result.load}; sample of ${SAMPLE} leads.`,
  '',
  '| rows per lead (the sample, through the routes) | rows |',
  '|---|---|',
  ...Object.entries(rowsPerLead)
    .sort((x, y) => y[1] - x[1])
    .map(([t, n]) => `| ${t} | ${fmt(n, 2)} |`),
  '',
  `| database | ${points.map((p) => `${fmt(p.leads)} leads`).join(' | ')} |`,
  `|---|${points.map(() => '---').join('|')}|`,
  `| file (page_count × page_size) | ${points.map((p) => `${fmt(p.fileBytes / 1e6, 1)} MB`).join(' | ')} |`,
  '',
  `| table (slope ${fmt(lo.leads)} → ${fmt(hi.leads)} leads) | data bytes per lead | index bytes per lead | total |`,
  '|---|---|---|---|',
  ...Object.entries(slope)
    .filter(([, s]) => s.data + s.index >= 1)
    .sort((x, y) => y[1].data + y[1].index - (x[1].data + x[1].index))
    .map(([t, s]) => `| ${t} | ${fmt(s.data)} | ${fmt(s.index)} | ${fmt(s.data + s.index)} |`),
  `| **all (file)** | | ${fmt(indexBytes)} (${fmt(100 * result.indexShare, 1)} %) | **${fmt(perLeadBytes)}** |`,
  '',
  `Leads per 10 GB database: ${fmt(result.leadsPer10GB)}. Emails per lead ${fmt(result.outbox.emailsPerLead, 2)}, ${fmt(result.outbox.bodyBytesPerEmail)} bytes of bodies each until pruned.`,
]
console.log(lines.join('\n'))
process.exit(0)
