/**
 * A lead's changes go live to the people viewing it (src/collaboration/publish.ts, live.tsx, lead-room.ts): every
 * kind of post on a lead, and a bulk action, reaches the viewers with its timeline entry; a change to its notes,
 * tasks or communications makes that list reload (each viewer loads it as they may see it); whoever loses access is
 * disconnected, at once for a change on that lead, at the room's next re-check for changes made elsewhere (role,
 * deactivation, pool setting).
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { LeadRoom } from '../src/collaboration/lead-room'
import { ACCESS_ENDED, RECHECK_MS } from '../src/lib/websocket-room'
import { dom, texts } from './dom'
import { type Client, createLead, env, joinAs, signUp } from './helpers'
import { listen, until } from './sockets'

/** `client` viewing the lead at `base` live: every message it receives, and how its socket closed. */
async function watch(client: Client, base: string) {
  return listen(await client.get(`${base}/live`, { Upgrade: 'websocket' }))
}

const stubOf = (leadId: string) => env.LEAD_ROOM.get(env.LEAD_ROOM.idFromName(leadId))

/** An organization with an Owner, an Admin (who always keeps access), two Agents, and a lead. */
async function team() {
  const owner = await signUp('Live Changes Co', 'Ana Owner')
  const { slug } = owner
  const ada = await joinAs(owner.client, slug, 'admin', 'Ada Admin')
  const gus = await joinAs(owner.client, slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, slug, 'agent', 'Hal Agent')
  const leadId = await createLead(owner.client, slug, { name: 'Watched Lead', email: 'watched@example.com' })
  return { owner, slug, ada, gus, hal, leadId, base: `/o/${slug}/leads/${leadId}` }
}

describe('every post on a lead goes live to its viewers', () => {
  it('status, edit, note, communication, task, assignment, transfer, unassignment, pool, archive, restore', async () => {
    const t = await team()
    const ada = await watch(t.ada.client, t.base)
    const actions: { path: string; form?: Record<string, string>; type: string; reloads?: string }[] = [
      { path: 'status', form: { status: 'contacted', reason: 'Called back' }, type: 'status_changed' },
      { path: 'edit', form: { name: 'Renamed Lead', email: 'watched@example.com' }, type: 'lead_edited' },
      { path: 'notes', form: { body: 'Ready to talk' }, type: 'note_added', reloads: 'notes' },
      {
        path: 'communications',
        form: { kind: 'call', direction: 'outbound', summary: 'Rang them', occurredAt: '2026-11-30T10:00' },
        type: 'communication_logged',
        reloads: 'communications',
      },
      {
        path: 'tasks',
        form: { title: 'Send the quote', dueDate: '2026-12-02', assigneeId: t.ada.userId },
        type: 'task_created',
        reloads: 'tasks',
      },
      { path: 'assign', form: { assigneeId: t.gus.userId }, type: 'assigned' },
      { path: 'assign', form: { assigneeId: t.hal.userId, note: 'Hal speaks Spanish' }, type: 'transferred' },
      { path: 'assign', form: { assigneeId: '' }, type: 'unassigned' },
      { path: 'pool', form: { inPool: '1' }, type: 'moved_to_pool' },
      { path: 'archive', type: 'archived' },
      { path: 'restore', type: 'restored' },
    ]
    for (const action of actions) {
      const before = ada.messages.length
      const res = await t.owner.client.post(`${t.base}/${action.path}`, action.form ?? {})
      expect(res.status, `${action.path}: ${await res.clone().text()}`).toBeLessThan(400)
      const arrived = () => ada.messages.slice(before).find((m) => m.includes(`data-activity-type="${action.type}"`))
      await until(() => arrived() !== undefined, `${action.type} arrives live`)
      expect(arrived()).toContain('hx-swap-oob="afterbegin:#timeline-items"')
      // Only a change to notes, tasks or communications asks the page to reload that list.
      const reload = /hx-target="#(\w+)-items"/.exec(arrived()!)?.[1]
      expect(reload, action.type).toBe(action.reloads)
    }
    expect(ada.closed.code).toBeUndefined()
    ada.socket.close(1000, 'done')
  })

  it('completing a task from My tasks reloads the lead page’s tasks for its viewers', async () => {
    const t = await team()
    await t.owner.client.post(`${t.base}/tasks`, { title: 'Call', dueDate: '2026-12-02', assigneeId: t.ada.userId })
    const taskId = (await env.DB.prepare('SELECT id FROM tasks WHERE lead_id = ?')
      .bind(t.leadId)
      .first<{ id: string }>())!.id
    const owner = await watch(t.owner.client, t.base)
    expect((await t.ada.client.post(`/o/${t.slug}/tasks/${taskId}/complete?from=tasks`)).status).toBe(303)
    const done = () => owner.messages.find((m) => m.includes('data-activity-type="task_completed"'))
    await until(() => done() !== undefined, 'the completion arrives live')
    // The lead page is asked to reload its Tasks list.
    expect(dom(done()!).querySelector(`[hx-get="${t.base}/tasks"]`)).not.toBeNull()
    owner.socket.close(1000, 'done')
  })

  it('a note reaches the Notes section of another viewer, loaded as they may see it, the note box left alone', async () => {
    const t = await team()
    const ada = await watch(t.ada.client, t.base)
    await t.owner.client.post(`${t.base}/notes`, { body: 'Spoke to their buyer @Ada Admin' })
    const arrived = () => ada.messages.find((m) => m.includes('data-activity-type="note_added"'))
    await until(() => arrived() !== undefined, 'the note arrives live')
    // The page is asked to reload its notes list only: the form with the note box is outside it.
    const reload = dom(arrived()!).querySelector(`[hx-get="${t.base}/notes"]`)
    expect(reload?.getAttribute('hx-target')).toBe('#notes-items')
    const page = dom(await t.ada.client.html(t.base))
    const items = page.querySelector('#notes-items')!
    expect(items.closest('section#notes')).not.toBeNull()
    expect(items.querySelector('textarea, form')).toBeNull()
    const notes = await (await t.ada.client.get(`${t.base}/notes`, { 'HX-Request': 'true' })).text()
    expect(notes).toMatch(/^<div id="notes-items"/)
    expect(texts(notes, '#notes-items li')).toEqual([
      expect.stringMatching(/^Ana Owner .*Spoke to their buyer @Ada Admin$/),
    ])
    ada.socket.close(1000, 'done')
  })

  it('a bulk action’s entries reach the viewers of the leads it changed, after the answer', async () => {
    const t = await team()
    const other = await createLead(t.owner.client, t.slug, { name: 'Other Lead', email: 'other@example.com' })
    const ada = await watch(t.ada.client, t.base)
    const body = new URLSearchParams([
      ['leadIds', t.leadId],
      ['leadIds', other],
      ['assigneeId', t.gus.userId],
    ])
    const res = await t.owner.client.request(`/o/${t.slug}/leads/bulk-assign`, { method: 'POST', body })
    expect(res.status).toBe(200)
    const arrived = () => ada.messages.find((m) => m.includes('data-activity-type="assigned"'))
    await until(() => arrived() !== undefined, 'the bulk assignment arrives live')
    expect(arrived()).toContain('Gus Agent')
    // The lead page's "Assigned to" section reloads itself; only this lead's entry is sent to its room.
    expect(dom(arrived()!).querySelector(`[hx-get="${t.base}/assignment"]`)).not.toBeNull()
    expect(ada.messages.filter((m) => m.includes('data-activity-type'))).toHaveLength(1)
    ada.socket.close(1000, 'done')
  })

  it('a refused post and a post that changes nothing send no entry', async () => {
    const t = await team()
    const ada = await watch(t.ada.client, t.base)
    expect((await t.owner.client.post(`${t.base}/notes`, { body: '' })).status).toBe(422)
    expect((await t.owner.client.post(`${t.base}/status`, { status: 'new' })).status).toBe(303)
    await t.owner.client.post(`${t.base}/notes`, { body: 'The one that counts' })
    await until(() => ada.messages.some((m) => m.includes('The one that counts')), 'the note arrives')
    const entries = ada.messages.filter((m) => m.includes('data-activity-type'))
    expect(entries).toHaveLength(1)
    ada.socket.close(1000, 'done')
  })
})

describe('the live lists', () => {
  it('answer htmx with the list as the viewer may see it, send a reload of their address to the lead page, and hide from outsiders', async () => {
    const t = await team()
    await t.owner.client.post(`${t.base}/tasks`, {
      title: 'Prepare demo',
      dueDate: '2026-12-03',
      assigneeId: t.ada.userId,
    })
    await t.owner.client.post(`${t.base}/communications`, {
      kind: 'email',
      direction: 'inbound',
      summary: 'Asked for prices',
      occurredAt: '2026-11-30T09:15',
    })
    const htmx = { 'HX-Request': 'true' }
    const tasks = await t.ada.client.get(`${t.base}/tasks`, htmx)
    expect(tasks.status).toBe(200)
    const tasksHtml = await tasks.text()
    expect(tasksHtml).toMatch(/^<ul class="tasks" id="tasks-items"/)
    expect(texts(tasksHtml, '#tasks-items li')).toEqual([expect.stringMatching(/^Prepare demo · due /)])
    const comms = await (await t.ada.client.get(`${t.base}/communications`, htmx)).text()
    expect(comms).toMatch(/^<ul class="communications" id="communications-items"/)
    expect(comms).toContain('Asked for prices')
    // The Admin may edit anyone's communication; an Agent who can see the lead only their own.
    expect(comms).toContain('/edit')
    await t.owner.client.post(`${t.base}/assign`, { assigneeId: t.gus.userId })
    expect(await (await t.gus.client.get(`${t.base}/communications`, htmx)).text()).not.toContain('/edit')
    for (const [section, anchor] of [
      ['tasks', 'tasks'],
      ['communications', 'communications'],
      ['notes', 'notes'],
    ]) {
      const res = await t.ada.client.get(`${t.base}/${section}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('Location')).toBe(`${t.base}#${anchor}`)
      expect((await t.hal.client.get(`${t.base}/${section}`, htmx)).status).toBe(404)
    }
  })
})

describe('who loses access is disconnected', () => {
  it('at once when another Agent claims the pool lead they are both viewing', async () => {
    const t = await team()
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '1' })
    await t.owner.client.post(`${t.base}/pool`, { inPool: '1' })
    const gus = await watch(t.gus.client, t.base)
    const hal = await watch(t.hal.client, t.base)
    expect((await t.gus.client.post(`${t.base}/claim`)).status).toBe(303)
    await until(() => hal.closed.code === ACCESS_ENDED, 'Hal disconnected')
    expect(hal.messages.some((m) => m.includes('data-activity-type="claimed"'))).toBe(false)
    await until(() => gus.messages.some((m) => m.includes('data-activity-type="claimed"')), 'Gus sees his claim')
    expect(gus.closed.code).toBeUndefined()
    gus.socket.close(1000, 'done')
  })

  it('at once when an Owner assigns, or takes out of the pool, a pool lead an Agent is viewing', async () => {
    const t = await team()
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '1' })
    const second = await createLead(t.owner.client, t.slug, { name: 'Second Pool Lead' })
    for (const [leadId, change] of [
      [t.leadId, { path: 'assign', form: { assigneeId: t.gus.userId } }],
      [second, { path: 'pool', form: { inPool: '' } }],
    ] as const) {
      const base = `/o/${t.slug}/leads/${leadId}`
      await t.owner.client.post(`${base}/pool`, { inPool: '1' })
      const hal = await watch(t.hal.client, base)
      expect((await t.owner.client.post(`${base}/${change.path}`, change.form)).status).toBe(303)
      await until(() => hal.closed.code === ACCESS_ENDED, `Hal disconnected after ${change.path}`)
    }
  })

  it('at the room’s next re-check after a role change, a deactivation or the pool closing to Agents', async () => {
    const t = await team()
    const hal = await joinAs(t.owner.client, t.slug, 'admin', 'Hal Admin')
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '1' })
    await t.owner.client.post(`${t.base}/pool`, { inPool: '1' })
    const watchers = {
      ada: await watch(t.ada.client, t.base),
      hal: await watch(hal.client, t.base),
      gus: await watch(t.gus.client, t.base),
      owner: await watch(t.owner.client, t.base),
    }
    const stub = stubOf(t.leadId)
    await runInDurableObject(stub, async (_room: LeadRoom, state) => {
      const alarm = await state.storage.getAlarm()
      expect(alarm).not.toBeNull()
      expect(alarm! - Date.now()).toBeLessThanOrEqual(RECHECK_MS)
    })
    // Three changes made off the lead: none of them is announced to its room.
    await t.owner.client.post(`/o/${t.slug}/team/${hal.userId}/role`, { role: 'agent' })
    await t.owner.client.post(`/o/${t.slug}/team/${t.ada.userId}/deactivate`)
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '' })
    await runDurableObjectAlarm(stub)
    for (const who of ['ada', 'hal', 'gus'] as const) {
      await until(() => watchers[who].closed.code === ACCESS_ENDED, `${who} disconnected`)
    }
    expect(watchers.owner.closed.code).toBeUndefined()
    await until(() => !watchers.owner.messages.at(-1)!.includes('is here'), 'the Owner sees nobody else here')
    // The Owner is still here: the room keeps checking; once the last viewer leaves, it stops.
    await runInDurableObject(stub, async (_room: LeadRoom, state) => {
      expect(await state.storage.getAlarm()).not.toBeNull()
    })
    watchers.owner.socket.close(1000, 'done')
    await until(() => watchers.owner.closed.code !== undefined, 'closed')
    await runDurableObjectAlarm(stub)
    await runInDurableObject(stub, async (_room: LeadRoom, state) => {
      expect(await state.storage.getAlarm()).toBeNull()
    })
  })
})
