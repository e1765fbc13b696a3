/**
 * The LeadRoom Durable Object (src/collaboration/lead-room.ts): accepting viewers over hibernatable
 * WebSockets, presence, broadcasting, disconnecting who lost access, and the Worker's `/live` route
 * and catch-up from D1 (src/collaboration/routes.tsx).
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { LeadRoom, LeadSocket } from '../src/collaboration/lead-room'
import { ACCESS_ENDED, forwardUpgrade } from '../src/lib/websocket-room'
import { dom, textOf } from './dom'
import { createLead, env, joinAs, signUp } from './helpers'
import { listen, until } from './sockets'

/** A viewer connected to `stub` straight, as the Worker forwards them: their socket, messages, and how it closed. */
async function connect(stub: DurableObjectStub<LeadRoom>, userId: string, name: string) {
  const owner: LeadSocket = { orgId: 'o', userId, name, role: 'agent', sessionHash: `s-${userId}`, leadId: 'l' }
  return listen(
    await forwardUpgrade(stub, new Request('http://room/live', { headers: { Upgrade: 'websocket' } }), owner),
  )
}

function room(name: string) {
  return env.LEAD_ROOM.get(env.LEAD_ROOM.idFromName(name))
}

const presence = (messages: string[]) => messages.filter((m) => m.includes('id="presence"')).at(-1) ?? ''

describe('LeadRoom', () => {
  it('accepts viewers with the Hibernation API and tells each who else is here', async () => {
    const stub = room('accept')
    const ava = await connect(stub, 'u-ava', 'Ava Agent')
    const bo = await connect(stub, 'u-bo', 'Bo Li')
    await runInDurableObject(stub, (instance: LeadRoom, state) => {
      expect(state.getWebSockets()).toHaveLength(2)
      expect(state.getWebSockets('u-ava')).toHaveLength(1)
      expect(
        instance
          .viewers()
          .map((v) => v.name)
          .sort(),
      ).toEqual(['Ava Agent', 'Bo Li'])
    })
    await until(() => presence(ava.messages).includes('data-user-id="u-bo"'), 'Ava sees Bo')
    expect(presence(ava.messages)).toContain('Bo Li is here')
    expect(presence(ava.messages)).not.toContain('u-ava')
    expect(presence(ava.messages)).toContain('hx-swap-oob="true"')
    await until(() => presence(bo.messages).includes('data-user-id="u-ava"'), 'Bo sees Ava')
    expect(presence(bo.messages)).not.toContain('u-bo')
  })

  it('refuses a request that is not a WebSocket upgrade (426) or names no owner (400)', async () => {
    const stub = room('refuse')
    expect((await stub.fetch('http://room/live')).status).toBe(426)
    expect((await stub.fetch('http://room/live', { headers: { Upgrade: 'websocket' } })).status).toBe(400)
  })
})

describe('GET /o/{slug}/leads/{leadId}/live', () => {
  it('connects only people who can see the lead, broadcasts committed changes, and catches up from D1 without duplicates', async () => {
    const owner = await signUp('Live Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const bo = await joinAs(owner.client, owner.slug, 'agent', 'Bo Blind')
    const leadId = await createLead(owner.client, owner.slug, { name: 'Live Lead' })
    const base = `/o/${owner.slug}/leads/${leadId}`
    await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })
    const upgrade = { Upgrade: 'websocket' }
    expect((await bo.client.get(`${base}/live`, upgrade)).status).toBe(404)
    expect((await ava.client.get(`${base}/live`)).status).toBe(426)

    const { socket, messages } = listen(await ava.client.get(`${base}/live`, upgrade))

    await owner.client.post(`${base}/notes`, { body: 'First, while Ava watches' })
    await until(() => messages.some((m) => m.includes('First, while Ava watches')), 'the note arrives live')
    const live = messages.find((m) => m.includes('First, while Ava watches'))!
    const entry = dom(live).querySelector('ol[hx-swap-oob="afterbegin:#timeline-items"] > li')
    expect([entry?.getAttribute('data-activity-type'), textOf(entry?.querySelector('.note-body'))]).toEqual([
      'note_added',
      'First, while Ava watches',
    ])
    socket.close(1000, 'network dropped')

    // A change while Ava is away reaches nobody live; reconnecting reloads the timeline from D1.
    await owner.client.post(`${base}/notes`, { body: 'Second, while Ava is away' })
    const again = await ava.client.get(`${base}/live`, upgrade)
    expect(again.status).toBe(101)
    again.webSocket!.accept()
    const timeline = await ava.client.html(`${base}/timeline`)
    for (const text of ['First, while Ava watches', 'Second, while Ava is away']) {
      expect(timeline.split(text)).toHaveLength(2)
    }
    again.webSocket!.close(1000, 'done')
  })

  it('disconnects a viewer once they can no longer see the lead', async () => {
    const owner = await signUp('Live Co', 'Ana Owner')
    const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
    const leadId = await createLead(owner.client, owner.slug, { name: 'Taken Away' })
    const base = `/o/${owner.slug}/leads/${leadId}`
    await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })
    const { closed, messages } = listen(await ava.client.get(`${base}/live`, { Upgrade: 'websocket' }))
    // Ava loses every relation to the lead (a fixture: the assignment and its history removed).
    await env.DB.batch([
      env.DB.prepare('DELETE FROM lead_assignees WHERE lead_id = ?').bind(leadId),
      env.DB.prepare('DELETE FROM former_assignees WHERE lead_id = ?').bind(leadId),
    ])
    await owner.client.post(`${base}/notes`, { body: 'Not for Ava' })
    await until(() => closed.code === ACCESS_ENDED, 'Ava disconnected')
    expect(messages.some((m) => m.includes('Not for Ava'))).toBe(false)
  })
})
