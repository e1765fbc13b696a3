import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { createDb } from '../src/db/client'
import { activities, leads } from '../src/db/schema'
import { createLead as createLeadDirect } from '../src/leads/create'
import { dom, textOf, texts } from './dom'
import { Client, createLead, env, errorFor, leadIds, signUp } from './helpers'

const db = () => createDb(env.DB)

describe('creating a lead', () => {
  it('saves the fields, writes a `created` activity and shows both on the lead page', async () => {
    const { client, slug } = await signUp()
    const id = await createLead(client, slug, {
      name: 'Grace Hopper',
      email: 'Grace@Navy.example',
      phone: '+1 555 0100',
      company: 'US Navy',
      source: 'Conference',
      status: 'qualified',
    })
    const html = await client.html(`/o/${slug}/leads/${id}`)
    const page = dom(html)
    expect(textOf(page.querySelector('main h1'))).toBe('Grace Hopper')
    const values = texts(html, 'dl.facts dd')
    const facts = texts(html, 'dl.facts dt').map((name, i) => [name, values[i]])
    expect(facts).toEqual(
      expect.arrayContaining([
        ['Email', 'Grace@Navy.example'],
        ['Phone', '+1 555 0100'],
        ['Company', 'US Navy'],
        ['Source', 'Conference'],
      ]),
    )
    expect(textOf(page.querySelector('#status-form select[name="status"] option[selected]'))).toBe('Qualified')
    expect(texts(html, '.assignees li')).toEqual(['Unassigned'])
    expect(texts(html, '#timeline li[data-activity-type="created"] > span')).toEqual(['Ana Owner created this lead'])
    const rows = await db().select().from(activities).where(eq(activities.leadId, id)).all()
    expect(rows.map((r) => r.type)).toEqual(['created'])
    const lead = await db().select().from(leads).where(eq(leads.id, id)).get()
    expect(lead?.emailNormalized).toBe('grace@navy.example')
  })

  it('re-renders the form with 422 and the reason for each bad field, saving nothing', async () => {
    const { client, slug } = await signUp()
    const res = await client.post(`/o/${slug}/leads`, {
      name: '  ',
      email: 'grace@',
      company: 'Kept Company',
      status: 'bogus',
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'name')).toBe('Enter the lead’s name')
    expect(errorFor(html, 'email')).toBe('Enter a valid email address')
    expect(errorFor(html, 'status')).toBe('Choose one of the listed statuses')
    expect(dom(html).querySelector('input[name="company"]')?.getAttribute('value')).toBe('Kept Company')
    expect(leadIds(await client.html(`/o/${slug}/leads`))).toEqual([])
    const valid = await createLead(client, slug, { name: 'Valid Lead', company: 'Kept Company' })
    expect(leadIds(await client.html(`/o/${slug}/leads`))).toEqual([valid])
  })

  it('escapes HTML typed into lead fields everywhere it is shown', async () => {
    const { client, slug } = await signUp()
    const id = await createLead(client, slug, {
      name: '<script>alert(1)</script>',
      company: '<img src=x onerror=alert(2)>',
    })
    for (const path of [`/o/${slug}/leads`, `/o/${slug}/leads/${id}`]) {
      const page = dom(await client.html(path))
      // Shown as text a person reads, never turned into elements.
      expect(textOf(page)).toContain('<script>alert(1)</script>')
      expect(textOf(page)).toContain('<img src=x onerror=alert(2)>')
      expect(page.querySelectorAll('main script, img[src="x"], [onerror]')).toHaveLength(0)
    }
  })

  it('answers 404 for a lead id that does not exist', async () => {
    const { client, slug } = await signUp()
    expect((await client.get(`/o/${slug}/leads/01890000-0000-7000-8000-000000000000`)).status).toBe(404)
  })
})

describe('the lead list', () => {
  async function orgWithLeads(count: number) {
    const { client, slug } = await signUp()
    const org = await db().query.organizations.findFirst({ where: (o, { eq }) => eq(o.slug, slug) })
    const member = await db().query.memberships.findFirst({ where: (m, { eq }) => eq(m.orgId, org!.id) })
    const viewer = {
      orgId: org!.id,
      userId: member!.userId,
      role: member!.role,
      poolEnabled: false,
      multipleAssignees: false,
    }
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      ids.push(
        await createLeadDirect(unitFor(env, { id: org!.id, name: org!.name, slug, database: 'DB' }, { viewer }), {
          name: `Lead ${String(i).padStart(3, '0')}`,
          email: `lead${i}@example.com`,
          phone: '',
          company: i % 2 ? 'Odd Corp' : 'Even Ltd',
          source: '',
          status: i % 3 === 0 ? 'won' : 'new',
        }),
      )
    }
    return { client, slug, ids: ids.reverse() } // newest first, as the list shows them
  }

  it('shows 50 leads a page, newest first, and pages through all of them with a cursor', async () => {
    const { client, slug, ids } = await orgWithLeads(120)
    const seen: string[] = []
    let path: string | null = `/o/${slug}/leads`
    while (path) {
      const html = await client.html(path)
      const page = leadIds(html)
      expect(page.length).toBeLessThanOrEqual(50)
      seen.push(...page)
      path = dom(html).querySelector('.pager a[rel="next"]')?.getAttribute('href') ?? null
    }
    expect(seen).toEqual(ids)
  })

  it('searches name, email and company and filters by status, keeping the filters across pages', async () => {
    const { client, slug } = await orgWithLeads(130)
    const odd = await client.html(`/o/${slug}/leads?q=odd%20corp`)
    expect(leadIds(odd)).toHaveLength(50)
    const next = dom(odd).querySelector('.pager a[rel="next"]')!.getAttribute('href')!
    expect(new URL(next, 'https://x.test').searchParams.get('q')).toBe('odd corp')
    expect(leadIds(await client.html(next))).toHaveLength(15)
    expect(leadIds(await client.html(`/o/${slug}/leads?q=lead7%40example`))).toHaveLength(1)
    expect(leadIds(await client.html(`/o/${slug}/leads?q=Lead%20012`))).toHaveLength(1)
    const won = await client.html(`/o/${slug}/leads?status=won&q=even`)
    // i % 3 === 0 and even: i = 0, 6, …, 126 → 22 leads
    expect(leadIds(won)).toHaveLength(22)
    const status = dom(won).querySelector('#lead-filters select[name="status"] option[selected]')
    expect(status?.getAttribute('value')).toBe('won')
  })

  it('treats % and _ in the search as plain characters', async () => {
    const { client, slug } = await orgWithLeads(3)
    expect(leadIds(await client.html(`/o/${slug}/leads?q=%25`))).toHaveLength(0)
    expect(leadIds(await client.html(`/o/${slug}/leads?q=_`))).toHaveLength(0)
    // A lead that has them is found by them, and only that lead.
    const literal = await createLead(client, slug, { name: '100% Pure_Co' })
    expect(leadIds(await client.html(`/o/${slug}/leads?q=%25`))).toEqual([literal])
    expect(leadIds(await client.html(`/o/${slug}/leads?q=_`))).toEqual([literal])
  })

  it('ignores unknown filter values instead of failing', async () => {
    const { client, slug } = await orgWithLeads(2)
    expect(leadIds(await client.html(`/o/${slug}/leads?status=nonsense`))).toHaveLength(2)
  })

  it('answers htmx requests for the results with the fragment only', async () => {
    const { client, slug } = await orgWithLeads(2)
    const res = await client.get(`/o/${slug}/leads?q=Lead`, { 'HX-Request': 'true', 'HX-Target': 'lead-results' })
    const html = await res.text()
    const fragment = dom(html)
    // Only the results: one element, the region htmx swaps, and no page around it.
    expect([...fragment.body.querySelectorAll(':scope > *')].map((el) => el.getAttribute('id'))).toEqual([
      'lead-results',
    ])
    expect(fragment.querySelectorAll('main, #lead-filters')).toHaveLength(0)
    expect(leadIds(html)).toHaveLength(2)
    // Without htmx: the whole page, its filters and its results.
    const whole = dom(await client.html(`/o/${slug}/leads?q=Lead`))
    expect(whole.querySelectorAll('main #lead-filters')).toHaveLength(1)
    expect(whole.querySelectorAll('main #lead-results')).toHaveLength(1)
  })

  it('sends a signed-out visitor to log in', async () => {
    const { slug } = await signUp()
    const res = await new Client().get(`/o/${slug}/leads`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe(`/login?next=${encodeURIComponent(`/o/${slug}/leads`)}`)
  })
})

describe('one lead per email address', () => {
  it('refuses a second lead with the same email in any case, linking the existing one', async () => {
    const { client, slug } = await signUp()
    const first = await createLead(client, slug, { name: 'Ana', email: 'ana@example.com' })
    const res = await client.post(`/o/${slug}/leads`, { name: 'Ana Again', email: 'ANA@Example.COM' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(errorFor(html, 'email')).toBe('A lead with this email address already exists.')
    const link = dom(html).querySelector(`main a[href="/o/${slug}/leads/${first}"]`)
    expect(textOf(link)).toBe('Ana')
  })
})

describe('search beyond ASCII', () => {
  it('matches accented and non-Latin names in any case, and refuses an over-long query with a message', async () => {
    const { client, slug } = await signUp()
    const id = await createLead(client, slug, { name: 'Renée Ærø', company: 'Ünïcode GmbH' })
    expect(leadIds(await client.html(`/o/${slug}/leads?q=${encodeURIComponent('RENÉE')}`))).toEqual([id])
    expect(leadIds(await client.html(`/o/${slug}/leads?q=${encodeURIComponent('üNÏCODE')}`))).toEqual([id])
    const long = await client.get(`/o/${slug}/leads?q=${'a'.repeat(5000)}`)
    expect(long.status).toBe(422)
    const html = await long.text()
    expect(textOf(dom(html).querySelector('[role="alert"]'))).toContain('Keep the search to 200 characters or fewer.')
    expect(leadIds(html)).toEqual([])
  })
})
