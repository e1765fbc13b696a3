// A refused settings-like form (settings, preferences, import mapping) shows again exactly what was sent:
// every box ticked or unticked as it was, not as saved.
import { describe, expect, it } from 'vitest'
import { addMembers } from './concurrency'
import { dom, textOf } from './dom'
import { formFields, signUp } from './helpers'

describe('a refused settings-like form keeps its boxes as sent', () => {
  it('settings: the boxes ticked (and unticked) stay so beside the refused hours', async () => {
    const { client, slug } = await signUp('Kept Boxes Co', 'Kim Owner')
    const refused = await client.post(`/o/${slug}/settings`, {
      multipleAssignees: '1',
      poolEnabled: '1',
      handoffAckHours: '-5',
    })
    expect(refused.status).toBe(422)
    const html = await refused.text()
    expect(textOf(dom(html).querySelector('[data-error-for="handoffAckHours"]'))).toBe('At least 1 hour')
    const fields = formFields(html, 'settings-form')
    expect(fields.get('multipleAssignees')).toBe('1')
    expect(fields.get('poolEnabled')).toBe('1')
    expect(fields.get('handoffNoteRequired')).toBeNull()
    expect(fields.get('handoffAckHours')).toBe('-5')
    // Saved on, unticked in a refused save: shown unticked.
    expect((await client.post(`/o/${slug}/settings`, { poolEnabled: '1', handoffAckHours: '24' })).status).toBe(303)
    const unticked = await client.post(`/o/${slug}/settings`, { handoffAckHours: '0' })
    expect(unticked.status).toBe(422)
    expect(formFields(await unticked.text(), 'settings-form').get('poolEnabled')).toBeNull()
  })

  it('preferences: every channel box and the pause as sent, beside a refused digest hour', async () => {
    const { client, slug } = await signUp('Kept Prefs Co', 'Kim Owner')
    const page = await client.html(`/o/${slug}/preferences`)
    const form = formFields(page, 'preferences-form')
    const names = [...form.keys()].filter((k) => k.startsWith('inApp_') || k.startsWith('email_'))
    expect(names.length).toBeGreaterThan(2)
    // Untick every channel, pause email, and send an hour that is not offered.
    const sent = new URLSearchParams({ emailPaused: '1', digestHour: '25' })
    const refused = await client.request(`/o/${slug}/preferences`, { method: 'POST', body: sent })
    expect(refused.status).toBe(422)
    const html = await refused.text()
    const shown = formFields(html, 'preferences-form')
    expect(shown.get('emailPaused')).toBe('1')
    expect([...shown.keys()].filter((k) => k.startsWith('inApp_') || k.startsWith('email_'))).toEqual([])
  })

  it('import mapping: "Update existing leads" and the routing stay as sent when the form is refused', async () => {
    const { client, slug } = await signUp('Kept Import Co', 'Kim Owner')
    const upload = await client.upload(
      `/o/${slug}/leads/import`,
      'crm.csv',
      'Name,Email,Status\nAda,ada@example.com,hot\n',
    )
    expect(upload.status).toBe(303)
    const path = upload.headers.get('Location')!
    const fields = formFields(await client.html(path), 'import-mapping')
    fields.set('updateEmpty', '1')
    fields.set('routing', 'pool')
    fields.set('statusFor', 'no-such-status')
    const refused = await client.request(path, { method: 'POST', body: fields })
    expect(refused.status).toBe(422)
    const shown = formFields(await refused.text(), 'import-mapping')
    expect(shown.get('updateEmpty')).toBe('1')
    expect(shown.get('routing')).toBe('pool')
  })
})

describe('a refused pool settings form', () => {
  it('keeps the members ticked for the rotation beside the refused number', async () => {
    const { client, slug } = await signUp('Kept Rotation Co', 'Kim Owner')
    const [ann, bob, cy] = await addMembers(slug, 3)
    const body = new URLSearchParams({ routing: 'round_robin', poolClaimCap: 'lots' })
    for (const id of [ann!, cy!]) body.append('routingMemberIds', id)
    const refused = await client.request(`/o/${slug}/settings/pool`, { method: 'POST', body })
    expect(refused.status).toBe(422)
    const page = dom(await refused.text())
    expect(textOf(page.querySelector('[data-error-for="poolClaimCap"]'))).toBe('Enter the cap as a whole number')
    const ticked = (id: string) => page.querySelector(`input[data-routing-member="${id}"]`)?.hasAttribute('checked')
    expect([ann!, bob!, cy!].map(ticked)).toEqual([true, false, true])
  })
})
