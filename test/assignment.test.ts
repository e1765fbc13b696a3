import { and, eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { planBulkAssign, selectLeads } from '../src/assignment/bulk'
import { createDb, runBatch } from '../src/db/client'
import { activities, emailOutbox, leadAssignees, leads, notes, organizations } from '../src/db/schema'
import { assignableMember } from '../src/orgs/members'
import { dom, textOf, texts } from './dom'
import { type Client, createLead, env, joinAs, leadIds, signUp } from './helpers'

const db = () => createDb(env.DB)

/** An organization with an Owner, an Admin and two Agents. */
async function team() {
  const owner = await signUp('Assign Co', 'Olive Owner')
  const admin = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
  const org = await db().select().from(organizations).where(eq(organizations.slug, owner.slug)).get()
  return { owner, admin, gus, hal, slug: owner.slug, org: org! }
}

const assign = (client: Client, slug: string, lead: string, fields: Record<string, string>, headers?: HeadersInit) =>
  client.post(`/o/${slug}/leads/${lead}/assign`, fields, headers)

async function activityTypes(leadId: string) {
  const rows = await db()
    .select()
    .from(activities)
    .where(eq(activities.leadId, leadId))
    .orderBy(activities.createdAt, activities.id)
    .all()
  return rows.map((r) => r.type)
}

async function emailsTo(to: string, kind = 'assigned') {
  return db()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.to, to), eq(emailOutbox.kind, kind)))
    .all()
}

describe('assigning from the lead page', () => {
  it('assigns, shows the assignee, writes `assigned` with actor and time, and emails the new assignee', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Page Lead' })
    const before = Date.now()
    expect((await assign(owner.client, slug, lead, { assigneeId: gus.userId })).status).toBe(303)
    const page = await owner.client.html(`/o/${slug}/leads/${lead}`)
    expect(page).toContain(`<li data-assignee-id="${gus.userId}">Gus Agent</li>`)
    expect(page).toContain('Olive Owner assigned this lead to Gus Agent')
    const [row] = await db()
      .select()
      .from(activities)
      .where(and(eq(activities.leadId, lead), eq(activities.type, 'assigned')))
      .all()
    expect(row!.actorId).toBeTruthy()
    expect(row!.createdAt).toBeGreaterThanOrEqual(before)
    expect(row!.data).toMatchObject({ from: null, to: { id: gus.userId, name: 'Gus Agent' } })
    const [mail] = await emailsTo(gus.email)
    expect(mail!.subject).toBe('Olive Owner assigned you Page Lead')
    expect(mail!.text).toContain(`/o/${slug}/leads/${lead}`)
  })

  it('refuses Agents with 403 and a message naming the role needed', async () => {
    const { gus, hal, slug } = await team()
    const own = await createLead(gus.client, slug, { name: 'Gus Own' })
    const res = await assign(gus.client, slug, own, { assigneeId: hal.userId })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('Only an Owner or Admin can assign leads.')
  })

  it('treats reassigning to the current assignee as a no-op: no activity, no email', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Same Lead' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    expect(await activityTypes(lead)).toEqual(['created', 'assigned'])
    expect(await emailsTo(gus.email)).toHaveLength(1)
  })

  it('answers a stale form naming a deactivated or foreign person with 422, changing nothing', async () => {
    const { owner, gus, hal, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Stale Lead' })
    await assign(owner.client, slug, lead, { assigneeId: hal.userId })
    await owner.client.post(`/o/${slug}/team/${gus.userId}/deactivate`)
    const res = await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Gus Agent is deactivated')
    const stranger = await signUp('Other Org', 'Sam Stranger')
    const strangerId = (await env.DB.prepare('SELECT id FROM users WHERE email = ?')
      .bind(stranger.email)
      .first<{ id: string }>())!.id
    const foreign = await assign(owner.client, slug, lead, { assigneeId: strangerId })
    expect(foreign.status).toBe(422)
    expect(await foreign.text()).toContain('not a member of this organization')
    expect(await activityTypes(lead)).toEqual(['created', 'assigned'])
    expect(
      (await db().select().from(leadAssignees).where(eq(leadAssignees.leadId, lead)).all()).map((a) => a.userId),
    ).toEqual([hal.userId])
  })

  it('unassigns back to Unassigned; the former assignee keeps view access', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Unassign Lead' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    expect(leadIds(await gus.client.html(`/o/${slug}/leads?assignee=me`))).toEqual([lead])
    await assign(owner.client, slug, lead, { assigneeId: '' })
    expect(await activityTypes(lead)).toEqual(['created', 'assigned', 'unassigned'])
    expect(await owner.client.html(`/o/${slug}/leads/${lead}`)).toContain('<li>Unassigned</li>')
    expect((await gus.client.get(`/o/${slug}/leads/${lead}`)).status).toBe(200)
    expect(leadIds(await gus.client.html(`/o/${slug}/leads?assignee=me`))).toEqual([])
  })
})

describe('transfer with a handoff note', () => {
  it('stores the note on the lead, shows it with the transfer, emails it, and leaves the previous owner a read view', async () => {
    const { owner, gus, hal, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Handoff Lead' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    const note = 'Budget approved <b>Q3</b>; call Tuesdays.'
    expect((await assign(owner.client, slug, lead, { assigneeId: hal.userId, note })).status).toBe(303)

    const [saved] = await db().select().from(notes).where(eq(notes.leadId, lead)).all()
    expect(saved).toMatchObject({ kind: 'handoff', body: note })
    const [transfer] = await db()
      .select()
      .from(activities)
      .where(and(eq(activities.leadId, lead), eq(activities.type, 'transferred')))
      .all()
    expect(transfer!.data).toMatchObject({ from: { id: gus.userId }, to: { id: hal.userId }, note, noteId: saved!.id })
    const [mail] = await emailsTo(hal.email, 'transferred_to')
    expect(mail!.text).toContain(`Handoff note from Olive Owner: ${note}`)

    const seenByGus = await gus.client.html(`/o/${slug}/leads/${lead}`)
    expect(seenByGus).toContain('This lead was transferred from you to Hal Agent.')
    expect(seenByGus).toContain('Olive Owner transferred this lead from Gus Agent to Hal Agent')
    expect(seenByGus).toContain('Handoff note: Budget approved &lt;b&gt;Q3&lt;/b&gt;; call Tuesdays.')
    expect(seenByGus).not.toContain('Update status') // a former assignee only looks
    expect(await hal.client.html(`/o/${slug}/leads/${lead}`)).toContain('Update status') // the new one acts
  })

  it('requires the note when the organization says so, but not for a first assignment', async () => {
    const { owner, gus, hal, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { handoffNoteRequired: '1' })
    const lead = await createLead(owner.client, slug, { name: 'Strict Lead' })
    expect((await assign(owner.client, slug, lead, { assigneeId: gus.userId })).status).toBe(303)
    const bare = await assign(owner.client, slug, lead, { assigneeId: hal.userId, note: '  ' })
    expect(bare.status).toBe(422)
    expect(await bare.text()).toContain('Write a handoff note')
    expect(await activityTypes(lead)).toEqual(['created', 'assigned'])
    expect((await assign(owner.client, slug, lead, { assigneeId: hal.userId, note: 'Over to you' })).status).toBe(303)
  })
})

describe('assigning from a list row (htmx)', () => {
  it('answers with the updated row only, in place', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Row Lead' })
    const list = dom(await owner.client.html(`/o/${slug}/leads`))
    expect(textOf(list.querySelector(`tr[data-lead-id="${lead}"] .row-menu summary`))).toBe('Assign to…')
    // The menu's body, and the form it posts with, come when it is opened, with the holders the row showed.
    expect(list.querySelector(`form#assign-${lead}`)).toBeNull()
    const menu = dom(await owner.client.html(`/o/${slug}/leads/${lead}/assign-menu?shown_assignees=`))
    expect(menu.querySelector(`form#assign-${lead}[action$="/${lead}/assign"]`)).not.toBeNull()
    expect(menu.querySelector(`input[name="shown_assignees"][form="assign-${lead}"]`)?.getAttribute('value')).toBe('')
    const res = await assign(
      owner.client,
      slug,
      lead,
      { assigneeId: gus.userId, from: 'list' },
      { 'HX-Request': 'true' },
    )
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html.startsWith(`<tr data-lead-id="${lead}"`)).toBe(true)
    const row = dom(`<table>${html}</table>`)
    expect(textOf(row.querySelector(`[data-assignee-id="${gus.userId}"]`))).toBe('Gus Agent')
    expect(textOf(row.querySelector('.row-menu summary'))).toBe('Change assignment')
  })

  it('keeps the row and shows the reason when the assignee cannot take leads', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Row Refused' })
    await owner.client.post(`/o/${slug}/team/${gus.userId}/deactivate`)
    const res = await assign(
      owner.client,
      slug,
      lead,
      { assigneeId: gus.userId, from: 'list' },
      { 'HX-Request': 'true' },
    )
    expect(res.status).toBe(422)
    const row = dom(`<table>${await res.text()}</table>`)
    expect(textOf(row.querySelector('.row-menu [role="alert"]'))).toContain('Gus Agent is deactivated')
    expect(textOf(row.querySelector('td.assigned .muted'))).toMatch(/^Unassigned \d+ min$/)
  })
})

describe('multiple assignees', () => {
  it('adds collaborators only with the setting on; they see the lead, count it as theirs and work it', async () => {
    const { owner, gus, hal, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Shared Lead' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    const off = await owner.client.post(`/o/${slug}/leads/${lead}/assignees`, { userId: hal.userId })
    expect(off.status).toBe(409)
    expect(await off.text()).toContain('Multiple assignees are off')

    await owner.client.post(`/o/${slug}/settings`, { multipleAssignees: '1' })
    expect((await owner.client.post(`/o/${slug}/leads/${lead}/assignees`, { userId: hal.userId })).status).toBe(303)
    expect(leadIds(await hal.client.html(`/o/${slug}/leads?assignee=me`))).toEqual([lead])
    expect((await hal.client.post(`/o/${slug}/leads/${lead}/status`, { status: 'contacted' })).status).toBe(303)
    const page = await owner.client.html(`/o/${slug}/leads/${lead}`)
    expect(page).toContain(`<li data-assignee-id="${hal.userId}" data-collaborator="true">Hal Agent (collaborator)`)

    // Setting off: Hal keeps the lead but only looks, and the page says why.
    await owner.client.post(`/o/${slug}/settings`, {})
    expect((await hal.client.post(`/o/${slug}/leads/${lead}/status`, { status: 'qualified' })).status).toBe(403)
    expect(await owner.client.html(`/o/${slug}/leads/${lead}`)).toContain(
      'collaborators can see this lead but not change it',
    )

    expect(leadIds(await hal.client.html(`/o/${slug}/leads?assignee=me`))).toEqual([lead])
    expect((await owner.client.post(`/o/${slug}/leads/${lead}/assignees/${hal.userId}/remove`)).status).toBe(303)
    expect(await activityTypes(lead)).toEqual([
      'created',
      'assigned',
      'collaborator_added',
      'status_changed',
      'collaborator_removed',
    ])
    expect(leadIds(await hal.client.html(`/o/${slug}/leads?assignee=me`))).toEqual([])
    expect((await hal.client.get(`/o/${slug}/leads/${lead}`)).status).toBe(200) // former assignee
  })
})

/** Inserts `n` unassigned leads named `${prefix} i` straight into D1 (fast fixture). */
async function manyLeads(orgId: string, prefix: string, n: number) {
  const now = Date.now()
  const statements = []
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID()
    statements.push(
      env.DB.prepare(
        "INSERT INTO leads (id, org_id, name, email, email_normalized, phone, company, source, status, in_pool, created_by, created_at, updated_at) VALUES (?, ?, ?, '', NULL, '', '', '', 'new', 0, NULL, ?, ?)",
      ).bind(id, orgId, `${prefix} ${i}`, now, now),
    )
  }
  await env.DB.batch(statements)
  const rows = await env.DB.prepare('SELECT id FROM leads WHERE org_id = ? AND name LIKE ?')
    .bind(orgId, `${prefix} %`)
    .all<{ id: string }>()
  return rows.results.map((r) => r.id)
}

describe('bulk assignment', () => {
  it('assigns 1,000 ticked leads in one request, atomically, and says so', async () => {
    const { owner, gus, slug, org } = await team()
    const ids = await manyLeads(org.id, 'Bulk', 1000)
    const body = new URLSearchParams({ assigneeId: gus.userId })
    for (const id of ids) body.append('leadIds', id)
    const res = await owner.client.request(`/o/${slug}/leads/bulk-assign`, { method: 'POST', body })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('1,000 leads assigned to Gus Agent.')
    const assigned = await env.DB.prepare(
      "SELECT count(*) AS n FROM lead_assignees WHERE user_id = ? AND kind = 'primary'",
    )
      .bind(gus.userId)
      .first<{ n: number }>()
    expect(assigned!.n).toBe(1000)
    const logged = await env.DB.prepare("SELECT count(*) AS n FROM activities WHERE type = 'assigned' AND org_id = ?")
      .bind(org.id)
      .first<{ n: number }>()
    expect(logged!.n).toBe(1000)
    expect(await emailsTo(gus.email)).toHaveLength(1) // one email for the lot
    expect((await emailsTo(gus.email))[0]!.subject).toBe('1000 leads were assigned to you by Olive Owner')
  }, 60_000)

  it('changes nothing when any statement of the batch fails', async () => {
    const { gus, org } = await team()
    const ids = await manyLeads(org.id, 'Atomic', 300)
    const viewer = {
      orgId: org.id,
      userId: gus.userId,
      role: 'owner' as const,
      poolEnabled: false,
      multipleAssignees: false,
    }
    const unit = unitFor(env, org, { viewer, actor: { id: gus.userId, name: 'Gus Agent' } })
    const selected = await selectLeads(unit.db, viewer, { leadIds: ids })
    const target = await assignableMember(db(), org.id, gus.userId)
    const { statements, changed } = await planBulkAssign(unit, selected, target)
    expect(changed).toHaveLength(300)
    // Set-based: one statement per step over a bound JSON array (guard, collaborator rows, primaries, leads, activities).
    expect(statements.length).toBe(5)
    // The last statement fails (a second primary row for a lead already given one in this batch).
    statements.push(
      db()
        .insert(leadAssignees)
        .values({ orgId: org.id, leadId: ids[0]!, userId: gus.userId, kind: 'primary', assignedAt: 1 }),
    )
    await expect(runBatch(db(), statements)).rejects.toThrow()
    expect(
      await db()
        .select()
        .from(leadAssignees)
        .where(inArray(leadAssignees.leadId, ids.slice(0, 90)))
        .all(),
    ).toEqual([])
    const logged = await env.DB.prepare('SELECT count(*) AS n FROM activities WHERE org_id = ?')
      .bind(org.id)
      .first<{ n: number }>()
    expect(logged!.n).toBe(0)
    // The same statements without the failing one write every row and activity the checks above look for.
    statements.pop()
    await runBatch(db(), statements)
    expect(
      await db()
        .select()
        .from(leadAssignees)
        .where(inArray(leadAssignees.leadId, ids.slice(0, 90)))
        .all(),
    ).toHaveLength(90)
    const written = await env.DB.prepare('SELECT count(*) AS n FROM activities WHERE org_id = ?')
      .bind(org.id)
      .first<{ n: number }>()
    expect(written!.n).toBeGreaterThanOrEqual(300)
  })

  it('plans 5,000 leads in a handful of statements, each with a few bound parameters (D1: 1,000 statements, 100 parameters)', async () => {
    const { gus, hal, org } = await team()
    const ids = await manyLeads(org.id, 'Five', 5000)
    const viewer = {
      orgId: org.id,
      userId: gus.userId,
      role: 'owner' as const,
      poolEnabled: false,
      multipleAssignees: false,
    }
    const unit = unitFor(env, org, { viewer, actor: { id: gus.userId, name: 'Gus Agent' } })
    const selected = await selectLeads(unit.db, viewer, { leadIds: ids })
    expect(selected).toHaveLength(5000)
    const first = await planBulkAssign(unit, selected, await assignableMember(db(), org.id, gus.userId))
    expect(first.statements.length).toBeLessThanOrEqual(25)
    for (const statement of first.statements)
      expect((statement as unknown as { toSQL(): { params: unknown[] } }).toSQL().params.length).toBeLessThan(100)
    await runBatch(db(), first.statements)
    // Handing all 5,000 over to someone else: former assignees and the handoff note too.
    const again = await selectLeads(unit.db, viewer, { leadIds: ids })
    const { statements } = await planBulkAssign(
      { ...unit, now: Date.now() },
      again,
      await assignableMember(db(), org.id, hal.userId),
      { note: 'Territory change' },
    )
    expect(statements.length).toBeLessThanOrEqual(40)
    await runBatch(db(), statements)
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM lead_assignees WHERE user_id = ?1) AS hal,
              (SELECT count(*) FROM former_assignees WHERE user_id = ?2) AS formers,
              (SELECT count(*) FROM notes WHERE org_id = ?3 AND kind = 'handoff') AS notes,
              (SELECT count(*) FROM activities WHERE org_id = ?3 AND type = 'transferred') AS transfers,
              (SELECT count(*) FROM leads WHERE org_id = ?3 AND primary_assignee_id = ?1) AS derived`,
    )
      .bind(hal.userId, gus.userId, org.id)
      .first<Record<string, number>>()
    expect(counts).toEqual({ hal: 5000, formers: 5000, notes: 5000, transfers: 5000, derived: 5000 })
  }, 120_000)

  it('selects all leads matching the filter across pages', async () => {
    const { owner, hal, slug, org } = await team()
    await manyLeads(org.id, 'Match', 120)
    await manyLeads(org.id, 'Other', 30)
    const list = await owner.client.html(`/o/${slug}/leads?q=match`)
    expect(textOf(dom(list).querySelector('.bulk-bar input[name="all"]')?.closest('label'))).toBe(
      'Select all 120 leads matching this filter',
    )
    const res = await owner.client.post(`/o/${slug}/leads/bulk-assign`, {
      all: '1',
      match_q: 'match',
      assigneeId: hal.userId,
    })
    expect(textOf(dom(await res.text()).querySelector('#bulk-notice'))).toBe('120 leads assigned to Hal Agent.')
    const mine = await hal.client.html(`/o/${slug}/leads?assignee=me`)
    expect(leadIds(mine)).toHaveLength(50)
    const next = dom(mine).querySelector('.pager a[rel="next"]')!.getAttribute('href')!
    expect(new URL(next, 'https://x.test').searchParams.get('assignee')).toBe('me')
  })

  it('refuses Agents (403) and an empty selection (422)', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Nope' })
    const agent = await gus.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: lead, assigneeId: gus.userId })
    expect(agent.status).toBe(403)
    const empty = await owner.client.post(`/o/${slug}/leads/bulk-assign`, { assigneeId: gus.userId })
    expect(empty.status).toBe(422)
    expect(textOf(dom(await empty.text()).querySelector('#bulk-notice'))).toBe('Select at least one lead.')
  })
})

describe('list filters by assignee', () => {
  it('offers Owners every member with counts, and Unassigned; Agents only Mine and Pool', async () => {
    const { owner, gus, hal, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'For Gus' })
    const b = await createLead(owner.client, slug, { name: 'For Hal' })
    const c = await createLead(owner.client, slug, { name: 'Nobody' })
    await assign(owner.client, slug, a, { assigneeId: gus.userId })
    await assign(owner.client, slug, b, { assigneeId: hal.userId })
    expect(leadIds(await owner.client.html(`/o/${slug}/leads?assignee=${gus.userId}`))).toEqual([a])
    expect(leadIds(await owner.client.html(`/o/${slug}/leads?assignee=unassigned`))).toEqual([c])
    const page = await owner.client.html(`/o/${slug}/leads`)
    const choices = texts(page, '#assignee-filter option')
    expect(choices).toContain('Assigned to Gus Agent (1)')
    expect(choices).toContain('Unassigned (1)') // what the Agent's page below lacks
    expect(dom(page).querySelectorAll('#lead-list input[name="leadIds"]')).toHaveLength(3)
    // Agents: filters beyond Mine/Pool are ignored, never widening what they see.
    expect(leadIds(await gus.client.html(`/o/${slug}/leads?assignee=${hal.userId}`))).toEqual([a])
    expect(leadIds(await gus.client.html(`/o/${slug}/leads?assignee=unassigned`))).toEqual([a])
    const agentPage = await gus.client.html(`/o/${slug}/leads`)
    expect(texts(agentPage, '#assignee-filter option')).toEqual(['All leads I can see', 'Assigned to me'])
    expect(dom(agentPage).querySelectorAll('#lead-list input[name="leadIds"]')).toHaveLength(0)
  })
})

describe('who can see this lead and why', () => {
  it('lists each member with their reasons, from the same policy', async () => {
    const { owner, admin, gus, hal, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { poolEnabled: '1' })
    const lead = await createLead(owner.client, slug, { name: 'Watched' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await assign(owner.client, slug, lead, { assigneeId: hal.userId })
    const page = await owner.client.html(`/o/${slug}/leads/${lead}`)
    const reasons = Object.fromEntries(
      [...page.matchAll(/<li data-member-id="([^"]+)" data-reasons="([^"]*)"/g)].map((m): [string, string] => [
        m[1]!,
        m[2]!,
      ]),
    )
    expect(reasons[gus.userId]).toBe('former')
    expect(reasons[hal.userId]).toBe('assignee')
    expect(reasons[admin.userId]).toBe('Admin role')
    expect(Object.keys(reasons)).toHaveLength(4)
    // In the pool, every Agent can see it, and says why.
    const pooled = await createLead(owner.client, slug, { name: 'Pooled' })
    await owner.client.post(`/o/${slug}/leads/${pooled}/pool`, { inPool: '1' })
    const poolPage = await owner.client.html(`/o/${slug}/leads/${pooled}`)
    expect(poolPage).toContain(`<li data-member-id="${gus.userId}" data-reasons="pool">`)
    expect(poolPage).toContain(`<li data-member-id="${hal.userId}" data-reasons="pool">`)
    expect(await db().select().from(leads).where(eq(leads.id, pooled)).get()).toMatchObject({ inPool: true })
  })
})

describe('races', () => {
  it('leaves exactly one primary assignee when several people assign a lead at the same moment', async () => {
    const { owner, admin, gus, hal, slug, org } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Contended' })
    const others = await manyLeads(org.id, 'Race', 3)
    await Promise.all([
      assign(owner.client, slug, lead, { assigneeId: gus.userId }),
      assign(admin.client, slug, lead, { assigneeId: hal.userId }),
      assign(owner.client, slug, lead, { assigneeId: admin.userId }),
      owner.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: others[0]!, assigneeId: gus.userId }),
      admin.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: others[0]!, assigneeId: hal.userId }),
      assign(owner.client, slug, others[0]!, { assigneeId: admin.userId }),
    ])
    for (const id of [lead, others[0]!]) {
      const primaries = await db()
        .select()
        .from(leadAssignees)
        .where(and(eq(leadAssignees.leadId, id), eq(leadAssignees.kind, 'primary')))
        .all()
      expect(primaries).toHaveLength(1)
    }
  })

  it('tells every Agent who loses a claim who won (409), whether they were late or simultaneous', async () => {
    const { owner, gus, hal, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { poolEnabled: '1' })
    const lead = await createLead(owner.client, slug, { name: 'Hot Lead' })
    await owner.client.post(`/o/${slug}/leads/${lead}/pool`, { inPool: '1' })
    const [a, b] = await Promise.all([
      gus.client.post(`/o/${slug}/leads/${lead}/claim`),
      hal.client.post(`/o/${slug}/leads/${lead}/claim`),
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([303, 409])
    const loser = a.status === 409 ? a : b
    const winner = a.status === 303 ? 'Gus Agent' : 'Hal Agent'
    expect(await loser.text()).toContain(`Already claimed by ${winner}.`)
    const late = await (a.status === 409 ? gus : hal).client.post(`/o/${slug}/leads/${lead}/claim`)
    expect(late.status).toBe(409)
    expect(await late.text()).toContain(`Already claimed by ${winner}.`)
    expect(await activityTypes(lead)).toEqual(['created', 'moved_to_pool', 'claimed'])
  })
})

describe('handoff notes in bulk', () => {
  it('require the note for leads that change hands when the setting is on, and save it on each', async () => {
    const { owner, gus, hal, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { handoffNoteRequired: '1' })
    const lead = await createLead(owner.client, slug, { name: 'Bulk Handoff' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    for (const note of ['', '\u200b \u2060']) {
      const refused = await owner.client.post(`/o/${slug}/leads/bulk-assign`, {
        leadIds: lead,
        assigneeId: hal.userId,
        note,
      })
      expect(refused.status).toBe(422)
      expect(await refused.text()).toContain('Write a handoff note')
    }
    const ok = await owner.client.post(`/o/${slug}/leads/bulk-assign`, {
      leadIds: lead,
      assigneeId: hal.userId,
      note: 'Territory change',
    })
    // A transfer from the bulk bar is worded as one, in the notice and in the email (issue 9).
    expect(await ok.text()).toContain('1 lead transferred to Hal Agent from Gus Agent.')
    const [saved] = await db().select().from(notes).where(eq(notes.leadId, lead)).all()
    expect(saved).toMatchObject({ kind: 'handoff', body: 'Territory change' })
    const [email] = await emailsTo(hal.email, 'transferred_to')
    expect(email!.text).toContain('Handoff note from Olive Owner: Territory change')
    expect(email!.text).toContain('transferred Bulk Handoff to you from Gus Agent')
  })
})

describe('wording and dead ends', () => {
  it('tells a collaborator they were added, not that the lead is theirs; a transfer says from whom', async () => {
    const { owner, gus, hal, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { multipleAssignees: '1' })
    const lead = await createLead(owner.client, slug, { name: 'Worded' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await owner.client.post(`/o/${slug}/leads/${lead}/assignees`, { userId: hal.userId })
    const [collab] = await emailsTo(hal.email, 'collaborator_added')
    expect(collab!.subject).toBe('Olive Owner added you as a collaborator on Worded')
    await assign(owner.client, slug, lead, { assigneeId: hal.userId, note: 'yours now' })
    const [transfer] = await emailsTo(hal.email, 'transferred_to')
    expect(transfer!.subject).toBe('Olive Owner transferred Worded to you from Gus Agent')
  })

  it('asks the bulk bar for a choice instead of unassigning by default; "none" unassigns', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Choice' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    const unchosen = await owner.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: lead, assigneeId: '' })
    expect(unchosen.status).toBe(422)
    expect(await unchosen.text()).toContain('Choose a team member (or Unassigned)')
    const none = await owner.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: lead, assigneeId: 'none' })
    expect(await none.text()).toContain('1 lead unassigned.')
  })

  it('sends a reload of a form post’s address back to the page it came from', async () => {
    const { owner, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Reloaded' })
    expect((await owner.client.get(`/o/${slug}/leads/${lead}/assign`)).headers.get('Location')).toBe(
      `/o/${slug}/leads/${lead}`,
    )
    expect((await owner.client.get(`/o/${slug}/leads/bulk-assign`)).headers.get('Location')).toBe(`/o/${slug}/leads`)
  })
})
