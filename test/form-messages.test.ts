// Form messages: every field's message at once on the new-lead form (a taken email beside a too-long
// company), and messages addressed to the person who reads them (the invitee's address, the web form's visitor).
import { describe, expect, it } from 'vitest'
import { Client, createLead, env, errorFor, signUp } from './helpers'

describe('the new-lead form shows every field’s message at once', () => {
  it('a too-long company and a taken email: both messages, and the link to the lead that has the email', async () => {
    const { client, slug } = await signUp('All Errors Co')
    const existing = await createLead(client, slug, { name: 'First Ada', email: 'ada@example.com' })
    const res = await client.post(`/o/${slug}/leads`, {
      name: 'Second Ada',
      email: 'ADA@example.com',
      company: 'c'.repeat(201),
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'company')).toBe('Keep the company to 200 characters or fewer.')
    expect(errorFor(html, 'email')).toBe('A lead with this email address already exists.')
    expect(html).toContain(`href="/o/${slug}/leads/${existing}"`)
    // What was typed is all still there.
    expect(html).toContain('value="Second Ada"')
    expect(html).toContain('value="ADA@example.com"')
  })

  it('a free email beside a refused field gets no message of its own', async () => {
    const { client, slug } = await signUp('Free Email Co')
    const html = await (await client.post(`/o/${slug}/leads`, { name: '', email: 'free@example.com' })).text()
    expect(errorFor(html, 'name')).toBe('Enter the lead’s name')
    expect(errorFor(html, 'email')).toBeNull()
  })
})

describe('messages speak to the person reading them', () => {
  it('the invitation form left empty asks for the invitee’s address, not “your” address', async () => {
    const { client, slug } = await signUp('Invite Words Co')
    const res = await client.post(`/o/${slug}/team/invitations`, { email: '', role: 'agent' })
    expect(res.status).toBe(422)
    expect(errorFor(await res.text(), 'email')).toBe('Enter the email address of the person to invite')
  })

  it('the web form asks its visitor for their own name, not “the lead’s”', async () => {
    const { client, slug } = await signUp('Visitor Words Co')
    expect((await client.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
    const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
      .bind(slug)
      .first<{ form_key: string }>()
    const res = await new Client().request(`/f/${row!.form_key}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ name: '', email: 'visitor@example.com' }),
    })
    expect(res.status).toBe(422)
    const text = await res.text()
    expect(text).toContain('Enter your name')
    expect(text).not.toContain('lead’s')
  })
})
