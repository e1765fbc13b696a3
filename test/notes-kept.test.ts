/**
 * A note typed with an assignment is never thrown away (issue 21): whatever the lead's state before, it
 * reaches the timeline, the new assignee's notifications and their email; on unassigning it reaches the
 * previous assignee; typed where nothing carries it, it is refused (422) and kept in the form.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHANGE_OF_HANDS_WINDOW_MS } from '../src/assignment/handoffs'
import { dom, textOf, texts } from './dom'
import { Client, createLead, env, joinAs, signUp } from './helpers'

/** An organization with its Owner and two Agents. */
async function team() {
  const owner = await signUp('Notes Co', 'Olive Owner')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
  return { owner, gus, hal, slug: owner.slug }
}
type Team = Awaited<ReturnType<typeof team>>

/** POSTs a form whose array values are sent as repeated fields (leadIds=a&leadIds=b). */
function postForm(client: Client, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return client.request(path, { method: 'POST', body })
}

const assign = (t: Team, lead: string, fields: Record<string, string>) =>
  t.owner.client.post(`/o/${t.slug}/leads/${lead}/assign`, fields)

/** The lead's states before the assignment with a note, each reached as a person does. */
const PRIOR_STATES: Record<string, (t: Team, lead: string) => Promise<void>> = {
  'new, never assigned': async () => {},
  'in the pool': async (t, lead) => {
    expect((await t.owner.client.post(`/o/${t.slug}/leads/${lead}/pool`, { inPool: '1' })).status).toBe(303)
  },
  'unassigned long ago': async (t, lead) => {
    expect((await assign(t, lead, { assigneeId: t.hal.userId })).status).toBe(303)
    expect((await assign(t, lead, { assigneeId: '' })).status).toBe(303)
    // Past the change-of-hands window: the unassignment is moved back in time.
    await env.DB.prepare("UPDATE activities SET created_at = created_at - ? WHERE lead_id = ? AND type = 'unassigned'")
      .bind(2 * CHANGE_OF_HANDS_WINDOW_MS, lead)
      .run()
  },
  'assigned to someone else (a transfer)': async (t, lead) => {
    expect((await assign(t, lead, { assigneeId: t.hal.userId })).status).toBe(303)
  },
}

/** The notes of the lead's timeline entries, as its page shows them. */
async function timelineNotes(t: Team, lead: string) {
  return texts(await t.owner.client.html(`/o/${t.slug}/leads/${lead}`), '#timeline li [data-note]')
}

/** What `person`'s notification feed says, one text per notification. */
async function feed(t: Team, person: Client) {
  return texts(await person.html(`/o/${t.slug}/notifications`), '#notification-list > li')
}

/** The emails to `address` in the dev mailbox (/_dev/mail), one text each, newest first. */
async function mailTo(address: string) {
  const page = dom(await new Client().html('/_dev/mail'))
  return [...page.querySelectorAll(`article[data-email-to="${address.toLowerCase()}"] .email-html`)].map(textOf)
}

/** Expects `note` in the lead's timeline, and in `to`'s notifications and email. */
async function expectDelivered(t: Team, lead: string, to: { client: Client; email: string }, note: string) {
  expect(await timelineNotes(t, lead)).toContainEqual(`Handoff note: ${note}`)
  expect((await feed(t, to.client)).some((n) => n.includes(`“${note}”`))).toBe(true)
  expect((await mailTo(to.email)).some((m) => m.includes(`Handoff note from Olive Owner: ${note}`))).toBe(true)
}

describe('a note typed with an assignment reaches the new assignee, whatever the lead was before', () => {
  for (const [state, reach] of Object.entries(PRIOR_STATES)) {
    it(`from the lead page: ${state}`, async () => {
      const t = await team()
      const lead = await createLead(t.owner.client, t.slug, { name: 'Grace Hopper' })
      await reach(t, lead)
      const note = `Single, ${state}: call after 3pm.`
      expect((await assign(t, lead, { assigneeId: t.gus.userId, note })).status).toBe(303)
      await expectDelivered(t, lead, t.gus, note)
    })

    it(`from the bulk bar: ${state}`, async () => {
      const t = await team()
      const lead = await createLead(t.owner.client, t.slug, { name: 'Ada Lovelace' })
      await reach(t, lead)
      const note = `Bulk, ${state}: she prefers email.`
      const res = await postForm(t.owner.client, `/o/${t.slug}/leads/bulk-assign`, {
        leadIds: [lead],
        assigneeId: t.gus.userId,
        note,
      })
      expect(res.status).toBe(200)
      expect(texts(await res.text(), '[role="status"]').join(' ')).toContain(
        'The note was saved on it and sent to Gus Agent with the assignment.',
      )
      await expectDelivered(t, lead, t.gus, note)
    })
  }

  it('from the bulk bar to oneself: saved, and the answer does not claim it was sent to anyone', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Mine Now' })
    const res = await postForm(t.owner.client, `/o/${t.slug}/leads/bulk-assign`, {
      leadIds: [lead],
      assigneeId: (await env.DB.prepare('SELECT id FROM users WHERE email = ?')
        .bind(t.owner.email)
        .first<{ id: string }>())!.id,
      note: 'Taking this one myself.',
    })
    expect(texts(await res.text(), '[role="status"]').join(' ')).toContain(
      '1 lead assigned to Olive Owner. The note was saved on it.',
    )
    expect(await timelineNotes(t, lead)).toEqual(['Handoff note: Taking this one myself.'])
  })

  it('offers the handoff note box on the lead page and the row menu of a lead without an owner', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'No Owner Yet' })
    const page = dom(await t.owner.client.html(`/o/${t.slug}/leads/${lead}`))
    expect(page.querySelector(`#assignment form[action$="/assign"] textarea[name="note"]`)).not.toBeNull()
    const menu = dom(await t.owner.client.html(`/o/${t.slug}/leads/${lead}/assign-menu`))
    expect(menu.querySelector('textarea[name="note"]')).not.toBeNull()
  })
})

describe('a note typed when unassigning reaches the previous assignee', () => {
  it('from the lead page: saved on the lead and told to the person unassigned', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Alan Turing' })
    expect((await assign(t, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    const note = 'Gus is on leave until May.'
    expect((await assign(t, lead, { assigneeId: '', note })).status).toBe(303)
    expect(await timelineNotes(t, lead)).toContainEqual(`Note: ${note}`)
    expect((await feed(t, t.gus.client)).some((n) => n.includes('unassigned you') && n.includes(note))).toBe(true)
    expect((await mailTo(t.gus.email)).some((m) => m.includes(`Note from Olive Owner: ${note}`))).toBe(true)
  })

  it('from the bulk bar (Assign to Unassigned, or Unassign): the answer says where it went', async () => {
    const t = await team()
    const a = await createLead(t.owner.client, t.slug, { name: 'Bulk Off A' })
    const b = await createLead(t.owner.client, t.slug, { name: 'Bulk Off B' })
    await postForm(t.owner.client, `/o/${t.slug}/leads/bulk-assign`, { leadIds: [a, b], assigneeId: t.gus.userId })
    const byAssign = await postForm(t.owner.client, `/o/${t.slug}/leads/bulk-assign`, {
      leadIds: [a],
      assigneeId: 'none',
      note: 'Back to the queue.',
    })
    expect(texts(await byAssign.text(), '[role="status"]').join(' ')).toContain(
      '1 lead unassigned. The note was saved on it and sent to Gus Agent with the unassignment.',
    )
    const byUnassign = await postForm(t.owner.client, `/o/${t.slug}/leads/bulk-unassign`, {
      leadIds: [b],
      note: 'Moved to the spring campaign.',
    })
    expect(texts(await byUnassign.text(), '[role="status"]').join(' ')).toContain('sent to Gus Agent')
    expect(await timelineNotes(t, a)).toContainEqual('Note: Back to the queue.')
    expect(await timelineNotes(t, b)).toContainEqual('Note: Moved to the spring campaign.')
    const told = await feed(t, t.gus.client)
    expect(told.some((n) => n.includes('Back to the queue.'))).toBe(true)
    expect(told.some((n) => n.includes('Moved to the spring campaign.'))).toBe(true)
  })
})

describe('a note nothing would carry is refused (422) and kept in the form', () => {
  it('lead page: the same assignee again', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Same Owner' })
    expect((await assign(t, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    const res = await assign(t, lead, { assigneeId: t.gus.userId, note: 'Anything new?' })
    expect(res.status).toBe(422)
    const html = await res.text()
    const page = dom(html)
    expect(textOf(page.querySelector('[role="alert"]'))).toContain(
      'Gus Agent already has this lead, so the note would reach no one',
    )
    expect(textOf(page.querySelector('#assignment textarea[name="note"]'))).toBe('Anything new?')
    expect(await timelineNotes(t, lead)).toEqual([])
  })

  it('list row menu: unassigned again, answered with the row and its menu open as it was', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Row Menu' })
    const res = await t.owner.client.post(
      `/o/${t.slug}/leads/${lead}/assign`,
      { assigneeId: 'none', note: 'For whoever takes it.', from: 'list' },
      { 'HX-Request': 'true' },
    )
    expect(res.status).toBe(422)
    const row = dom(await res.text())
    expect(textOf(row.querySelector('[role="alert"]'))).toContain(
      'This lead already has no assignee, so the note would reach no one',
    )
    expect(textOf(row.querySelector('textarea[name="note"]'))).toBe('For whoever takes it.')
  })

  it('bulk bar: Assign where no selected lead changes, Set status, Put in the pool', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Nothing Moves' })
    const cases: [string, Record<string, string | string[]>, string][] = [
      [
        'bulk-assign',
        { assigneeId: 'none' },
        'None of the selected leads would change, so the note would reach no one',
      ],
      ['bulk-status', { status: 'won' }, 'The handoff note goes with Assign or Unassign'],
      ['bulk-pool', {}, 'The handoff note goes with Assign or Unassign'],
    ]
    for (const [action, fields, message] of cases) {
      const res = await postForm(t.owner.client, `/o/${t.slug}/leads/${action}`, {
        leadIds: [lead],
        note: 'Typed by mistake?',
        ...fields,
      })
      expect(res.status, action).toBe(422)
      const page = dom(await res.text())
      expect(textOf(page.querySelector('[role="alert"]')), action).toContain(message)
      expect(textOf(page.querySelector('textarea[name="note"]')), action).toBe('Typed by mistake?')
    }
    expect(await timelineNotes(t, lead)).toEqual([])
  })
})

describe('a reason typed for a status that stays is refused (422) and kept in the form', () => {
  it('lead page: the same status with a reason', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Still New' })
    const res = await t.owner.client.post(`/o/${t.slug}/leads/${lead}/status`, {
      status: 'new',
      from: 'new',
      reason: 'Left a voicemail',
    })
    expect(res.status).toBe(422)
    const page = dom(await res.text())
    expect(textOf(page.querySelector('[role="alert"]'))).toContain(
      'The status stays New, so the reason would be kept nowhere',
    )
    expect(page.querySelector('#status-form input[name="reason"]')?.getAttribute('value')).toBe('Left a voicemail')
    // Without a reason, the same status is still a quiet no-op; with a new status the reason is kept.
    expect((await t.owner.client.post(`/o/${t.slug}/leads/${lead}/status`, { status: 'new' })).status).toBe(303)
    const changed = await t.owner.client.post(`/o/${t.slug}/leads/${lead}/status`, {
      status: 'contacted',
      reason: 'Left a voicemail',
    })
    expect(changed.status).toBe(303)
    const timeline = texts(await t.owner.client.html(`/o/${t.slug}/leads/${lead}`), '#timeline li')
    expect(timeline.some((e) => e.includes('from New to Contacted: Left a voicemail'))).toBe(true)
  })
})

describe('no typed note is lost, whatever the order of assignments', () => {
  it('every accepted note is in the timeline; a refused one adds nothing (generated sequences)', async () => {
    const t = await team()
    const people = { gus: t.gus.userId, hal: t.hal.userId, none: '' }
    const step = fc.record({
      to: fc.constantFrom<keyof typeof people>('gus', 'hal', 'none'),
      note: fc.option(fc.constantFrom('Call after 3pm.', 'Prefers email.', 'Budget approved.'), { nil: undefined }),
    })
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        const lead = await createLead(t.owner.client, t.slug, { name: `Sequence ${++run}` })
        const kept: string[] = []
        for (const { to, note } of steps) {
          const res = await assign(t, lead, { assigneeId: people[to], ...(note ? { note } : {}) })
          expect([303, 422]).toContain(res.status)
          if (res.status === 303 && note) kept.push(note)
          if (res.status === 422) expect(note, 'only a note nothing carries is refused').toBeDefined()
        }
        const shown = (await timelineNotes(t, lead)).map((n) => n.replace(/^(Handoff note|Note): /, ''))
        expect(shown.sort()).toEqual(kept.sort())
      }),
      { numRuns: 6 },
    )
  })

  it('two people assigning the same unowned lead at once, each with a note: both notes kept, no 5xx', async () => {
    const t = await team()
    const lead = await createLead(t.owner.client, t.slug, { name: 'Race With Notes' })
    const admin = await joinAs(t.owner.client, t.slug, 'admin', 'Ada Admin')
    const [first, second] = await Promise.all([
      assign(t, lead, { assigneeId: t.gus.userId, note: 'From Olive: call Monday.' }),
      admin.client.post(`/o/${t.slug}/leads/${lead}/assign`, {
        assigneeId: t.hal.userId,
        note: 'From Ada: email only.',
      }),
    ])
    expect([first.status, second.status]).toEqual([303, 303])
    const shown = await timelineNotes(t, lead)
    expect(shown.sort()).toEqual(['Handoff note: From Ada: email only.', 'Handoff note: From Olive: call Monday.'])
  })
})

describe('a refused hand-off keeps what the Agent typed', () => {
  it('Hand off without a teammate: 422, the note still in the form', async () => {
    const t = await team()
    expect((await t.owner.client.post(`/o/${t.slug}/settings`, { agentsMayHandOff: '1' })).status).toBe(303)
    const lead = await createLead(t.owner.client, t.slug, { name: 'Handed On' })
    expect((await assign(t, lead, { assigneeId: t.gus.userId })).status).toBe(303)
    const res = await t.gus.client.post(`/o/${t.slug}/leads/${lead}/handoff`, {
      assigneeId: '',
      note: 'She wants a demo next week.',
    })
    expect(res.status).toBe(422)
    const page = dom(await res.text())
    expect(textOf(page.querySelector('[role="alert"]'))).toContain('Choose the teammate to hand this lead to.')
    expect(textOf(page.querySelector('#handoff form[action$="/handoff"] textarea[name="note"]'))).toBe(
      'She wants a demo next week.',
    )
  })
})
