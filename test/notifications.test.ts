/**
 * The notification fan-out (src/notifications/fan-out.ts) through the product's own routes: who is
 * told, once, on which channel; and its rules where no route can reach them (a member who cannot see
 * the lead).
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb, runBatch } from '../src/db/client'
import { emailOutbox, notificationPreferences, notifications, organizations, users } from '../src/db/schema'
import type { EmailMessage } from '../src/lib/queue-messages'
import { fanOut } from '../src/notifications/fan-out'
import { unitFor } from '../src/access/unit'
import { type Client, createLead, env, joinAs, signUp } from './helpers'

const db = () => createDb(env.DB)

/** An organization with an Owner, an Admin and two Agents. */
async function team(name = 'Notify Co') {
  const owner = await signUp(name, 'Olive Owner')
  const admin = await joinAs(owner.client, owner.slug, 'admin', 'Ada Admin')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
  const org = (await db().select().from(organizations).where(eq(organizations.slug, owner.slug)).get())!
  const ownerId = (await db().select().from(users).where(eq(users.email, owner.email)).get())!.id
  return { owner: { ...owner, userId: ownerId }, admin, gus, hal, slug: owner.slug, org }
}

const assign = (client: Client, slug: string, lead: string, fields: Record<string, string>) =>
  client.post(`/o/${slug}/leads/${lead}/assign`, fields)

/** The in-app notifications of `userId`, oldest first. */
async function inApp(userId: string) {
  return db().select().from(notifications).where(eq(notifications.userId, userId)).orderBy(notifications.id).all()
}

/** The notification emails to `address` (every kind but account and invitation emails). */
async function emails(address: string) {
  const rows = await db().select().from(emailOutbox).where(eq(emailOutbox.to, address)).orderBy(emailOutbox.id).all()
  return rows.filter((r) => r.kind !== 'invitation' && !r.kind.startsWith('signup') && r.kind !== 'password-reset')
}

describe('the fan-out', () => {
  it('never tells the actor: assigning a lead to yourself, changing the status of your own lead', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Self Lead' })
    expect((await assign(owner.client, slug, lead, { assigneeId: owner.userId })).status).toBe(303)
    const own = await createLead(gus.client, slug, { name: 'Gus Own' }) // an Agent's lead is theirs
    expect((await gus.client.post(`/o/${slug}/leads/${own}/status`, { status: 'contacted' })).status).toBe(303)
    expect(await inApp(owner.userId)).toEqual([])
    expect(await inApp(gus.userId)).toEqual([])
    expect(await emails(owner.email)).toEqual([])
    expect(await emails(gus.email)).toEqual([])
  })

  it('tells the new and the previous assignee of a transfer once each; the new one’s email carries the note', async () => {
    const { owner, gus, hal, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Zoë Ångström' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await assign(owner.client, slug, lead, { assigneeId: hal.userId, note: 'Call her on Tuesdays' })

    const toHal = await inApp(hal.userId)
    expect(toHal.map((n) => n.type)).toEqual(['transferred_to'])
    expect(toHal[0]!.leadId).toBe(lead)
    const halMail = await emails(hal.email)
    expect(halMail).toHaveLength(1)
    expect(halMail[0]!.subject).toBe('Olive Owner transferred Zoë Ångström to you from Gus Agent')
    expect(halMail[0]!.text).toContain('Handoff note from Olive Owner: Call her on Tuesdays')
    expect(halMail[0]!.text).toContain(`/o/${slug}/leads/${lead}`)

    expect((await inApp(gus.userId)).map((n) => n.type)).toEqual(['assigned', 'transferred_away'])
    const gusMail = await emails(gus.email)
    expect(gusMail.map((m) => m.subject)).toEqual([
      'Olive Owner assigned you Zoë Ångström',
      'Olive Owner transferred Zoë Ångström from you to Hal Agent',
    ])
    expect(gusMail[1]!.text).not.toContain('Tuesdays') // the note is for the new owner
  })

  it('gives one notification and one email for a bulk assignment of 40 leads, listing them and linking the list', async () => {
    const { owner, gus, slug } = await team()
    const ids: string[] = []
    for (let i = 0; i < 40; i++) ids.push(await createLead(owner.client, slug, { name: `Bulk ${i}` }))
    const body = new URLSearchParams({ assigneeId: gus.userId })
    for (const id of ids) body.append('leadIds', id)
    const res = await owner.client.request(`/o/${slug}/leads/bulk-assign`, { method: 'POST', body })
    expect(await res.text()).toContain('40 leads assigned to Gus Agent.')

    const told = await inApp(gus.userId)
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ type: 'assigned', leadId: null })
    expect(told[0]!.data).toMatchObject({ count: 40 })
    const mail = await emails(gus.email)
    expect(mail).toHaveLength(1)
    expect(mail[0]!.subject).toBe('40 leads were assigned to you by Olive Owner')
    // 25 of the leads by name (in the list's order), then the rest counted.
    expect(mail[0]!.text).toMatch(/The leads: (Bulk \d+, ){25}and 15 more\./)
    expect(mail[0]!.text).toContain(`/o/${slug}/leads?assignee=me`)
  })

  it('applies preferences: email off keeps in-app, in-app off keeps email', async () => {
    const { owner, org, gus, hal, slug } = await team()
    const now = Date.now()
    await db()
      .insert(notificationPreferences)
      .values([
        { orgId: org.id, userId: gus.userId, type: 'assigned', inApp: true, email: false, updatedAt: now },
        { orgId: org.id, userId: hal.userId, type: 'assigned', inApp: false, email: true, updatedAt: now },
      ])
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'Pref A' }), {
      assigneeId: gus.userId,
    })
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'Pref B' }), {
      assigneeId: hal.userId,
    })
    expect(await inApp(gus.userId)).toHaveLength(1)
    expect(await emails(gus.email)).toHaveLength(0)
    expect(await inApp(hal.userId)).toHaveLength(0)
    expect(await emails(hal.email)).toHaveLength(1)
  })

  it('tells nobody who cannot see the lead', async () => {
    const { owner, org, gus, hal, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Hidden' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    // Hal has no relation to the lead: an event naming him (as a previous assignee) reaches nobody.
    const unit = unitFor(
      env,
      { id: org.id, name: org.name, slug, database: 'DB' },
      { actor: { id: owner.userId, name: 'Olive Owner' }, now: Date.now() },
    )
    const fan = await fanOut(unit, [
      { type: 'transferred_away', leads: [{ id: lead, name: 'Hidden' }], from: { id: hal.userId, name: 'Hal' } },
    ])
    expect(fan.statements).toEqual([])
    expect(fan.planned).toEqual([])
  })

  it('tells no deactivated member, though they are still the assignee', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Left Behind' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await owner.client.post(`/o/${slug}/team/${gus.userId}/deactivate`)
    expect((await owner.client.post(`/o/${slug}/leads/${lead}/status`, { status: 'won' })).status).toBe(303)
    expect((await inApp(gus.userId)).map((n) => n.type)).toEqual(['assigned'])
  })

  it('tells the lead’s assignee when someone else changes its status (in-app only by default)', async () => {
    const { owner, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Status Lead' })
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await owner.client.post(`/o/${slug}/leads/${lead}/status`, { status: 'qualified' })
    const told = await inApp(gus.userId)
    expect(told.map((n) => n.type)).toEqual(['assigned', 'status_changed'])
    expect(told[1]!.data).toMatchObject({ status: { from: 'new', to: 'qualified' } })
    expect((await emails(gus.email)).map((m) => m.kind)).toEqual(['assigned'])
  })

  it('makes an assignment and a status change in one request one notification', async () => {
    const { owner, org, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Both' })
    const unit = unitFor(
      env,
      { id: org.id, name: org.name, slug, database: 'DB' },
      { actor: { id: owner.userId, name: 'Olive Owner' } },
    )
    await assign(owner.client, slug, lead, { assigneeId: gus.userId })
    await db().delete(notifications).where(eq(notifications.userId, gus.userId))
    const leadRef = { id: lead, name: 'Both' }
    const fan = await fanOut(unit, [
      { type: 'assigned', leads: [leadRef], to: { id: gus.userId, name: 'Gus Agent' } },
      { type: 'status_changed', leads: [leadRef], status: { from: 'new', to: 'won' } },
    ])
    await runBatch(db(), fan.statements)
    await fan.afterCommit()
    expect((await inApp(gus.userId)).map((n) => n.type)).toEqual(['assigned'])
  })

  it('queues each email it writes as `{ outboxId, orgId }` naming the organization', async () => {
    const { owner, org, gus, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Queued' })
    const sent: EmailMessage[] = []
    const queue = {
      sendBatch: (batch: Iterable<{ body: EmailMessage }>) =>
        Promise.resolve(void sent.push(...[...batch].map((m) => m.body))),
    }
    const unit = unitFor(
      env,
      { id: org.id, name: org.name, slug, database: 'DB' },
      { actor: { id: owner.userId, name: 'Olive Owner' } },
    )
    const mailed = { ...unit, mail: { ...unit.mail, queue: queue as unknown as Queue<EmailMessage> } }
    const fan = await fanOut(mailed, [
      { type: 'assigned', leads: [{ id: lead, name: 'Queued' }], to: { id: gus.userId, name: 'Gus Agent' } },
    ])
    await runBatch(db(), fan.statements)
    await fan.afterCommit()
    const written = await emails(gus.email)
    expect(written).toHaveLength(1)
    expect(sent).toEqual([{ outboxId: written[0]!.id, orgId: org.id }])
  })

  it('tells Owners and Admins who opted in about claims and new pool leads; nobody by default', async () => {
    const { owner, admin, org, gus, slug } = await team()
    await owner.client.post(`/o/${slug}/settings`, { poolEnabled: '1' })
    await db().insert(notificationPreferences).values({
      orgId: org.id,
      userId: admin.userId,
      type: 'claimed',
      inApp: true,
      email: true,
      updatedAt: Date.now(),
    })
    const lead = await createLead(owner.client, slug, { name: 'Pool Lead' })
    await owner.client.post(`/o/${slug}/leads/${lead}/pool`, { inPool: '1' })
    expect((await gus.client.post(`/o/${slug}/leads/${lead}/claim`)).status).toBe(303)
    expect((await inApp(admin.userId)).map((n) => n.type)).toEqual(['claimed'])
    expect((await emails(admin.email)).map((m) => m.subject)).toEqual(['Gus Agent claimed Pool Lead from the pool'])
    expect(await inApp(owner.userId)).toEqual([]) // not opted in
    const unread = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, org.id), eq(notifications.type, 'pool_new_lead')))
      .all()
    expect(unread).toEqual([])
  })
})
