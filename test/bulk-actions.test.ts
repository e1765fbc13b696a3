// Bulk status, pool and unassign from the list's bulk bar (issue 9): atomic, one activity per changed lead,
// Owners and Admins only, the same selection forms as bulk assignment; and the list's sort, filters and total.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { activities, leads, notifications, organizations } from '../src/db/schema'
import { dom, textOf, texts } from './dom'
import { type Client, createLead, env, formFields, joinAs, leadIds, signUp } from './helpers'

const db = () => createDb(env.DB)

async function team() {
  const owner = await signUp('Bulk Co', 'Olive Owner')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const org = await db().select().from(organizations).where(eq(organizations.slug, owner.slug)).get()
  return { owner, gus, slug: owner.slug, org: org! }
}

/** POSTs a form whose array values are sent as repeated fields (leadIds=a&leadIds=b). */
function postForm(client: Client, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return client.request(path, { method: 'POST', body })
}

/** What the bulk action said (`#bulk-notice`), as the person reads it. */
const noticeOf = (html: string) => textOf(dom(html).querySelector('#bulk-notice'))

/** The ids of the leads ticked in the list. */
const tickedIn = (html: string) =>
  [...dom(html).querySelectorAll('#lead-list input[name="leadIds"]')]
    .filter((box) => box.hasAttribute('checked'))
    .map((box) => box.getAttribute('value'))

/** The names of the leads the list shows, in order. */
const namesIn = (html: string) => texts(html, '#lead-list td.lead-name a')

/** Where the list is and how many match, as it says it ("3–4 of 4 leads"). */
const totalOf = (html: string) => textOf(dom(html).querySelector('.list-total'))

const typesOf = async (leadId: string) =>
  (await db().select().from(activities).where(eq(activities.leadId, leadId)).all()).map((a) => a.type).sort()

describe('bulk status', () => {
  it('sets the status of the ticked leads with one status_changed activity each; leads already so are left', async () => {
    const { owner, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'Status A' })
    const b = await createLead(owner.client, slug, { name: 'Status B', status: 'won' })
    const res = await postForm(owner.client, `/o/${slug}/leads/bulk-status`, { leadIds: [a, b], status: 'won' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(noticeOf(html)).toBe('1 lead set to Won (1 already was).')
    expect(dom(html).querySelector('#bulk-notice')?.getAttribute('role')).toBe('status')
    expect((await db().select().from(leads).where(eq(leads.id, a)).get())!.status).toBe('won')
    expect(await typesOf(a)).toEqual(['created', 'status_changed'])
    expect(await typesOf(b)).toEqual(['created'])
    const [changed] = await db().select().from(activities).where(eq(activities.type, 'status_changed')).all()
    expect(changed!.data).toMatchObject({ from: 'new', to: 'won', bulk: true })
  })

  it('tells the people working the leads once for the whole bulk action (through the fan-out)', async () => {
    const { owner, gus, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'Told A' })
    const b = await createLead(owner.client, slug, { name: 'Told B' })
    await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, { leadIds: [a, b], assigneeId: gus.userId })
    await postForm(owner.client, `/o/${slug}/leads/bulk-status`, { leadIds: [a, b], status: 'qualified' })
    const told = await db().select().from(notifications).where(eq(notifications.userId, gus.userId)).all()
    expect(told.map((n) => n.type).sort()).toEqual(['assigned', 'status_changed'])
  })

  it('works on every lead matching the filters (all=1), and refuses Agents and a missing status', async () => {
    const { owner, gus, slug } = await team()
    await createLead(owner.client, slug, { name: 'Match One' })
    await createLead(owner.client, slug, { name: 'Match Two' })
    const other = await createLead(owner.client, slug, { name: 'Other' })
    const res = await owner.client.post(`/o/${slug}/leads/bulk-status`, { all: '1', match_q: 'match', status: 'lost' })
    expect(noticeOf(await res.text())).toBe('2 leads set to Lost.')
    expect((await db().select().from(leads).where(eq(leads.id, other)).get())!.status).toBe('new')
    expect((await gus.client.post(`/o/${slug}/leads/bulk-status`, { leadIds: other, status: 'won' })).status).toBe(403)
    const missing = await owner.client.post(`/o/${slug}/leads/bulk-status`, { leadIds: other })
    expect(missing.status).toBe(422)
    // The refusal shows the list with the lead still ticked.
    expect(tickedIn(await missing.text())).toEqual([other])
  })
})

describe('bulk pool and unassign', () => {
  it('puts unassigned leads in the pool; refuses (409, nothing moved) while one has an assignee; unassign first', async () => {
    const { owner, gus, slug } = await team()
    const free = await createLead(owner.client, slug, { name: 'Free' })
    const taken = await createLead(owner.client, slug, { name: 'Taken' })
    await owner.client.post(`/o/${slug}/leads/bulk-assign`, { leadIds: taken, assigneeId: gus.userId })
    const refused = await postForm(owner.client, `/o/${slug}/leads/bulk-pool`, { leadIds: [free, taken] })
    expect(refused.status).toBe(409)
    const text = await refused.text()
    expect(noticeOf(text)).toContain('1 of the selected leads has an assignee')
    expect(tickedIn(text).sort()).toEqual([free, taken].sort())
    expect((await db().select().from(leads).where(eq(leads.id, free)).get())!.inPool).toBe(false)

    const unassigned = await postForm(owner.client, `/o/${slug}/leads/bulk-unassign`, { leadIds: [free, taken] })
    expect(noticeOf(await unassigned.text())).toBe('1 lead unassigned (1 already was).')
    expect(await typesOf(taken)).toEqual(['assigned', 'created', 'unassigned'])
    const pooled = await postForm(owner.client, `/o/${slug}/leads/bulk-pool`, { leadIds: [free, taken] })
    expect(noticeOf(await pooled.text())).toBe('2 leads put in the pool.')
    expect(await typesOf(free)).toEqual(['created', 'moved_to_pool'])
    expect(leadIds(await owner.client.html(`/o/${slug}/pool`)).sort()).toEqual([free, taken].sort())
  })

  it('records when each lead entered the pool, as a single pool move does', async () => {
    const { owner, slug } = await team()
    const lead = await createLead(owner.client, slug, { name: 'Pooled At' })
    const before = Date.now()
    await postForm(owner.client, `/o/${slug}/leads/bulk-pool`, { leadIds: [lead] })
    const row = (await db().select().from(leads).where(eq(leads.id, lead)).get())!
    expect(row.inPool).toBe(true)
    expect(row.pooledAt).toBeGreaterThanOrEqual(before)
    expect(row.pooledAt).toBeLessThanOrEqual(Date.now())
  })

  it('leaves archived leads alone: ticked ones are dropped, "all matching" the Archived filter is refused', async () => {
    const { owner, slug } = await team()
    const kept = await createLead(owner.client, slug, { name: 'Kept Lead' })
    const archived = await createLead(owner.client, slug, { name: 'Archived Lead' })
    expect((await owner.client.post(`/o/${slug}/leads/${archived}/archive`)).status).toBe(303)
    const status = await postForm(owner.client, `/o/${slug}/leads/bulk-status`, {
      leadIds: [kept, archived],
      status: 'won',
    })
    expect(noticeOf(await status.text())).toBe('1 lead set to Won.')
    const pooled = await postForm(owner.client, `/o/${slug}/leads/bulk-pool`, { leadIds: [archived] })
    expect(pooled.status).toBe(422)
    const all = await postForm(owner.client, `/o/${slug}/leads/bulk-unassign`, { all: '1', match_archived: '1' })
    expect(all.status).toBe(422)
    expect(noticeOf(await all.text())).toContain('Archived leads cannot be changed in bulk')
    const row = (await db().select().from(leads).where(eq(leads.id, archived)).get())!
    expect({ status: row.status, inPool: row.inPool }).toEqual({ status: 'new', inPool: false })
    expect(await typesOf(archived)).toEqual(['archived', 'created'])
  })

  it('sends a reload of a bulk action’s address back to the list', async () => {
    const { owner, slug } = await team()
    for (const action of ['bulk-status', 'bulk-pool', 'bulk-unassign'])
      expect((await owner.client.get(`/o/${slug}/leads/${action}`)).headers.get('Location')).toBe(`/o/${slug}/leads`)
  })
})

describe('list sort, filters and total', () => {
  it('sorts by name and status across pages, filters by source and dates, and says how many match', async () => {
    const { owner, slug } = await team()
    const names = ['Cleo', 'alma', 'Bea', 'Dora']
    for (const [i, name] of names.entries())
      await createLead(owner.client, slug, { name, source: i % 2 ? 'Website' : 'Fair', status: i ? 'new' : 'won' })
    const list = await owner.client.html(`/o/${slug}/leads?sort=name`)
    expect(namesIn(list)).toEqual(['alma', 'Bea', 'Cleo', 'Dora'])
    expect(namesIn(await owner.client.html(`/o/${slug}/leads?sort=-name`))).toEqual(['Dora', 'Cleo', 'Bea', 'alma'])
    expect(namesIn(await owner.client.html(`/o/${slug}/leads?sort=-status`))[0]).toBe('Cleo') // won after new
    expect(totalOf(list)).toBe('1–4 of 4 leads')
    const website = await owner.client.html(`/o/${slug}/leads?source=Website&sort=name`)
    expect(namesIn(website)).toEqual(['alma', 'Dora'])
    expect(totalOf(website)).toBe('1–2 of 2 leads')
    // The filter form shows the filters the list applies.
    expect(dom(website).querySelector('#lead-filters input[name="source"]')?.getAttribute('value')).toBe('Website')
    const today = new Date().toISOString().slice(0, 10)
    expect(totalOf(await owner.client.html(`/o/${slug}/leads?from=${today}&to=${today}`))).toBe('1–4 of 4 leads')
    expect(totalOf(await owner.client.html(`/o/${slug}/leads?to=2000-01-01`))).toBe('0 of 0 leads')
    // Keyset pages in name order: the page after "Bea" starts at "Cleo", and says where it is.
    const rows = await db().select().from(leads).all()
    const bea = rows.find((r) => r.name === 'Bea')!
    const next = await owner.client.html(`/o/${slug}/leads?sort=name&cursor=${bea.id}`)
    expect(namesIn(next)).toEqual(['Cleo', 'Dora'])
    expect(totalOf(next)).toBe('3–4 of 4 leads')
  })
})

describe('a bulk answer shows the page it was sent from', () => {
  // Every bulk action, refused and done, from the second page of the list sorted by name: the answer is that
  // same page (same sort, same cursor) and a refusal keeps the ticks.
  const cases: {
    action: string
    refused: boolean
    fields: (ids: Record<string, string>, gus: string) => Record<string, string | string[]>
    text: string
  }[] = [
    { action: 'bulk-assign', refused: true, fields: (l) => ({ leadIds: l.bea! }), text: 'Choose a team member' },
    {
      action: 'bulk-assign',
      refused: false,
      fields: (l, gus) => ({ leadIds: l.bea!, assigneeId: gus }),
      text: '1 lead assigned to Gus Agent.',
    },
    {
      action: 'bulk-unassign',
      refused: true,
      fields: (l) => ({ leadIds: [l.bea!, ...Array.from({ length: 5000 }, () => crypto.randomUUID())] }),
      text: 'Select at most 5,000 leads at once.',
    },
    { action: 'bulk-unassign', refused: false, fields: (l) => ({ leadIds: l.cara! }), text: '1 lead unassigned.' },
    { action: 'bulk-status', refused: true, fields: (l) => ({ leadIds: l.bea! }), text: 'Choose the status' },
    {
      action: 'bulk-status',
      refused: false,
      fields: (l) => ({ leadIds: l.bea!, status: 'won' }),
      text: '1 lead set to Won.',
    },
    { action: 'bulk-pool', refused: true, fields: (l) => ({ leadIds: [l.bea!, l.cara!] }), text: 'assignee' },
    { action: 'bulk-pool', refused: false, fields: (l) => ({ leadIds: l.bea! }), text: '1 lead put in the pool.' },
  ]
  for (const { action, refused, fields, text } of cases) {
    it(`${action} ${refused ? 'refused' : 'done'} on page 2 sorted by name`, async () => {
      const { owner, gus, slug } = await team()
      // Created Cara, Abe, Bea: newest first is Bea, Abe, Cara; by name Abe, Bea, Cara.
      const ids: Record<string, string> = {}
      for (const name of ['Cara', 'Abe', 'Bea'])
        ids[name.toLowerCase()] = await createLead(owner.client, slug, { name })
      await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, { leadIds: ids.cara!, assigneeId: gus.userId })
      const list = await owner.client.html(`/o/${slug}/leads?sort=name&cursor=${ids.abe}`)
      expect(namesIn(list)).toEqual(['Bea', 'Cara'])
      // What the browser sends: the bulk form as shown, with the ticks and the action's own fields.
      const form = formFields(list, 'bulk-form')
      for (const [key, value] of Object.entries(fields(ids, gus.userId))) {
        form.delete(key)
        for (const v of Array.isArray(value) ? value : [value]) form.append(key, v)
      }
      const res = await owner.client.request(`/o/${slug}/leads/${action}`, { method: 'POST', body: form })
      expect(res.status).toBe(refused ? (action === 'bulk-pool' ? 409 : 422) : 200)
      const html = await res.text()
      expect(noticeOf(html)).toContain(text)
      expect(namesIn(html)).toEqual(['Bea', 'Cara'])
      expect(totalOf(html)).toBe('2–3 of 3 leads')
      // Sorted by name and on the second page still, for the next bulk action too.
      expect(formFields(html, 'bulk-form').get('match_sort')).toBe('name')
      expect(formFields(html, 'bulk-form').get('match_cursor')).toBe(ids.abe)
      if (refused) expect(tickedIn(html)).toContain(ids.bea)
      else expect(tickedIn(html)).toEqual([])
    })
  }

  it('"all matching" from a later page still takes every matching lead, not only those after the page', async () => {
    const { owner, slug } = await team()
    const ids: string[] = []
    for (const name of ['Cara', 'Abe', 'Bea']) ids.push(await createLead(owner.client, slug, { name }))
    const res = await postForm(owner.client, `/o/${slug}/leads/bulk-status`, {
      all: '1',
      status: 'won',
      match_sort: 'name',
      match_cursor: ids[1]!,
    })
    expect(noticeOf(await res.text())).toBe('3 leads set to Won.')
  })
})

describe('bulk assignment of a lead unassigned from someone else within the hour', () => {
  it('transfers it from that person, with the leads around it, instead of answering 500', async () => {
    const { owner, gus, slug } = await team()
    const hal = await joinAs(owner.client, slug, 'agent', 'Hal Agent')
    const dropped = await createLead(owner.client, slug, { name: 'Dropped Lead' })
    const fresh = await createLead(owner.client, slug, { name: 'Fresh Lead' })
    await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, { leadIds: [dropped], assigneeId: gus.userId })
    await postForm(owner.client, `/o/${slug}/leads/bulk-unassign`, { leadIds: [dropped] })
    const res = await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, {
      leadIds: [dropped, fresh],
      assigneeId: hal.userId,
    })
    expect(res.status).toBe(200)
    expect(texts(await res.text(), '.notice-success')).toEqual([
      '1 lead assigned to Hal Agent, 1 transferred to Hal Agent from Gus Agent.',
    ])
    // Both leads are Hal's, and the dropped one waits for him to acknowledge the handoff from Gus.
    for (const lead of [dropped, fresh]) {
      const page = dom(await owner.client.html(`/o/${slug}/leads/${lead}`))
      expect([...page.querySelectorAll('[data-assignee-id]')].map((el) => textOf(el))).toEqual(['Hal Agent'])
    }
    const seenByHal = dom(await hal.client.html(`/o/${slug}/leads/${dropped}`))
    expect(textOf(seenByHal.querySelector('[data-handoff]'))).toContain('from Gus Agent')
  })

  it('is no change of hands from that person once the lead has been owned since (here: released)', async () => {
    const { owner, gus, slug } = await team()
    const hal = await joinAs(owner.client, slug, 'agent', 'Hal Agent')
    expect((await owner.client.post(`/o/${slug}/settings`, { handoffNoteRequired: '1' })).status).toBe(303)
    const lead = await createLead(owner.client, slug, { name: 'Passed Lead' })
    await owner.client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: gus.userId })
    await owner.client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: '' })
    await owner.client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: hal.userId, note: 'Gus is away.' })
    expect((await hal.client.post(`/o/${slug}/leads/${lead}/release`, { note: 'Not mine.' })).status).toBe(303)
    // Back in the pool, and given to Hal again: no handoff from Gus, so no note is asked for.
    const res = await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, {
      leadIds: [lead],
      assigneeId: hal.userId,
    })
    expect(texts(await res.text(), '.notice-success')).toEqual(['1 lead assigned to Hal Agent.'])
    const page = dom(await hal.client.html(`/o/${slug}/leads/${lead}`))
    expect(page.querySelector('[data-handoff]')).toBeNull()
  })

  it('tells the new assignee of a transfer from that person when every ticked lead changed hands', async () => {
    const { owner, gus, slug } = await team()
    const hal = await joinAs(owner.client, slug, 'agent', 'Hal Agent')
    const dropped = await createLead(owner.client, slug, { name: 'Dropped Lead' })
    await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, { leadIds: [dropped], assigneeId: gus.userId })
    await postForm(owner.client, `/o/${slug}/leads/bulk-unassign`, { leadIds: [dropped] })
    await postForm(owner.client, `/o/${slug}/leads/bulk-assign`, { leadIds: [dropped], assigneeId: hal.userId })
    expect(texts(await hal.client.html(`/o/${slug}/notifications`), '#notification-list li')).toEqual([
      expect.stringContaining('Olive Owner transferred Dropped Lead to you from Gus Agent'),
    ])
    // Gus was told when it was taken from him, not again.
    const toldGus = texts(await gus.client.html(`/o/${slug}/notifications`), '#notification-list li')
    expect(toldGus.map((t) => /(unassigned you|assigned you)/.exec(t)?.[1])).toEqual(['unassigned you', 'assigned you'])
  })
})
