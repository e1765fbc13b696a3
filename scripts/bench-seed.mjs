// Seeds the benchmark's local D1 (a SQLite file under the bench state directory) straight through SQL:
// two organizations, `bench1k` with 1,000 leads and `bench100k` with 100,000, each with 50 members
// (Owner, Admin in New York's time zone, 48 Agents; the measured Agent holds 2 % of the leads), 10 % of the leads in the pool,
// 10 % unassigned, the rest assigned; three activities per lead; a signed-in session per member; an API key.
// For speed the derived-state triggers are set aside while rows go in, and the derived columns, counters
// and the FTS5 index are then filled in bulk by the same statements as the backfills of migrations/0011, 0014, 0025 and 0030; the
// triggers are put back as they were.
// Usage: node scripts/bench-seed.mjs <sqlite file>  →  prints JSON { orgs: { [slug]: {...} } }
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { uuidv7 } from 'uuidv7'

const FIRST = ['José', 'Zoë', 'Ana', 'Björn', 'Chloé', 'Dmitri', 'Élodie', 'Fatima', 'Günter', 'Hana', 'Ines', 'Jürgen']
const FIRST2 = ['Kai', 'Léa', 'Mateo', 'Nadia', 'Oskar', 'Paula', 'Quinn', 'Renée', 'Søren', 'Tomás', 'Uma', 'Vera']
const LAST = ['García', 'Müller', 'Nguyen', 'Smith', 'Øster', 'Kowalski', 'Rossi', 'Novák', 'Dubois', 'Silva', 'Tanaka']
const LAST2 = ['Andersson', 'Costa', 'Ferreira', 'Horvat', 'Ivanova', 'Jensen', 'Lopez', 'Moreau', 'Olsen', 'Popescu']
const COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Soylent', 'Cyberdyne']
const KIND = ['GmbH', 'Ltd', 'S.A.', 'Inc', 'AG', 'Oy', 'SARL', 'BV']
const STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'won', 'lost']
const SOURCES = ['Website', 'Referral', 'Trade show', 'Import', 'Cold call']
const pick = (list, i) => list[i % list.length]

const file = process.argv[2]
const db = new DatabaseSync(file)
db.exec('PRAGMA journal_mode = DELETE')
db.exec('PRAGMA synchronous = OFF')
const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`)
const now = Date.now()
const sha256 = (text) => createHash('sha256').update(text).digest('hex')
const out = { orgs: {} }

function seedOrg(slug, leadCount) {
  const orgId = uuidv7()
  db.prepare(
    'INSERT INTO organizations (id, name, slug, pool_enabled, multiple_assignees, handoff_note_required, created_at, updated_at) VALUES (?, ?, ?, 1, 0, 0, ?, ?)',
  ).run(orgId, `Bench ${slug}`, slug, now, now)
  const members = []
  const user = db.prepare(
    "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?)",
  )
  const membership = db.prepare(
    "INSERT INTO memberships (id, org_id, user_id, role, status, last_used_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
  )
  const session = db.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)')
  for (let m = 0; m < 50; m++) {
    const role = m === 0 ? 'owner' : m === 1 ? 'admin' : 'agent'
    const id = uuidv7()
    const cookie = randomBytes(20).toString('hex')
    user.run(id, `${pick(FIRST, m)} ${pick(LAST2, m)} ${m}`, `${slug}.member${m}@bench.example`, now, now)
    // The Admin reads the dashboard in New York's days (the Owner in UTC's): the quarter hours of each day's band too.
    if (role === 'admin') db.prepare("UPDATE users SET time_zone = 'America/New_York' WHERE id = ?").run(id)
    membership.run(uuidv7(), orgId, id, role, now, now, now)
    session.run(sha256(cookie), id, now + 29 * 24 * 3600 * 1000)
    members.push({ id, role, cookie })
  }
  const agents = members.filter((m) => m.role === 'agent')
  const measured = agents[0]
  const lead = db.prepare(
    `INSERT INTO leads (id, org_id, name, email, email_normalized, phone, company, source, status, in_pool, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const assignee = db.prepare(
    "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_by, assigned_at) VALUES (?, ?, ?, 'primary', ?, ?)",
  )
  const activity = db.prepare(
    'INSERT INTO activities (id, org_id, lead_id, actor_id, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const poolIds = []
  const measuredIds = []
  const unassignedIds = []
  const start = now - leadCount * 60_000
  db.exec('BEGIN')
  for (let i = 0; i < leadCount; i++) {
    const id = uuidv7()
    const at = start + i * 60_000
    const name = `${pick(i % 2 ? FIRST : FIRST2, i * 7)} ${pick(i % 3 ? LAST : LAST2, i * 13)} ${i}`
    const email = `lead${i}@${pick(COMPANY, i * 3).toLowerCase()}${i % 97}.example`
    const company = `${pick(COMPANY, i * 3)} ${i % 97} ${pick(KIND, i)}`
    const status = pick(STATUSES, i * 5)
    // 2 % the measured Agent's, 10 % in the pool, 10 % unassigned, the rest the other Agents'.
    const slot = i % 50
    const inPool = slot >= 1 && slot <= 5
    const owner = slot === 0 ? measured : slot <= 10 ? null : agents[1 + (i % (agents.length - 1))]
    lead.run(
      id,
      orgId,
      name,
      email,
      email,
      '+1 555 0100',
      company,
      pick(SOURCES, i),
      status,
      inPool ? 1 : 0,
      members[0].id,
      at,
      at,
    )
    activity.run(uuidv7(), orgId, id, members[0].id, 'created', '{}', at)
    if (owner) {
      assignee.run(orgId, id, owner.id, members[0].id, at + 1000)
      activity.run(uuidv7(), orgId, id, members[0].id, 'assigned', '{}', at + 1000)
    }
    activity.run(uuidv7(), orgId, id, owner?.id ?? members[0].id, 'status_changed', '{}', at + 2000)
    if (inPool) poolIds.push(id)
    if (!owner && !inPool) unassignedIds.push(id)
    if (owner === measured) measuredIds.push(id)
  }
  db.exec('COMMIT')
  // An API key with every scope (intake/api-keys.ts: the key's SHA-256, and its integration user of the same id).
  const apiKey = `lp_${randomBytes(32).toString('base64url')}`
  const keyId = uuidv7()
  user.run(keyId, 'Bench integration', `api-key-${keyId}@integrations.invalid`, now, now)
  db.prepare(
    'INSERT INTO api_keys (id, org_id, name, key_hash, last_four, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(keyId, orgId, 'Bench integration', sha256(apiKey), apiKey.slice(-4), members[0].id, now)
  out.orgs[slug] = {
    orgId,
    apiKey,
    leads: leadCount,
    owner: members[0].cookie,
    agent: measured.cookie,
    admin: members[1].cookie,
    members: members.map((m) => m.cookie),
    agentId: measured.id,
    unassignedIds: unassignedIds.slice(0, 5_000),
    leadId: measuredIds[Math.floor(measuredIds.length / 2)],
    poolIds: poolIds.slice(-20),
  }
}

seedOrg('bench1k', 1_000)
seedOrg('bench100k', 100_000)
db.exec(`INSERT INTO leads_fts (leads_fts) VALUES ('rebuild');
  UPDATE leads SET
    assignee_count = (SELECT count(*) FROM lead_assignees WHERE lead_id = leads.id),
    primary_assignee_id = (SELECT user_id FROM lead_assignees WHERE lead_id = leads.id AND kind = 'primary'),
    last_activity_at = (SELECT max(created_at) FROM activities WHERE lead_id = leads.id);
  INSERT INTO assignee_lead_counts (org_id, user_id, leads)
    SELECT org_id, user_id, count(*) FROM lead_assignees GROUP BY org_id, user_id;
  INSERT INTO lead_counts (org_id, bucket, leads)
    SELECT org_id, bucket, count(*) FROM (
      SELECT org_id, 'all' AS bucket FROM leads WHERE archived_at IS NULL
      UNION ALL SELECT org_id, 'status:' || status FROM leads WHERE archived_at IS NULL
      UNION ALL SELECT org_id, CASE WHEN in_pool THEN 'pool' ELSE 'unassigned' END FROM leads
        WHERE archived_at IS NULL AND assignee_count = 0
    ) WHERE true GROUP BY org_id, bucket;`)
// The dashboard's rollups: the backfill statements of migrations/0025_dashboard_rollups.sql (by UTC day) and
// 0031_dashboard_local_days.sql (by quarter hour).
for (const migration of ['0025_dashboard_rollups.sql', '0031_dashboard_local_days.sql']) {
  const rollups = readFileSync(new URL(`../migrations/${migration}`, import.meta.url), 'utf8')
  for (const statement of rollups.split('--> statement-breakpoint'))
    if (statement.includes('INSERT INTO') && !statement.includes('CREATE TRIGGER')) db.exec(statement)
}
for (const t of triggers) db.exec(t.sql)
db.close()
process.stdout.write(JSON.stringify(out))
