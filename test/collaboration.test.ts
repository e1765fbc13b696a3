/**
 * Working a lead together through HTTP: editing a lead, status reasons, notes with @mentions,
 * communications, tasks and "My tasks", and the timeline (filters, pages, sentences).
 */
import { describe, expect, it } from 'vitest'
import { inParallel } from './concurrency'
import { dom, textOf, texts, type Node } from './dom'
import { createLead, env, errorFor, joinAs, signUp } from './helpers'

/** Activity types of the lead's timeline, newest first. */
async function activityTypes(leadId: string): Promise<string[]> {
  const rows = await env.DB.prepare('SELECT type FROM activities WHERE lead_id = ? ORDER BY created_at DESC, id DESC')
    .bind(leadId)
    .all<{ type: string }>()
  return rows.results.map((r) => r.type)
}

/** The text of the line of the task titled `title` in the lead page's Tasks section, or '' when it has none. */
function taskLine(html: string, title: string): string {
  return texts(html, '#tasks li[data-task-id]').find((line) => line.startsWith(title)) ?? ''
}

/** Types of the notifications of `userId`, newest first. */
async function notificationsOf(userId: string): Promise<string[]> {
  const rows = await env.DB.prepare('SELECT type FROM notifications WHERE user_id = ? ORDER BY id DESC')
    .bind(userId)
    .all<{ type: string }>()
  return rows.results.map((r) => r.type)
}

async function lastActivity(leadId: string) {
  const row = await env.DB.prepare(
    'SELECT type, data FROM activities WHERE lead_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
  )
    .bind(leadId)
    .first<{ type: string; data: string }>()
  return { type: row!.type, data: JSON.parse(row!.data) as Record<string, unknown> }
}

/** An organization with an Owner, an Agent assigned to a lead, and an Agent who cannot see it. */
async function team() {
  const owner = await signUp('Collab Co', 'Ana Owner')
  const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
  const bo = await joinAs(owner.client, owner.slug, 'agent', 'Bo Blind')
  const leadId = await createLead(owner.client, owner.slug, { name: 'Grace Hopper', email: 'grace@navy.example' })
  const assigned = await owner.client.post(`/o/${owner.slug}/leads/${leadId}/assign`, { assigneeId: ava.userId })
  expect(assigned.status).toBe(303)
  return { owner, ava, bo, leadId, base: `/o/${owner.slug}/leads/${leadId}` }
}

describe('editing a lead', () => {
  it('saves name, email, phone, company and source, recording each changed field before and after', async () => {
    const { ava, base, leadId } = await team()
    const form = await ava.client.html(`${base}/edit`)
    expect(form).toContain('value="grace@navy.example"')
    const res = await ava.client.post(`${base}/edit`, {
      name: 'Grace B. Hopper',
      email: 'grace@navy.example',
      phone: '+1 555 0100',
      company: 'US Navy',
      source: '',
    })
    expect(res.status).toBe(303)
    const last = await lastActivity(leadId)
    expect(last.type).toBe('lead_edited')
    expect(last.data.changes).toEqual({
      name: { from: 'Grace Hopper', to: 'Grace B. Hopper' },
      phone: { from: '', to: '+1 555 0100' },
      company: { from: '', to: 'US Navy' },
    })
    const page = await ava.client.html(base)
    expect(page).toContain('Ava Agent edited name from “Grace Hopper” to “Grace B. Hopper”')
  })

  it('keeps the email unique per organization with the create form’s message, keeping what was typed', async () => {
    const { owner, base } = await team()
    await createLead(owner.client, owner.slug, { name: 'Other', email: 'taken@example.com' })
    const res = await owner.client.post(`${base}/edit`, { name: 'Grace Typed', email: 'TAKEN@example.com' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'email')).toBe('A lead with this email address already exists.')
    expect(html).toContain('value="Grace Typed"')
  })

  it('is refused to a former assignee who may only read the lead (403) and hidden from an Agent who cannot see it (404)', async () => {
    const { owner, ava, bo, base } = await team()
    expect((await bo.client.get(`${base}/edit`)).status).toBe(404)
    expect((await bo.client.post(`${base}/edit`, { name: 'X' })).status).toBe(404)
    // Transfer to Bo: Ava keeps read access as a former assignee.
    expect((await owner.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    expect((await ava.client.post(`${base}/edit`, { name: 'X' })).status).toBe(403)
  })
})

describe('status changes', () => {
  it('keep an optional reason in the timeline', async () => {
    const { ava, base, leadId } = await team()
    expect((await ava.client.post(`${base}/status`, { status: 'lost', reason: 'Chose a competitor' })).status).toBe(303)
    expect((await lastActivity(leadId)).data).toEqual({ from: 'new', to: 'lost', reason: 'Chose a competitor' })
    expect(await ava.client.html(base)).toContain('changed the status from New to Lost: Chose a competitor')
  })
})

describe('notes with @mentions', () => {
  it('stores mentions as member ids, once per member, and shows current names', async () => {
    const { owner, ava, base, leadId } = await team()
    const res = await owner.client.post(`${base}/notes`, {
      body: '@Ava Agent please call. Mail grace@navy.example first. Thanks @ava agent!',
    })
    expect(res.status).toBe(303)
    const note = await env.DB.prepare('SELECT body, mentions FROM notes WHERE lead_id = ? AND kind = ?')
      .bind(leadId, 'note')
      .first<{ body: string; mentions: string }>()
    expect(JSON.parse(note!.mentions)).toEqual([ava.userId])
    expect(note!.body).toBe(`@{${ava.userId}} please call. Mail grace@navy.example first. Thanks @{${ava.userId}}!`)
    // Renaming the member does not break the old note.
    await env.DB.prepare('UPDATE users SET name = ? WHERE id = ?').bind('Ava Renamed', ava.userId).run()
    const page = await owner.client.html(base)
    expect(page).toContain(
      `data-mention-id="${ava.userId}">@Ava Renamed</strong> please call. Mail grace@navy.example first.`,
    )
    expect(page).toContain('Ana Owner added a note')
  })

  it('refuses a mention of a member who cannot see the lead (422, saying so), saving nothing and notifying nobody', async () => {
    const { owner, ava, bo, base, leadId } = await team()
    const before = await activityTypes(leadId)
    const res = await owner.client.post(`${base}/notes`, { body: 'Ask @Bo Blind about this' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'body')).toContain('Bo Blind cannot see this lead, so they cannot be mentioned.')
    expect(html).toContain('Ask @Bo Blind about this</textarea>')
    expect(await activityTypes(leadId)).toEqual(before)
    const notes = await env.DB.prepare('SELECT count(*) AS n FROM notes WHERE lead_id = ?')
      .bind(leadId)
      .first<{ n: number }>()
    expect(notes!.n).toBe(0)
    expect(await notificationsOf(bo.userId)).toEqual([])
    expect(await notificationsOf(ava.userId)).toEqual(['assigned'])
  })

  it('notifies each mentioned member once per note, however often named; the other assignees hear of the note', async () => {
    const { owner, ava, base } = await team()
    const admin = await joinAs(owner.client, owner.slug, 'admin', 'Cy Admin')
    await owner.client.post(`${base}/notes`, { body: '@Cy Admin and @cy admin, see this' })
    expect(await notificationsOf(admin.userId)).toEqual(['mentioned'])
    expect(await notificationsOf(ava.userId)).toEqual(['note_added', 'assigned'])
    await owner.client.post(`${base}/notes`, { body: '@Ava Agent call them' })
    // The mention outranks the note: one notification for Ava.
    expect(await notificationsOf(ava.userId)).toEqual(['mentioned', 'note_added', 'assigned'])
  })

  it('suggests only members who can see the lead while an @ word is typed', async () => {
    const { owner, base } = await team()
    const all = await owner.client.html(`${base}/mentions?body=${encodeURIComponent('Hi @')}`)
    expect(all).toContain('data-mention="Ava Agent"')
    expect(all).not.toContain('Bo Blind')
    expect(all).not.toContain('Ana Owner')
    const some = await owner.client.html(`${base}/mentions?body=${encodeURIComponent('Hi @bo')}`)
    expect(some).not.toContain('data-mention=')
    const none = await owner.client.html(`${base}/mentions?body=${encodeURIComponent('mail ava@')}`)
    expect(none).not.toContain('data-mention=')
  })
})

describe('communications', () => {
  it('are logged with kind, direction, summary and a time typed in the viewer’s time zone, stored UTC', async () => {
    const { ava, base, leadId } = await team()
    const res = await ava.client.post(`${base}/communications`, {
      kind: 'call',
      direction: 'outbound',
      summary: 'Left a voicemail',
      occurredAt: '2025-03-14T17:30',
    })
    expect(res.status).toBe(303)
    const row = await env.DB.prepare(
      'SELECT kind, direction, summary, occurred_at FROM communications WHERE lead_id = ?',
    )
      .bind(leadId)
      .first<{ occurred_at: number }>()
    expect(row).toMatchObject({ kind: 'call', direction: 'outbound', summary: 'Left a voicemail' })
    // Members have no time zone of their own yet: UTC (src/access/time-zone.ts).
    expect(row!.occurred_at).toBe(Date.UTC(2025, 2, 14, 17, 30))
    const page = await ava.client.html(base)
    expect(page).toContain(
      'Ava Agent logged an outbound call on <time datetime="2025-03-14T17:30:00.000Z" data-zoned="true">14 Mar 2025, 17:30 (UTC)</time>',
    )
  })

  it('refuses bad input with a message per field', async () => {
    const { ava, base } = await team()
    const res = await ava.client.post(`${base}/communications`, {
      kind: 'fax',
      direction: 'outbound',
      summary: '',
      occurredAt: 'yesterday',
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'kind')).toBe('Choose call, email, meeting, SMS or other')
    expect(errorFor(html, 'occurredAt')).toBe('Enter when it happened, as a date and time')
  })

  it('are edited (the edit in the timeline) and deleted by their author or an Owner/Admin only', async () => {
    const { owner, ava, bo, base, leadId } = await team()
    await ava.client.post(`${base}/communications`, {
      kind: 'email',
      direction: 'inbound',
      summary: 'Asked for pricing',
      occurredAt: '2025-03-14T09:00',
    })
    const id = (await env.DB.prepare('SELECT id FROM communications WHERE lead_id = ?')
      .bind(leadId)
      .first<{ id: string }>())!.id
    // Bo becomes a collaborator-less reader: transfer to Bo makes Ava a former assignee.
    expect((await owner.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    expect(
      (
        await bo.client.post(`${base}/communications/${id}`, {
          kind: 'email',
          direction: 'inbound',
          summary: 'x',
          occurredAt: '2025-03-14T09:00',
        })
      ).status,
    ).toBe(403)
    expect((await bo.client.post(`${base}/communications/${id}/delete`)).status).toBe(403)
    const edited = await ava.client.post(`${base}/communications/${id}`, {
      kind: 'email',
      direction: 'inbound',
      summary: 'Asked for a quote',
      occurredAt: '2025-03-14T09:00',
    })
    expect(edited.status).toBe(303)
    expect((await lastActivity(leadId)).data.changes).toEqual({
      summary: { from: 'Asked for pricing', to: 'Asked for a quote' },
    })
    expect(await owner.client.html(base)).toContain(
      'Ava Agent edited a logged email: summary from “Asked for pricing” to “Asked for a quote”',
    )
    expect((await owner.client.post(`${base}/communications/${id}/delete`)).status).toBe(303)
    expect(await env.DB.prepare('SELECT id FROM communications WHERE id = ?').bind(id).first()).toBeNull()
    expect((await lastActivity(leadId)).type).toBe('communication_deleted')
  })
})

describe('tasks', () => {
  it('are assigned to a member who can see the lead; anyone else is refused (422)', async () => {
    const { owner, bo, base } = await team()
    const res = await owner.client.post(`${base}/tasks`, {
      title: 'Call back',
      dueAt: '2025-03-14',
      assigneeId: bo.userId,
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'assigneeId')).toBe('Choose a member who can see this lead.')
    expect(dom(html).querySelector('#tasks input[name="title"]')?.getAttribute('value')).toBe('Call back')
  })

  it('are completed and reopened with who and when, and listed in My tasks', async () => {
    const { owner, ava, base, leadId } = await team()
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)
    const today = new Date().toISOString().slice(0, 10)
    for (const [title, dueAt] of [
      ['Send quote', tomorrow],
      ['Late one', yesterday],
      ['Today one', today],
    ]) {
      expect(
        (await owner.client.post(`${base}/tasks`, { title: title!, dueAt: dueAt!, assigneeId: ava.userId })).status,
      ).toBe(303)
    }
    const mine = dom(await ava.client.html(`/o/${owner.slug}/tasks`))
    const order = [...mine.querySelectorAll('#task-list li')].map((li) => {
      const [label, title] = [...li.querySelectorAll('span')].map((span) => textOf(span))
      return [li.getAttribute('data-due'), label, title]
    })
    expect(order).toEqual([
      ['overdue', 'Overdue', 'Late one'],
      ['today', 'Today', 'Today one'],
      ['upcoming', 'Upcoming', 'Send quote'],
    ])
    const taskId = (await env.DB.prepare("SELECT id FROM tasks WHERE title = 'Send quote'").first<{ id: string }>())!.id
    expect((await ava.client.post(`/o/${owner.slug}/tasks/${taskId}/complete`)).status).toBe(303)
    const done = await env.DB.prepare('SELECT completed_at, completed_by FROM tasks WHERE id = ?')
      .bind(taskId)
      .first<{ completed_at: number; completed_by: string }>()
    expect(done!.completed_by).toBe(ava.userId)
    expect(done!.completed_at).toBeGreaterThan(0)
    expect((await lastActivity(leadId)).type).toBe('task_completed')
    const after = dom(await ava.client.html(`/o/${owner.slug}/tasks`))
    expect(after.querySelector(`#task-list [data-task-id="${taskId}"]`)).toBeNull()
    expect(after.querySelectorAll('#task-list li')).toHaveLength(2)
    expect((await owner.client.post(`/o/${owner.slug}/tasks/${taskId}/reopen`)).status).toBe(303)
    expect((await lastActivity(leadId)).type).toBe('task_reopened')
    expect(texts(await owner.client.html(base), '#timeline li[data-activity-type]')[0]).toContain(
      'Ana Owner reopened the task “Send quote”',
    )
    expect(taskLine(await owner.client.html(base), 'Send quote')).not.toContain('done by')
  })

  it('notify the assignee; a date-only due date shows as the same day to a member in Europe/Berlin', async () => {
    const { owner, ava, base } = await team()
    await env.DB.batch([
      env.DB.prepare('UPDATE users SET time_zone = ? WHERE id = ?').bind('America/Los_Angeles', ava.userId),
      env.DB.prepare("UPDATE users SET time_zone = 'Europe/Berlin' WHERE name = 'Ana Owner'"),
    ])
    expect(
      (await ava.client.post(`${base}/tasks`, { title: 'Call at five', dueAt: '2025-03-14', assigneeId: ava.userId }))
        .status,
    ).toBe(303)
    expect(
      (
        await owner.client.post(`${base}/tasks`, {
          title: 'Quote',
          dueDate: '2025-03-20',
          dueTime: '09:00',
          assigneeId: ava.userId,
        })
      ).status,
    ).toBe(303)
    expect(await notificationsOf(ava.userId)).toEqual(['task_assigned', 'assigned'])
    const quote = await env.DB.prepare("SELECT due_at, due_date FROM tasks WHERE title = 'Quote'").first<{
      due_at: number
    }>()
    // 09:00 typed by the Owner in Berlin (UTC+1 in March).
    expect(quote!.due_at).toBe(Date.UTC(2025, 2, 20, 8, 0))
    const berlin = await owner.client.html(base)
    expect(taskLine(berlin, 'Call at five')).toMatch(/^Call at five · due 14 March 2025 · /)
    const la = await ava.client.html(base)
    expect(taskLine(la, 'Call at five')).toMatch(/^Call at five · due 14 March 2025 · /)
    expect(taskLine(la, 'Quote')).toMatch(/^Quote · due 20 Mar 2025, 01:00 \(America\/Los_Angeles\) · /)
    // A communication typed at 17:30 in Los Angeles is stored as 00:30 UTC the next day.
    await ava.client.post(`${base}/communications`, {
      kind: 'sms',
      direction: 'inbound',
      summary: 'Texted',
      occurredAt: '2025-03-14T17:30',
    })
    const sms = await env.DB.prepare("SELECT occurred_at FROM communications WHERE summary = 'Texted'").first<{
      occurred_at: number
    }>()
    expect(sms!.occurred_at).toBe(Date.UTC(2025, 2, 15, 0, 30))
    // Long ago, so the date itself (views/when.tsx), in the viewer's zone, named on hover.
    const when = dom(await owner.client.html(base)).querySelector('#communications [data-communication-id] time')
    expect(textOf(when)).toBe('15 Mar 2025, 01:30')
    expect(when?.getAttribute('title')).toBe('15 Mar 2025, 01:30 (Europe/Berlin)')
  })

  it('completed by several people at once: one completion, one activity, no 5xx', async () => {
    const { owner, ava, base, leadId } = await team()
    await owner.client.post(`${base}/tasks`, { title: 'Race', dueAt: '2030-01-01', assigneeId: ava.userId })
    const taskId = (await env.DB.prepare("SELECT id FROM tasks WHERE title = 'Race'").first<{ id: string }>())!.id
    const people = [owner.client, ava.client]
    const statuses = await inParallel(6, (i) => people[i % 2]!.post(`/o/${owner.slug}/tasks/${taskId}/complete`))
    expect(statuses).toEqual(Array(6).fill(303))
    expect((await activityTypes(leadId)).filter((t) => t === 'task_completed')).toHaveLength(1)
  })

  it('of a lead the viewer cannot see answer 404', async () => {
    const { owner, ava, bo, base } = await team()
    await owner.client.post(`${base}/tasks`, { title: 'Secret', dueAt: '2025-03-14', assigneeId: ava.userId })
    const taskId = (await env.DB.prepare("SELECT id FROM tasks WHERE title = 'Secret'").first<{ id: string }>())!.id
    expect((await bo.client.post(`/o/${owner.slug}/tasks/${taskId}/complete`)).status).toBe(404)
    const bos = dom(await bo.client.html(`/o/${owner.slug}/tasks`))
    expect(bos.querySelectorAll('#task-list li')).toHaveLength(0)
    expect(textOf(bos.querySelector('main'))).not.toContain('Secret')
  })
})

describe('the timeline', () => {
  it('filters by type and pages to older activity', async () => {
    const { owner, ava, base } = await team()
    await owner.client.post(`${base}/notes`, { body: 'First note' })
    await owner.client.post(`${base}/tasks`, { title: 'A task', dueAt: '2025-03-14', assigneeId: ava.userId })
    const notes = await owner.client.html(`${base}/timeline?type=notes`)
    expect([...notes.matchAll(/data-activity-type="(\w+)"/g)].map((m) => m[1])).toEqual(['note_added'])
    const tasks = await owner.client.html(`${base}/timeline?type=tasks`)
    expect([...tasks.matchAll(/data-activity-type="(\w+)"/g)].map((m) => m[1])).toEqual(['task_created'])
    const changes = await owner.client.html(`${base}/timeline?type=changes`)
    expect([...changes.matchAll(/data-activity-type="(\w+)"/g)].map((m) => m[1])).toEqual(['assigned', 'created'])
    for (let i = 0; i < 31; i++) await owner.client.post(`${base}/notes`, { body: `Note ${i}` })
    const first = await owner.client.html(`${base}/timeline`)
    expect([...first.matchAll(/data-activity-type=/g)]).toHaveLength(30)
    const older = /href="([^"]+before=[^"#]+)#timeline" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&')
    const second = await owner.client.html(older.replace(base, `${base}/timeline`))
    const types = [...second.matchAll(/data-activity-type="(\w+)"/g)].map((m) => m[1])
    expect(types.slice(-2)).toEqual(['assigned', 'created'])
    expect(types).toHaveLength(35 - 30)
    expect(first).toContain('title="')
    expect(first).toMatch(/data-relative="true"[^>]*>just now</)
  })

  it('names on each entry the filters that list it, and takes live entries on every page (the filter’s alone)', async () => {
    const { owner, ava, base } = await team()
    await owner.client.post(`${base}/notes`, { body: 'A note' })
    await owner.client.post(`${base}/tasks`, { title: 'A task', dueAt: '2025-03-14', assigneeId: ava.userId })
    const call = { kind: 'call', direction: 'outbound', summary: 'A call', occurredAt: '2025-03-14T17:30' }
    expect((await owner.client.post(`${base}/communications`, call)).status).toBe(303)
    expect((await owner.client.post(`${base}/status`, { status: 'contacted' })).status).toBe(303)
    const idOf = (li: Node) => li.querySelector('time[data-activity-id]')!.getAttribute('data-activity-id')
    const all = dom(await owner.client.html(`${base}/timeline`))
    expect(all.querySelector('#timeline-items')!.hasAttribute('data-live-filter')).toBe(false)
    const entries = [...all.querySelectorAll('#timeline-items > li')]
    for (const filter of ['notes', 'communications', 'tasks', 'changes']) {
      const page = dom(await owner.client.html(`${base}/timeline?type=${filter}`))
      expect(page.querySelector('#timeline-items')!.getAttribute('data-live-filter')).toBe(filter)
      const named = entries.filter((li) => li.getAttribute('data-filters')!.split(' ').includes(filter))
      expect(named.length).toBeGreaterThan(0)
      expect([...page.querySelectorAll('#timeline-items > li')].map(idOf)).toEqual(named.map(idOf))
    }
    for (let i = 0; i < 30; i++) await owner.client.post(`${base}/notes`, { body: `Note ${i}` })
    const first = await owner.client.html(`${base}/timeline`)
    const older = /href="([^"]+before=[^"#]+)#timeline" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&')
    const second = dom(await owner.client.html(older.replace(base, `${base}/timeline`)))
    const sink = second.querySelector('ol#timeline-items')!
    expect([sink.hasAttribute('hidden'), sink.getAttribute('data-live-filter'), textOf(sink)]).toEqual([
      true,
      'none',
      '',
    ])
    expect(second.querySelectorAll('#timeline li[data-activity-type]').length).toBeGreaterThan(0)
  })
})
