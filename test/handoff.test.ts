/**
 * Handoffs that complete and Agents who hand off (assignment/handoffs.ts): acknowledging with
 * *Got it*, the note required for every change of hands, an Agent's *Hand off* and *Ask for
 * reassignment*, the reminder after the organization's window, and the list filters.
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { CHANGE_OF_HANDS_WINDOW_MS } from '../src/assignment/handoffs'
import { createDb } from '../src/db/client'
import { activities, emailOutbox, leadHandoffs, notifications, organizations, users } from '../src/db/schema'
import worker from '../src/index'
import { alertOf, dom, type Page, textOf } from './dom'
import { type Client, createLead, env, joinAs, leadIds, signUp } from './helpers'

const db = () => createDb(env.DB)

/** The labels of every button on `page`. */
const buttons = (page: Page) => [...page.querySelectorAll('button')].map((b) => textOf(b))

/** The `action` of every form on `page`. */
const actions = (page: Page) => [...page.querySelectorAll('form')].map((f) => f.getAttribute('action'))

/** An organization with an Owner, an Admin and two Agents. */
async function team(settings: Record<string, string> = {}) {
  const owner = await signUp('Handoff Co', 'Olive Owner')
  const admin = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
  if (Object.keys(settings).length > 0) {
    expect((await owner.client.post(`/o/${owner.slug}/settings`, settings)).status).toBe(303)
  }
  const org = await db().select().from(organizations).where(eq(organizations.slug, owner.slug)).get()
  const ownerId = (await db().select().from(users).where(eq(users.email, owner.email)).get())!.id
  return { owner: { ...owner, userId: ownerId }, admin, gus, hal, slug: owner.slug, org: org! }
}

/** The in-app notifications of `userId` of event `type`. */
async function notified(userId: string, type: string) {
  return db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)))
    .all()
}

/** The emails to `address` of kind (event type) `kind`. */
async function emailsOf(address: string, kind: string) {
  return db()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.to, address), eq(emailOutbox.kind, kind)))
    .all()
}

/** Runs the cron trigger as Cloudflare does, at `at` (epoch ms). */
async function cron(at: number) {
  await worker.scheduled({ cron: '*/5 * * * *', scheduledTime: at, noRetry() {} }, env)
}

const assign = (client: Client, slug: string, lead: string, fields: Record<string, string>) =>
  client.post(`/o/${slug}/leads/${lead}/assign`, fields)

async function activitiesOf(leadId: string) {
  return db()
    .select()
    .from(activities)
    .where(eq(activities.leadId, leadId))
    .orderBy(activities.createdAt, activities.id)
    .all()
}

/** A lead assigned to `first` and then transferred by the Admin to `second` with a note. */
async function transferred(t: Awaited<ReturnType<typeof team>>, note = 'Budget approved; call on Tuesdays.') {
  const lead = await createLead(t.owner.client, t.slug, { name: 'Grace Hopper' })
  expect((await assign(t.admin.client, t.slug, lead, { assigneeId: t.gus.userId })).status).toBe(303)
  expect((await assign(t.admin.client, t.slug, lead, { assigneeId: t.hal.userId, note })).status).toBe(303)
  return lead
}

describe('acknowledging a handoff', () => {
  it('shows the new owner from whom, the note and Got it; acknowledging writes `handoff_acknowledged`', async () => {
    const t = await team()
    const lead = await transferred(t)
    const page = dom(await t.hal.client.html(`/o/${t.slug}/leads/${lead}`))
    const banner = page.querySelector('[data-handoff="waiting-for-you"]')
    expect(textOf(banner?.querySelector('strong'))).toBe('Ada Admin (from Gus Agent)')
    expect(textOf(banner?.querySelector('p'))).toContain('Ada Admin (from Gus Agent) handed this lead to you')
    expect(textOf(banner?.querySelector('blockquote'))).toBe('Handoff note: Budget approved; call on Tuesdays.')
    const gotIt = banner?.querySelector('form')
    expect(gotIt?.getAttribute('action')).toBe(`/o/${t.slug}/leads/${lead}/acknowledge`)
    expect(textOf(gotIt?.querySelector('button'))).toBe('Got it')
    // Everyone else sees it waiting, without the button.
    const seenByAdmin = dom(await t.admin.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(textOf(seenByAdmin.querySelector('[data-handoff="waiting"]'))).toContain(
      'Handed to Hal Agent by Ada Admin (from Gus Agent)',
    )
    expect(buttons(seenByAdmin)).not.toContain('Got it')

    // The notification of the transfer carries Got it too.
    const feed = dom(await t.hal.client.html(`/o/${t.slug}/notifications`))
    const fromFeed = feed.querySelector(`form[data-acknowledge="${lead}"]`)
    expect(fromFeed?.getAttribute('action')).toBe(`/o/${t.slug}/leads/${lead}/acknowledge`)
    expect(textOf(fromFeed?.querySelector('button'))).toBe('Got it')
    expect(textOf(feed)).toContain('“Budget approved; call on Tuesdays.”')

    const res = await t.hal.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)
    expect(res.status).toBe(303)
    const feedAfter = dom(await t.hal.client.html(`/o/${t.slug}/notifications`))
    expect(feedAfter.querySelectorAll('[data-acknowledge]')).toHaveLength(0)
    expect(buttons(feedAfter)).not.toContain('Got it')
    const acks = (await activitiesOf(lead)).filter((a) => a.type === 'handoff_acknowledged')
    expect(acks).toHaveLength(1)
    expect(acks[0]!.data).toMatchObject({ from: { id: t.gus.userId, name: 'Gus Agent' } })
    // The previous owner is told (in the app, by default), nobody else.
    const told = await notified(t.gus.userId, 'handoff_acknowledged')
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ leadId: lead, actorId: t.hal.userId })
    for (const other of [t.hal.userId, t.admin.userId, t.owner.userId])
      expect(await notified(other, 'handoff_acknowledged')).toEqual([])
    const after = dom(await t.hal.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(textOf(after.querySelector('[data-handoff="acknowledged"]'))).toContain(
      'Hal Agent acknowledged the handoff from Gus Agent',
    )
    expect(buttons(after)).not.toContain('Got it')

    // A second click changes nothing.
    expect((await t.hal.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)).status).toBe(303)
    expect((await activitiesOf(lead)).filter((a) => a.type === 'handoff_acknowledged')).toHaveLength(1)
    expect(await notified(t.gus.userId, 'handoff_acknowledged')).toHaveLength(1)
  })

  it('refuses (409) anyone the handoff was not made to, and a lead without a handoff', async () => {
    const t = await team()
    const lead = await transferred(t)
    const byAdmin = await t.admin.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)
    expect(byAdmin.status).toBe(409)
    expect(alertOf(await byAdmin.text())).toContain('There is no handoff waiting for you on this lead.')
    // Gus (the previous owner) still sees the lead but cannot acknowledge.
    expect((await t.gus.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)).status).toBe(409)
    const plain = await createLead(t.gus.client, t.slug, { name: 'Own Lead' })
    expect((await t.gus.client.post(`/o/${t.slug}/leads/${plain}/acknowledge`)).status).toBe(409)
    expect((await activitiesOf(lead)).some((a) => a.type === 'handoff_acknowledged')).toBe(false)
  })

  it('two simultaneous clicks write one acknowledgement (no 5xx)', async () => {
    const t = await team()
    const lead = await transferred(t)
    const answers = await Promise.all([1, 2, 3].map(() => t.hal.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)))
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303])
    expect((await activitiesOf(lead)).filter((a) => a.type === 'handoff_acknowledged')).toHaveLength(1)
  })

  it('a new transfer replaces the waiting handoff; unassigning ends it', async () => {
    const t = await team()
    const lead = await transferred(t)
    expect((await assign(t.admin.client, t.slug, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    const row = await db().select().from(leadHandoffs).where(eq(leadHandoffs.leadId, lead)).get()
    expect(row).toMatchObject({ fromUserId: t.hal.userId, toUserId: t.gus.userId, acknowledgedAt: null })
    expect((await t.hal.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)).status).toBe(409)
    expect((await assign(t.admin.client, t.slug, lead, { assigneeId: '' })).status).toBe(303)
    expect(await db().select().from(leadHandoffs).where(eq(leadHandoffs.leadId, lead)).get()).toBeUndefined()
  })
})

describe('the handoff note for every change of hands', () => {
  it(`unassign then assign someone else within ${CHANGE_OF_HANDS_WINDOW_MS / 60_000} minutes needs the note (422), and is a handoff`, async () => {
    const t = await team({ handoffNoteRequired: '1' })
    const lead = await createLead(t.owner.client, t.slug, { name: 'Dodge Lead' })
    expect((await assign(t.owner.client, t.slug, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    expect((await assign(t.owner.client, t.slug, lead, { assigneeId: '' })).status).toBe(303)
    const bare = await assign(t.owner.client, t.slug, lead, { assigneeId: t.hal.userId })
    expect(bare.status).toBe(422)
    expect(alertOf(await bare.text())).toContain('Write a handoff note')
    expect((await activitiesOf(lead)).map((a) => a.type)).toEqual(['created', 'assigned', 'unassigned'])

    // The same through the bulk bar.
    const bulk = await t.owner.client.post(`/o/${t.slug}/leads/bulk-assign`, {
      leadIds: lead,
      assigneeId: t.hal.userId,
    })
    expect(bulk.status).toBe(422)

    // Giving it back to Gus is no change of hands; with a note it goes to Hal and waits for him.
    const ok = await assign(t.owner.client, t.slug, lead, { assigneeId: t.hal.userId, note: 'Gus is away' })
    expect(ok.status).toBe(303)
    const last = (await activitiesOf(lead)).at(-1)!
    expect(last.data).toMatchObject({ from: null, handedFrom: { id: t.gus.userId }, note: 'Gus is away' })
    const halSees = dom(await t.hal.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(textOf(halSees.querySelector('[data-handoff="waiting-for-you"] blockquote'))).toBe(
      'Handoff note: Gus is away',
    )
  })

  it('assigning back to the one who just had it, or after the window, needs no note', async () => {
    const t = await team({ handoffNoteRequired: '1' })
    const lead = await createLead(t.owner.client, t.slug, { name: 'Back Lead' })
    await assign(t.owner.client, t.slug, lead, { assigneeId: t.gus.userId })
    await assign(t.owner.client, t.slug, lead, { assigneeId: '' })
    expect((await assign(t.owner.client, t.slug, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    await assign(t.owner.client, t.slug, lead, { assigneeId: '' })
    // The unassignment happened longer ago than the window.
    await env.DB.prepare(`UPDATE activities SET created_at = created_at - ? WHERE lead_id = ? AND type = 'unassigned'`)
      .bind(CHANGE_OF_HANDS_WINDOW_MS + 1000, lead)
      .run()
    expect((await assign(t.owner.client, t.slug, lead, { assigneeId: t.hal.userId })).status).toBe(303)
  })
})

describe('an Agent hands off their own lead', () => {
  it('with the setting on: same transfer, activity and handoff; they keep read access', async () => {
    const t = await team({ agentsMayHandOff: '1' })
    const lead = await createLead(t.gus.client, t.slug, { name: 'Agent Lead' })
    const page = dom(await t.gus.client.html(`/o/${t.slug}/leads/${lead}`))
    const handOff = page.querySelector(`form[action="/o/${t.slug}/leads/${lead}/handoff"]`)
    expect(textOf(handOff?.querySelector('button'))).toBe('Hand off')
    expect(buttons(page)).not.toContain('Ask for reassignment')

    const res = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, {
      assigneeId: t.hal.userId,
      note: 'Going on leave',
    })
    expect(res.status).toBe(303)
    const last = (await activitiesOf(lead)).at(-1)!
    expect(last.type).toBe('transferred')
    expect(last.data).toMatchObject({
      from: { id: t.gus.userId },
      to: { id: t.hal.userId },
      handOff: true,
      note: 'Going on leave',
    })
    const seenByGus = dom(await t.gus.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(textOf(seenByGus.querySelector('[data-transferred-to]'))).toContain(
      'This lead was transferred from you to Hal Agent.',
    )
    expect(actions(seenByGus)).not.toContain(`/o/${t.slug}/leads/${lead}/handoff`)
    const seenByHal = dom(await t.hal.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(textOf(seenByHal.querySelector(`.assignees li[data-assignee-id="${t.hal.userId}"]`))).toBe('Hal Agent')
    const banner = seenByHal.querySelector('[data-handoff="waiting-for-you"]')
    expect(textOf(banner?.querySelector('strong'))).toBe('Gus Agent')
    expect(textOf(banner?.querySelector('p'))).toContain('Gus Agent handed this lead to you')
    // Hal is told like after any transfer (in the app and by email, with the note); Gus, who acted, is not.
    expect(await notified(t.hal.userId, 'transferred_to')).toHaveLength(1)
    const [mail] = await emailsOf(t.hal.email, 'transferred_to')
    expect(mail!.subject).toBe('Gus Agent transferred Agent Lead to you')
    expect(mail!.text).toContain('Handoff note from Gus Agent: Going on leave')
    expect(await notified(t.gus.userId, 'transferred_away')).toEqual([])
  })

  it('refuses a hand-off to nobody or to themselves (422), and by someone who does not own it (403)', async () => {
    const t = await team({ agentsMayHandOff: '1', handoffNoteRequired: '1' })
    const lead = await createLead(t.gus.client, t.slug, { name: 'Kept Lead' })
    const nobody = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, { assigneeId: '', note: 'x' })
    expect(nobody.status).toBe(422)
    const self = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, { assigneeId: t.gus.userId, note: 'x' })
    expect(self.status).toBe(422)
    const noNote = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, { assigneeId: t.hal.userId })
    expect(noNote.status).toBe(422)
    expect(alertOf(await noNote.text())).toContain('Write a handoff note')
    const byAdmin = await t.admin.client.post(`/o/${t.slug}/leads/${lead}/handoff`, { assigneeId: t.hal.userId })
    expect(byAdmin.status).toBe(403)
    // Hal cannot see Gus's lead at all.
    expect((await t.hal.client.post(`/o/${t.slug}/leads/${lead}/handoff`, { assigneeId: t.hal.userId })).status).toBe(
      404,
    )
    expect((await activitiesOf(lead)).map((a) => a.type)).toEqual(['created'])
  })

  it('with the setting off: 403, and the page offers Ask for reassignment instead', async () => {
    const t = await team()
    const lead = await createLead(t.gus.client, t.slug, { name: 'Stuck Lead' })
    const res = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, {
      assigneeId: t.hal.userId,
      note: 'please',
    })
    expect(res.status).toBe(403)
    const refused = dom(await res.text())
    expect(alertOf(refused)).toContain('Agents may not hand off leads in this organization')
    const ask = refused.querySelector(`form[action="/o/${t.slug}/leads/${lead}/reassignment-request"]`)
    expect(textOf(ask?.querySelector('button'))).toBe('Ask for reassignment')
    expect(actions(refused)).not.toContain(`/o/${t.slug}/leads/${lead}/handoff`)
    expect((await activitiesOf(lead)).map((a) => a.type)).toEqual(['created'])
  })
})

describe('asking for reassignment', () => {
  it('marks the lead (Reassignment requested) until a manager reassigns it; one request at a time', async () => {
    const t = await team()
    const lead = await createLead(t.gus.client, t.slug, { name: 'Ask Lead' })
    const other = await createLead(t.gus.client, t.slug, { name: 'Other Lead' })
    const blank = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/reassignment-request`, { note: ' ' })
    expect(blank.status).toBe(422)
    const res = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/reassignment-request`, {
      note: 'Customer speaks German',
    })
    expect(res.status).toBe(303)
    const again = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/reassignment-request`, { note: 'ping' })
    expect(again.status).toBe(409)
    expect((await activitiesOf(lead)).filter((a) => a.type === 'reassignment_requested')).toHaveLength(1)
    // Every Owner and Admin is told once (in the app and by email, with the note); the Agents are not.
    for (const manager of [t.owner, t.admin]) {
      expect(await notified(manager.userId, 'reassignment_requested')).toHaveLength(1)
      const mails = await emailsOf(manager.email, 'reassignment_requested')
      expect(mails).toHaveLength(1)
      expect(mails[0]!.subject).toBe('Gus Agent asks for Ask Lead to be reassigned')
      expect(mails[0]!.text).toContain('Their note from Gus Agent: Customer speaks German')
    }
    for (const agent of [t.gus, t.hal]) expect(await notified(agent.userId, 'reassignment_requested')).toEqual([])

    const list = await t.admin.client.html(`/o/${t.slug}/leads?attention=reassignment-requested`)
    expect(leadIds(list)).toEqual([lead])
    expect(leadIds(await t.admin.client.html(`/o/${t.slug}/leads`))).toContain(other)
    const page = dom(await t.admin.client.html(`/o/${t.slug}/leads/${lead}`))
    const request = textOf(page.querySelector('[data-reassignment-requested]'))
    expect(request).toContain('Gus Agent asked for this lead to be reassigned')
    expect(request).toContain('“Customer speaks German”')

    expect((await assign(t.admin.client, t.slug, lead, { assigneeId: t.hal.userId })).status).toBe(303)
    expect(leadIds(await t.admin.client.html(`/o/${t.slug}/leads?attention=reassignment-requested`))).toEqual([])
  })

  it('is for the Agent who owns the lead (403 for a manager or a former owner)', async () => {
    const t = await team()
    const lead = await createLead(t.gus.client, t.slug, { name: 'Owned Lead' })
    expect((await t.admin.client.post(`/o/${t.slug}/leads/${lead}/reassignment-request`, { note: 'x' })).status).toBe(
      403,
    )
    await assign(t.admin.client, t.slug, lead, { assigneeId: t.hal.userId })
    expect((await t.gus.client.post(`/o/${t.slug}/leads/${lead}/reassignment-request`, { note: 'x' })).status).toBe(403)
  })
})

describe('handoffs waiting past the window', () => {
  it('the cron reminds the new owner once, after the organization’s window (not before, not twice)', async () => {
    const t = await team({ handoffAckHours: '2' })
    const lead = await transferred(t)
    const acked = await transferred(t, 'acknowledged soon')
    await t.hal.client.post(`/o/${t.slug}/leads/${acked}/acknowledge`)
    const made = (await db().select().from(leadHandoffs).where(eq(leadHandoffs.leadId, lead)).get())!.createdAt
    await cron(made + 2 * 3_600_000 - 60_000)
    expect(await notified(t.hal.userId, 'handoff_reminder')).toEqual([])

    await cron(made + 2 * 3_600_000 + 60_000)
    await cron(made + 3 * 3_600_000)
    const reminders = await notified(t.hal.userId, 'handoff_reminder')
    expect(reminders).toHaveLength(1)
    expect(reminders[0]).toMatchObject({ leadId: lead, actorId: null })
    const mails = await emailsOf(t.hal.email, 'handoff_reminder')
    expect(mails).toHaveLength(1)
    expect(mails[0]!.subject).toBe(
      'Reminder: Grace Hopper was handed to you by Gus Agent. Open it and press Got it once you have taken it over',
    )
    expect(mails[0]!.text).toContain(`/o/${t.slug}/leads/${lead}`)
    for (const other of [t.gus, t.admin, t.owner]) expect(await notified(other.userId, 'handoff_reminder')).toEqual([])
  })

  it('are listed to Owners/Admins under Handoffs waiting (Agents: the filter is ignored)', async () => {
    const t = await team({ handoffAckHours: '2' })
    const lead = await transferred(t)
    const fresh = await transferred(t, 'fresh')
    expect(leadIds(await t.owner.client.html(`/o/${t.slug}/leads?attention=handoff-waiting`))).toEqual([])
    await db()
      .update(leadHandoffs)
      .set({ createdAt: Date.now() - 2 * 3_600_000 - 1000 })
      .where(and(eq(leadHandoffs.leadId, lead)))
    expect(leadIds(await t.owner.client.html(`/o/${t.slug}/leads?attention=handoff-waiting`))).toEqual([lead])
    const mine = leadIds(await t.hal.client.html(`/o/${t.slug}/leads?attention=handoff-waiting`))
    expect(mine.sort()).toEqual([lead, fresh].sort())
    // Acknowledged: no longer waiting.
    await t.hal.client.post(`/o/${t.slug}/leads/${lead}/acknowledge`)
    expect(leadIds(await t.owner.client.html(`/o/${t.slug}/leads?attention=handoff-waiting`))).toEqual([])
  })
})

describe('refusals that say what to do', () => {
  it('an Agent’s 404 on a lead explains why and names whom to ask, the same whether the lead exists or not', async () => {
    const t = await team()
    const hidden = await createLead(t.owner.client, t.slug, { name: 'Hidden Lead' })
    const missing = '01900000-0000-7000-8000-000000000000'
    const pages: string[] = []
    for (const id of [hidden, missing]) {
      const res = await t.gus.client.get(`/o/${t.slug}/leads/${id}`)
      expect(res.status).toBe(404)
      pages.push(await res.text())
    }
    const seen = textOf(dom(pages[0]!))
    expect(seen).toContain('This lead is not one you can see')
    expect(seen).toContain('As an Agent you see the leads assigned to you')
    expect(seen).toContain('ask an Owner or Admin: Ada Admin or Olive Owner.')
    expect(seen).not.toContain('Hidden Lead')
    expect(pages[1]).toBe(pages[0])
    // A form posted to it says the same.
    const post = await t.gus.client.post(`/o/${t.slug}/leads/${hidden}/status`, { status: 'won' })
    expect(post.status).toBe(404)
    expect(textOf(dom(await post.text()))).toContain('ask an Owner or Admin: Ada Admin or Olive Owner.')
    // An Owner gets the plain 404.
    const owners = await t.owner.client.get(`/o/${t.slug}/leads/${missing}`)
    expect(owners.status).toBe(404)
    expect(textOf(dom(await owners.text()))).not.toContain('As an Agent')
  })

  it('assigning to a deactivated member says they must be reactivated first; an Agent is told the role needed', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Refused Lead' })
    expect((await t.owner.client.post(`/o/${t.slug}/team/${t.hal.userId}/deactivate`)).status).toBe(303)
    const res = await assign(t.owner.client, t.slug, lead, { assigneeId: t.hal.userId })
    expect(res.status).toBe(422)
    expect(alertOf(await res.text())).toContain(
      'Hal Agent is deactivated and cannot be assigned leads: an Owner or Admin must reactivate them on the Team page first.',
    )
    const mine = await createLead(t.gus.client, t.slug, { name: 'Agent Lead' })
    const byAgent = await assign(t.gus.client, t.slug, mine, { assigneeId: t.admin.userId })
    expect(byAgent.status).toBe(403)
    expect(alertOf(await byAgent.text())).toContain('Only an Owner or Admin can assign leads.')
  })
})

describe('the handoff settings', () => {
  it('saves the acknowledgement window and the hand-off setting; a bad window answers 422 on the form', async () => {
    const t = await team()
    const page = dom(await t.owner.client.html(`/o/${t.slug}/settings`))
    expect(page.querySelector('#settings-form input[name="handoffAckHours"]')?.getAttribute('value')).toBe('24')
    const bad = await t.owner.client.post(`/o/${t.slug}/settings`, { agentsMayHandOff: '1', handoffAckHours: '0' })
    expect(bad.status).toBe(422)
    const refused = dom(await bad.text())
    expect(textOf(refused.querySelector('[data-error-for="handoffAckHours"]'))).toBe('At least 1 hour')
    expect(refused.querySelector('#settings-form input[name="handoffAckHours"]')?.getAttribute('value')).toBe('0')
    expect(refused.querySelector('#settings-form input[name="agentsMayHandOff"]')?.hasAttribute('checked')).toBe(true)
    const ok = await t.owner.client.post(`/o/${t.slug}/settings`, { agentsMayHandOff: '1', handoffAckHours: '48' })
    expect(ok.status).toBe(303)
    const org = await db().select().from(organizations).where(eq(organizations.id, t.org.id)).get()
    expect(org).toMatchObject({ agentsMayHandOff: true, handoffAckHours: 48 })
    // Left out (an older form), the window stays as it is.
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '1' })
    const after = await db().select().from(organizations).where(eq(organizations.id, t.org.id)).get()
    expect(after).toMatchObject({ agentsMayHandOff: false, handoffAckHours: 48 })
    expect((await t.gus.client.post(`/o/${t.slug}/settings`, { handoffAckHours: '5' })).status).toBe(403)
  })
})

describe('the handoff section on an Agent’s own lead page', () => {
  it('comes after the lead’s name, facts and assignment, under its own heading', async () => {
    for (const settings of [{}, { agentsMayHandOff: '1', handoffAckHours: '24' }] as Record<string, string>[]) {
      const t = await team(settings)
      const lead = await createLead(t.gus.client, t.slug, { name: 'Order Lead' })
      const main = dom(await t.gus.client.html(`/o/${t.slug}/leads/${lead}`)).querySelector('main')
      // The landmarks of the page in document order: headings, the handoff section and every control.
      const order = [...(main?.querySelectorAll('h1, h2, #handoff, form, textarea, button') ?? [])].map((el) =>
        el.getAttribute('id') === 'handoff'
          ? '#handoff'
          : el.tagName === 'H1' || el.tagName === 'H2'
            ? textOf(el)
            : 'control',
      )
      const name = order.indexOf('Order Lead')
      const section = order.indexOf('#handoff')
      expect(name).toBe(0) // nothing but the way back to the list (a link) comes before the name
      expect(section).toBeGreaterThan(order.indexOf('Assigned to'))
      expect(order.indexOf('Assigned to')).toBeGreaterThan(name)
      const heading = settings.agentsMayHandOff ? 'Hand off to a teammate' : 'Reassignment'
      expect(order[section + 1]).toBe(heading)
      expect(textOf(main?.querySelector('#handoff > h2'))).toBe(heading)
    }
  })
})
