/**
 * The help article's collaboration promises (/work/shared/seed/sharing-leads-with-your-team.txt, issue #24), each
 * in its own words, read through the lead page, the feed, Settings and the account page as a member sees them.
 */
import { describe, expect, it } from 'vitest'
import { inParallel, rows } from './concurrency'
import { dom, textOf, type Node } from './dom'
import { Client, createLead, errorFor, formFields, joinAs, signUp } from './helpers'

/**
 * An organization with an Owner (Ana Owner), Ava Agent assigned to Grace Hopper, Bo Li added as its collaborator,
 * and Bo Blind, an Agent who cannot see it.
 */
async function team() {
  const owner = await signUp('Article Co', 'Ana Owner')
  const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
  const boLi = await joinAs(owner.client, owner.slug, 'agent', 'Bo Li')
  const boBlind = await joinAs(owner.client, owner.slug, 'agent', 'Bo Blind')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Grace Hopper', email: 'grace@navy.example' })
  const base = `/o/${owner.slug}/leads/${leadId}`
  expect((await owner.client.post(`/o/${owner.slug}/settings`, { multipleAssignees: '1' })).status).toBe(303)
  expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
  expect((await owner.client.post(`${base}/assignees`, { userId: boLi.userId })).status).toBe(303)
  return { owner, ava, boLi, boBlind, leadId, base, slug: owner.slug }
}

/** The lead page's Notes section: one entry per note, as a member reads it. */
function notesShown(html: string) {
  return [...dom(html).querySelectorAll('#notes li[data-note-id]')].map((li: Node) => ({
    text: textOf(li),
    prospect: li.hasAttribute('data-from-prospect'),
    author: textOf(li.querySelector('[data-note-author]')),
    time: li.querySelector('time')?.getAttribute('datetime') ?? null,
    mentions: [...li.querySelectorAll('.mention')].map((m) => textOf(m)),
  }))
}

/** The sentences of `client`'s notification feed, newest first. */
async function feed(client: Client, slug: string): Promise<string[]> {
  const html = await client.html(`/o/${slug}/notifications`)
  return [...dom(html).querySelectorAll('li[data-notification-id]')].map((li) => textOf(li))
}

describe('Add notes for team context / Everyone can see notes', () => {
  it('lists the prospect’s message first, marked as theirs, then the team’s notes with author, time and mentions', async () => {
    const { owner, ava, boLi, base, slug } = await team()
    expect((await owner.client.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
    const [org] = await rows<{ form_key: string }>('SELECT form_key FROM organizations WHERE slug = ?', slug)
    const sent = await new Client().post(`/f/${org!.form_key}`, {
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      message: 'Please call me about\nthe compiler contract.',
    })
    expect(sent.status).toBe(303)
    const note = 'Called her, @Bo Li please send the quote. ' + 'Details follow. '.repeat(200)
    expect((await ava.client.post(`${base}/notes`, { body: note })).status).toBe(303)

    const page = await boLi.client.html(base)
    const shown = notesShown(page)
    expect(shown).toHaveLength(2)
    expect(shown[0]!.prospect).toBe(true)
    expect(shown[0]!.author).toBe('Message from the prospect')
    expect(shown[0]!.text).toContain('Please call me about the compiler contract.')
    expect(shown[1]!.prospect).toBe(false)
    expect(shown[1]!.author).toBe('Ava Agent')
    expect(shown[1]!.time).not.toBeNull()
    expect(shown[1]!.mentions).toEqual(['@Bo Li'])
    expect(shown[1]!.text).toContain(
      `Called her, @Bo Li please send the quote. ${'Details follow. '.repeat(200).trim()}`,
    )

    // The timeline's Notes filter shows the note in full too.
    const timeline = dom(await boLi.client.html(`${base}?type=notes`))
    const entry = timeline.querySelector('#timeline li[data-activity-type="note_added"]')
    expect(textOf(entry)).toContain(`@Bo Li please send the quote. ${'Details follow. '.repeat(200).trim()}`)
  })
})

describe('Mention team members in notes', () => {
  it('takes a first name for the one member by that name who can see the lead, and tells them', async () => {
    const { ava, boLi, base, slug } = await team()
    expect((await ava.client.post(`${base}/notes`, { body: '@Bo can you call her back?' })).status).toBe(303)
    expect(notesShown(await ava.client.html(base))[0]!.mentions).toEqual(['@Bo Li'])
    expect((await feed(boLi.client, slug))[0]).toContain('Ava Agent mentioned you in a note on Grace Hopper')
  })

  it('flags an @word that names several members who can see the lead, listing them, and keeps the note', async () => {
    const { owner, ava, boBlind, base } = await team()
    expect((await owner.client.post(`${base}/assignees`, { userId: boBlind.userId })).status).toBe(303)
    const res = await ava.client.post(`${base}/notes`, { body: 'Ask @bo about pricing' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'body')).toBe('@bo could be Bo Blind or Bo Li: write the full name or the email address.')
    expect(textOf(dom(html).querySelector('#note-body'))).toBe('Ask @bo about pricing')
    expect(notesShown(html)).toEqual([])
  })

  it('flags an @word that matches nobody who can see the lead; "save anyway" keeps it as text', async () => {
    const { ava, base } = await team()
    const res = await ava.client.post(`${base}/notes`, { body: 'Loop in @Zed and @Bo Blind' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'body')).toContain('Nobody called @Zed can see this lead.')
    expect(errorFor(html, 'body')).toContain('Bo Blind cannot see this lead')
    expect(textOf(dom(html).querySelector('#note-body'))).toBe('Loop in @Zed and @Bo Blind')

    const again = await ava.client.post(`${base}/notes`, { body: 'Loop in @Zed', asText: '1' })
    expect(again.status).toBe(303)
    const shown = notesShown(await ava.client.html(base))
    expect(shown[0]!.text).toContain('Loop in @Zed')
    expect(shown[0]!.mentions).toEqual([])
  })

  it('offers to save an @word that names nobody as plain text, and never flags an email address', async () => {
    const { ava, base } = await team()
    const res = await ava.client.post(`${base}/notes`, { body: 'Write to grace@navy.example, cc @navy.example' })
    expect(res.status).toBe(422)
    const form = dom(await res.text()).querySelector('#notes form')
    expect(textOf(form?.querySelector('label[for="note-as-text"]'))).toBe('Save “@navy.example” as plain text')
    const plain = await ava.client.post(`${base}/notes`, { body: 'Write to grace@navy.example' })
    expect(plain.status).toBe(303)
  })

  it('answers two notes sent at once, one flagged and one saved, without a server error', async () => {
    const { ava, boLi, base } = await team()
    const statuses = await inParallel(4, (i) =>
      i % 2
        ? ava.client.post(`${base}/notes`, { body: 'Ask @Nobody' })
        : boLi.client.post(`${base}/notes`, { body: 'Thanks @Ava' }),
    )
    expect(statuses).toEqual([303, 422, 303, 422])
  })
})

describe('Team members get notified when tasks are created for assigned leads', () => {
  it('tells the lead’s assignee and collaborators, except whoever created it and the task’s assignee', async () => {
    const { owner, ava, boLi, slug, base } = await team()
    const res = await owner.client.post(`${base}/tasks`, {
      title: 'Send the quote',
      dueDate: '2030-01-15',
      assigneeId: boLi.userId,
    })
    expect(res.status).toBe(303)
    const told = (lines: string[]) => lines.filter((line) => line.includes('Send the quote'))
    expect(told(await feed(ava.client, slug))).toEqual([
      expect.stringContaining('Ana Owner added the task “Send the quote” for Bo Li on Grace Hopper'),
    ])
    expect(told(await feed(boLi.client, slug))).toEqual([
      expect.stringContaining('Ana Owner gave you a task on Grace Hopper: Send the quote'),
    ])
    expect((await feed(owner.client, slug)).some((line) => line.includes('Send the quote'))).toBe(false)
  })

  it('has its own preference: turned off, the assignee hears nothing of a task for someone else', async () => {
    const { owner, ava, boLi, slug, base } = await team()
    const prefs = dom(await ava.client.html(`/o/${slug}/preferences`))
    const row = prefs.querySelector('tr[data-event-type="task_created"]')
    expect(textOf(row?.querySelector('th'))).toBe('A task is created on your lead for someone else')
    const fields = formFields(await ava.client.html(`/o/${slug}/preferences`), 'preferences-form')
    fields.delete('inApp_task_created')
    fields.delete('email_task_created')
    expect((await ava.client.post(`/o/${slug}/preferences`, Object.fromEntries(fields))).status).toBe(303)
    const res = await owner.client.post(`${base}/tasks`, {
      title: 'Quiet task',
      dueDate: '2030-01-15',
      assigneeId: boLi.userId,
    })
    expect(res.status).toBe(303)
    expect((await feed(ava.client, slug)).some((line) => line.includes('Quiet task'))).toBe(false)
  })
})

describe('Adjust notification preferences in settings', () => {
  it('links the preferences from Settings and from the account page', async () => {
    const { owner, ava, slug } = await team()
    const settings = dom(await owner.client.html(`/o/${slug}/settings`))
    expect([...settings.querySelectorAll('main a')].map((a) => a.getAttribute('href'))).toContain(
      `/o/${slug}/preferences`,
    )
    const account = dom(await ava.client.html('/account'))
    const link = [...account.querySelectorAll('main a')].find(
      (a) => a.getAttribute('href') === `/o/${slug}/preferences`,
    )
    expect(textOf(link)).toContain('Notification preferences')
  })
})

describe('See who added what', () => {
  it('shows who logged each communication, and every date of the lead page in one style in the viewer’s zone', async () => {
    const { ava, base } = await team()
    expect((await ava.client.post('/account/time-zone', { timeZone: 'Asia/Tokyo' })).status).toBe(303)
    const logged = await ava.client.post(`${base}/communications`, {
      kind: 'call',
      direction: 'outbound',
      occurredAt: '2025-03-14T17:30',
      summary: 'Left a voicemail',
    })
    expect(logged.status).toBe(303)
    expect((await ava.client.post(`${base}/notes`, { body: 'Quote sent' })).status).toBe(303)
    const page = dom(await ava.client.html(base))
    const communication = page.querySelector('#communications li[data-communication-id]')
    expect(textOf(communication?.querySelector('[data-communication-author]'))).toBe('Ava Agent')

    // Long ago: the exact date in the viewer's zone; recent: relative. Either way the exact time on hover.
    expect(textOf(communication?.querySelector('time'))).toBe('14 Mar 2025, 17:30')
    const dates = [...page.querySelectorAll('.facts time, #notes time, #communications time, #timeline li > time')]
    expect(dates.length).toBeGreaterThanOrEqual(4)
    for (const date of dates) {
      expect(date.getAttribute('title')).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Asia\/Tokyo\)$/)
      expect(date.hasAttribute('data-relative')).toBe(true)
    }
    expect(textOf(page.querySelector('.facts time'))).toMatch(/^(just now|\d+ min ago)$/)
  })
})
