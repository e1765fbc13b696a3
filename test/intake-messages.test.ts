/**
 * The message a visitor sends with the web form or the API is read on the lead's page: in the timeline entry of
 * the submission (as text, line breaks kept) and under the Notes filter; a message for an archived lead restores it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { takeInLead } from '../src/intake/leads'
import { leadRouter } from '../src/leads/routing'
import { addMembers, responsesInParallel, rows } from './concurrency'
import { dom, textOf, type Node } from './dom'
import { Client, env, signUp } from './helpers'

const visitor = () => new Client()

/** Gives the organization a form key through the settings page; returns the form's path. */
async function webForm(owner: Client, slug: string): Promise<string> {
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const [row] = await rows<{ form_key: string }>('SELECT form_key FROM organizations WHERE slug = ?', slug)
  return `/f/${row!.form_key}`
}

/** A new API key of the organization, read from the page that shows it once. */
async function apiKey(owner: Client, slug: string): Promise<string> {
  const res = await owner.post(`/o/${slug}/settings/api-keys`, {
    name: 'Messages',
    scope_read: '1',
    scope_write: '1',
    scope_assign: '1',
  })
  expect(res.status).toBe(201)
  return textOf(dom(await res.text()).querySelector('[data-api-key]'))
}

const postApi = (key: string, body: unknown) =>
  visitor().request('/api/v1/leads', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })

async function leadIdOf(email: string): Promise<string> {
  const [row] = await rows<{ id: string }>('SELECT id FROM leads WHERE email_normalized = ?', email.toLowerCase())
  return row!.id
}

/** The timeline entries of lead `leadId`'s page (`?type=notes`: the Notes filter), newest first. */
async function entries(owner: Client, slug: string, leadId: string, query = ''): Promise<Node[]> {
  const page = dom(await owner.html(`/o/${slug}/leads/${leadId}${query}`))
  return [...page.querySelectorAll('#timeline li[data-activity-type]')]
}

/** An entry's sentence and the message shown with it, exactly as written (line breaks kept), or null. */
const shown = (entry: Node) => ({
  type: entry.getAttribute('data-activity-type'),
  sentence: textOf(entry.querySelector('span')),
  message: entry.querySelector('[data-message]')?.textContent ?? null,
  markup: entry.querySelector('[data-message] *') !== null,
})

/** Messages of a few lines of words that include markup, entities, quotes and non-ASCII text. */
const message = fc
  .array(
    fc
      .array(
        fc.constantFrom(
          'Hello',
          '<b>bold</b>',
          '&amp;',
          '"quoted"',
          "it's",
          'Ünïcode',
          '日本語',
          '😀',
          '</blockquote>',
        ),
        {
          minLength: 1,
          maxLength: 5,
        },
      )
      .map((words) => words.join(' ')),
    { minLength: 1, maxLength: 4 },
  )
  .map((lines) => lines.join('\n'))

describe('the message sent with a lead', () => {
  it('shows on the lead page as text, line breaks kept, from the form and again from the API', async () => {
    const { client: owner, slug } = await signUp('Message Org')
    const form = await webForm(owner, slug)
    const key = await apiKey(owner, slug)
    let n = 0
    await fc.assert(
      fc.asyncProperty(message, message, async (first, second) => {
        const email = `message.${++n}@example.com`
        expect((await visitor().post(form, { name: 'Dana Visitor', email, message: first })).status).toBe(303)
        expect((await postApi(key, { name: 'Dana Visitor', email, message: second })).status).toBe(200)
        const leadId = await leadIdOf(email)
        const expected = [
          {
            type: 'submitted_again',
            sentence: 'Messages sent this lead again through the API with a message',
            message: `Message: ${second}`,
            markup: false,
          },
          { type: 'created', sentence: 'The web form created this lead', message: `Message: ${first}`, markup: false },
        ]
        expect((await entries(owner, slug, leadId)).map(shown).filter((e) => e.message)).toEqual(expected)
        expect((await entries(owner, slug, leadId, '?type=notes')).map(shown)).toEqual(expected)
      }),
      { numRuns: 5 },
    )
  })

  it('names the API key that created a lead, and the web form for a visitor', async () => {
    const { client: owner, slug } = await signUp('Creator Org')
    const key = await apiKey(owner, slug)
    expect((await postApi(key, { name: 'Ada Api', email: 'ada.api@example.com' })).status).toBe(201)
    expect(
      (await visitor().post(await webForm(owner, slug), { name: 'Fay Form', email: 'fay@example.com' })).status,
    ).toBe(303)
    const created = async (email: string) =>
      (await entries(owner, slug, await leadIdOf(email))).map(shown).find((e) => e.type === 'created')?.sentence
    expect(await created('ada.api@example.com')).toBe('Messages created this lead through the API')
    expect(await created('fay@example.com')).toBe('The web form created this lead')
  })

  it('restores an archived lead once when messages for it arrive at the same time, and shows them', async () => {
    const { client: owner, slug } = await signUp('Archived Message Org')
    const form = await webForm(owner, slug)
    const key = await apiKey(owner, slug)
    const email = 'archived.visitor@example.com'
    expect((await visitor().post(form, { name: 'Ari Visitor', email })).status).toBe(303)
    const leadId = await leadIdOf(email)
    expect((await owner.post(`/o/${slug}/leads/${leadId}/archive`)).status).toBe(303)
    const answers = await responsesInParallel(3, (i) =>
      i === 0
        ? visitor().post(form, { name: 'Ari Visitor', email, message: 'Form\nagain' })
        : postApi(key, { name: 'Ari Visitor', email, message: `API ${i}` }),
    )
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 303])
    const list = dom(await owner.html(`/o/${slug}/leads`))
    expect(textOf(list)).toContain('Ari Visitor')
    const timeline = (await entries(owner, slug, leadId)).map(shown)
    const restores = timeline.filter((e) => e.type === 'restored').map((e) => e.sentence)
    expect(restores).toHaveLength(1)
    expect(restores[0]).toMatch(
      /^(The web form|Messages) restored this lead from the archive( through the API)?: its person wrote again$/,
    )
    expect(timeline.flatMap((e) => (e.message ? [e.message] : [])).sort()).toEqual(
      ['Message: API 1', 'Message: API 2', 'Message: Form\nagain'].sort(),
    )
    // The restore is older than the message that caused it.
    const restoredAt = timeline.findIndex((e) => e.type === 'restored')
    expect(timeline.slice(0, restoredAt).some((e) => e.type === 'submitted_again')).toBe(true)
  })

  it('restores once when submissions for an archived lead are taken in side by side', async () => {
    const { client: owner, slug } = await signUp('Side By Side Org')
    const form = await webForm(owner, slug)
    const email = 'side.by.side@example.com'
    expect((await visitor().post(form, { name: 'Sid Visitor', email })).status).toBe(303)
    const leadId = await leadIdOf(email)
    expect((await owner.post(`/o/${slug}/leads/${leadId}/archive`)).status).toBe(303)
    const [org] = await rows<{ id: string; name: string; slug: string; database: string }>(
      'SELECT id, name, slug, database FROM organizations WHERE slug = ?',
      slug,
    )
    const input = { name: 'Sid Visitor', email, phone: '', company: '', source: '', message: 'Side by side' }
    await Promise.all([1, 2, 3].map(() => takeInLead(unitFor(env, org!), leadRouter(env), input, 'api')))
    const timeline = (await entries(owner, slug, leadId)).map(shown)
    expect(timeline.filter((e) => e.type === 'restored')).toHaveLength(1)
    expect(timeline.filter((e) => e.message === 'Message: Side by side')).toHaveLength(3)
  })

  it('is in the email telling the member routing gave the new lead to', async () => {
    const { client: owner, slug } = await signUp('Routed Message Org')
    const [memberId] = await addMembers(slug, 1)
    const body = new URLSearchParams({ routing: 'round_robin', poolClaimCap: '0', routingMemberIds: memberId! })
    expect((await owner.request(`/o/${slug}/settings/pool`, { method: 'POST', body })).status).toBe(303)
    const form = await webForm(owner, slug)
    const sent = 'Hello <b>team</b>\nplease call — Ünïcode'
    const res = await visitor().post(form, { name: 'Rita Visitor', email: 'rita@example.com', message: sent })
    expect(res.status).toBe(303)
    const [mail] = await rows<{ html: string }>(
      `SELECT o.html FROM email_outbox o JOIN users u ON u.email = o."to" WHERE u.id = ? AND o.kind = 'assigned'`,
      memberId,
    )
    const paragraphs = [...dom(mail!.html).querySelectorAll('p')].map((p) => p.textContent ?? '')
    expect(paragraphs).toContain(`The message sent with the lead: ${sent}`)
  })
})
