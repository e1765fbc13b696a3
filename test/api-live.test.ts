/**
 * An API change goes live like a page's (src/api/publish.ts): the lead's open pages get its timeline entry, and the
 * organization's open lists are told which lead changed.
 */
import { describe, expect, it } from 'vitest'
import { apiClient, bodyOf, createKey } from './api-client'
import { dom, textOf } from './dom'
import { signUp } from './helpers'
import { listen, until } from './sockets'

const upgrade = { Upgrade: 'websocket' }

describe('API changes go live', () => {
  it('sends a note added over the API to the lead’s open page, and tells the open lists of its new lead', async () => {
    const owner = await signUp('Live API Co', 'Ana Owner')
    const api = apiClient(await createKey(owner.client, owner.slug, 'Zapier', ['read', 'write']))
    const lists = listen(await owner.client.get(`/o/${owner.slug}/live`, upgrade))
    const leadId = bodyOf(await api.createLead({ name: 'Nora Live', email: 'nora@example.com' })).id
    await until(() => lists.messages.some((m) => m.includes(leadId)), 'the open list is told of the new lead')

    const page = listen(await owner.client.get(`/o/${owner.slug}/leads/${leadId}/live`, upgrade))
    expect((await api.addNote(leadId, { body: 'Asked for pricing over the API' })).status).toBe(201)
    const noted = () => page.messages.some((m) => textOf(dom(m).body).includes('Asked for pricing over the API'))
    await until(noted, 'the lead’s open page receives the note')
    for (const s of [lists.socket, page.socket]) s.close(1000, 'done')
  })
})
