/**
 * Two people on one lead: a form opened before someone else's change never undoes that change unseen
 * (src/lib/three-way.ts). The status box and the lead's edit form carry what they were shown with; a field the
 * person left alone keeps the other's change, and a field both changed differently is refused (409) with the
 * value it has now.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { threeWay } from '../src/lib/three-way'
import { createLead, env, formFields, joinAs, signUp } from './helpers'

const FIELDS = ['a', 'b', 'c'] as const
const value = fc.constantFrom('', 'x', 'y', 'z')
const record = fc.record({ a: value, b: value, c: value })

describe('threeWay', () => {
  it('writes only what the person changed, and refuses only what both changed differently', () => {
    fc.assert(
      fc.property(
        record,
        fc.record({ a: value, b: value, c: value }, { requiredKeys: [] }),
        record,
        (current, shown, sent) => {
          const { apply, conflicts } = threeWay(FIELDS, current, shown, sent)
          for (const f of FIELDS) {
            const mine = shown[f] === undefined || sent[f] !== shown[f]
            const theirs = shown[f] !== undefined && current[f] !== shown[f]
            // Left alone by the person: never written, whatever happened meanwhile.
            if (!mine) expect(f in apply || conflicts.includes(f)).toBe(false)
            // Written: exactly the value sent, and only when it changes what is stored.
            if (f in apply) expect(apply[f]).toBe(sent[f])
            if (f in apply) expect(current[f]).not.toBe(sent[f])
            // A conflict: both changed it, to different values.
            expect(conflicts.includes(f)).toBe(mine && theirs && current[f] !== sent[f])
            // Every field the person changed ends as they sent it, unless it is a conflict.
            if (mine && !conflicts.includes(f)) expect(apply[f] ?? current[f]).toBe(sent[f])
          }
        },
      ),
    )
  })
})

/** A lead worked by the Owner and by Gus, its assignee. */
async function twoPeople() {
  const owner = await signUp('Stale Forms Co', 'Ana Owner')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Bobby Jones', phone: '111', company: 'Acme' })
  const base = `/o/${owner.slug}/leads/${leadId}`
  expect((await owner.client.post(`${base}/assign`, { assigneeId: gus.userId })).status).toBe(303)
  return { owner, gus, leadId, base }
}

const stored = (leadId: string) =>
  env.DB.prepare('SELECT name, phone, company, status FROM leads WHERE id = ?')
    .bind(leadId)
    .first<{ name: string; phone: string; company: string; status: string }>()

const statusChanges = async (leadId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM activities WHERE lead_id = ? AND type = 'status_changed'")
    .bind(leadId)
    .first<{ n: number }>())!.n

describe('the status box', () => {
  it('sent unchanged after someone else’s change leaves their change; a different choice is refused with the status now', async () => {
    const { owner, gus, leadId, base } = await twoPeople()
    // The Owner's page shows New; Gus sets Contacted meanwhile.
    const form = formFields(await owner.client.html(base), 'status-form')
    expect(form.get('from')).toBe('new')
    expect((await gus.client.post(`${base}/status`, { status: 'contacted', from: 'new' })).status).toBe(303)
    // The Owner presses Update status without touching the box: nothing changes.
    expect((await owner.client.post(`${base}/status`, { status: 'new', from: 'new' })).status).toBe(303)
    expect((await stored(leadId))!.status).toBe('contacted')
    expect(await statusChanges(leadId)).toBe(1)
    // The Owner picks Won on the stale page: refused, told what it is now; the page shows it.
    const refused = await owner.client.post(`${base}/status`, { status: 'won', from: 'new' })
    expect(refused.status).toBe(409)
    const page = await refused.text()
    expect(page).toContain('Someone else changed the status to Contacted while you had this page open')
    expect(formFields(page, 'status-form').get('from')).toBe('contacted')
    expect((await stored(leadId))!.status).toBe('contacted')
    // From the page as it is now, the change goes through; a client that sends no `from` is not checked.
    expect((await owner.client.post(`${base}/status`, { status: 'won', from: 'contacted' })).status).toBe(303)
    expect((await owner.client.post(`${base}/status`, { status: 'lost' })).status).toBe(303)
    expect((await stored(leadId))!.status).toBe('lost')
  })
})

describe('the edit form', () => {
  it('keeps a field someone else changed meanwhile; refuses a field both changed, with its value now and what was typed', async () => {
    const { owner, gus, leadId, base } = await twoPeople()
    const opened = formFields(await owner.client.html(`${base}/edit`), 'edit-lead')
    expect(opened.get('shown_phone')).toBe('111')
    const sent = Object.fromEntries(opened)
    // Gus changes the phone while the Owner's form is open.
    const gusForm = Object.fromEntries(formFields(await gus.client.html(`${base}/edit`), 'edit-lead'))
    expect((await gus.client.post(`${base}/edit`, { ...gusForm, phone: '222' })).status).toBe(303)
    // The Owner fixes the name only: the phone stays Gus's.
    expect((await owner.client.post(`${base}/edit`, { ...sent, name: 'Bobby Jonas' })).status).toBe(303)
    expect(await stored(leadId)).toMatchObject({ name: 'Bobby Jonas', phone: '222', company: 'Acme' })
    // The Owner, on the same stale form, also types another phone: refused, naming the phone now.
    const refused = await owner.client.post(`${base}/edit`, { ...sent, name: 'Bobby Jonas', phone: '333' })
    expect(refused.status).toBe(409)
    const page = await refused.text()
    expect(page).toContain('the phone is now “222”')
    const again = formFields(page, 'edit-lead')
    expect(again.get('phone')).toBe('333')
    expect(again.get('shown_phone')).toBe('222')
    expect((await stored(leadId))!.phone).toBe('222')
    // Saving the re-shown form keeps what the Owner typed.
    expect((await owner.client.post(`${base}/edit`, Object.fromEntries(again))).status).toBe(303)
    expect((await stored(leadId))!.phone).toBe('333')
  })
})

describe('the communication edit form', () => {
  it('keeps a field someone else changed meanwhile; refuses a field both changed, keeping what was typed', async () => {
    const { owner, gus, leadId, base } = await twoPeople()
    const logged = { kind: 'call', direction: 'outbound', summary: 'Left a voicemail', occurredAt: '2026-11-30T09:00' }
    expect((await gus.client.post(`${base}/communications`, logged)).status).toBe(303)
    const { id } = (await env.DB.prepare('SELECT id FROM communications WHERE lead_id = ?')
      .bind(leadId)
      .first<{ id: string }>())!
    const path = `${base}/communications/${id}`
    // The summary is a textarea (formFields reads inputs and selects): sent as shown.
    const form = async (client: typeof owner.client) => ({
      ...Object.fromEntries(formFields(await client.html(`${path}/edit`), 'edit-communication')),
      summary: 'Left a voicemail',
    })
    const opened = await form(owner.client)
    const gusForm = await form(gus.client)
    expect((await gus.client.post(path, { ...gusForm, summary: 'Spoke to him' })).status).toBe(303)
    const row = () =>
      env.DB.prepare('SELECT direction, summary FROM communications WHERE id = ?')
        .bind(id)
        .first<{ direction: string; summary: string }>()
    // The Owner turns it inbound only: Gus's summary stays.
    expect((await owner.client.post(path, { ...opened, direction: 'inbound' })).status).toBe(303)
    expect(await row()).toEqual({ direction: 'inbound', summary: 'Spoke to him' })
    // On the same stale form the Owner also rewrites the summary: refused, what was typed kept.
    const refused = await owner.client.post(path, { ...opened, summary: 'No answer' })
    expect(refused.status).toBe(409)
    const page = await refused.text()
    expect(page).toContain('Someone else changed this communication while you were editing')
    expect(page).toMatch(/<textarea name="summary"[^>]*>No answer<\/textarea>/)
    expect(formFields(page, 'edit-communication').get('shown_summary')).toBe('Spoke to him')
    expect(await row()).toEqual({ direction: 'inbound', summary: 'Spoke to him' })
  })
})
