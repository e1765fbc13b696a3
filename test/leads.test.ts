import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { unitFor } from '../src/access/unit'
import { createDb } from '../src/db/client'
import { activities, leads } from '../src/db/schema'
import { createLead as createLeadDirect } from '../src/leads/create'
import { dom } from './dom'
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
    for (const text of [
      'Grace Hopper',
      'Grace@Navy.example',
      '+1 555 0100',
      'US Navy',
      'Conference',
      'Qualified',
      'Unassigned',
    ]) {
      expect(html).toContain(text)
    }
    expect(html).toMatch(/<section id="timeline"/)
    expect(html).toMatch(/<li data-activity-type="created"><span>Ana Owner created this lead<\/span>/)
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
    expect(html).toContain('value="Kept Company"')
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
      const html = await client.html(path)
      expect(html).not.toContain('<script>alert(1)')
      expect(html).not.toContain('<img src=x')
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;')
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
        await createLeadDirect(unitFor(env, { id: org!.id, name: org!.name, slug }, { viewer }), {
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
      const next = /href="([^"]+)"[^>]*rel="next"/.exec(html)
      path = next ? next[1]!.replaceAll('&amp;', '&') : null
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
    expect(html.startsWith('<div id="lead-results">')).toBe(true)
    expect(html).not.toContain('<html')
    expect(leadIds(html)).toHaveLength(2)
    expect(await client.html(`/o/${slug}/leads?q=Lead`)).toContain('<html') // without htmx: the whole page
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
    expect(html).toContain(`href="/o/${slug}/leads/${first}"`)
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
    expect(html).toContain('Keep the search to 200 characters or fewer.')
    expect(leadIds(html)).toEqual([])
  })
})
