/**
 * A refused post answers with the page its route's declaration names (docs/ARCHITECTURE.md "One error type for
 * refusals"; src/views/refusal-page.ts), never with an error page it fell back to: every post on a lead the app
 * mounts, read from the router (a route added later is walked too), refused for its Agent assignee, shows the lead
 * page (or the edit page it names); a claim sent from the pool shows the pool; an assignment from a list row's
 * menu (htmx) shows the row.
 */
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { dom, textOf, type Page } from './dom'
import { createLead, joinAs, signUp } from './helpers'

/** The lead-page forms' posts, as the router lists them (`/o/:slug/leads/:leadId/...`). */
const leadPosts = [
  ...new Set(
    buildApp()
      .routes.filter((r) => r.method === 'POST' && r.path.startsWith('/o/:slug/leads/:leadId/'))
      .map((r) => r.path),
  ),
]

/** The routes on a lead whose refusals name another page than the lead page: the heading that page shows. */
const OWN_PAGES: Record<string, string> = {
  '/o/:slug/leads/:leadId/edit': 'Edit lead',
  '/o/:slug/leads/:leadId/communications/:communicationId': 'Edit communication',
}

/** The heading of the page: the lead page's is the lead's name, beside its facts. */
function shownPage(page: Page): string {
  const lead = page.querySelector('.lead-grid h1')
  return lead ? `lead page: ${textOf(lead)}` : textOf(page.querySelector('main h1'))
}

describe('the page of a refused post', () => {
  it('every post on a lead, refused, shows the lead page or the page its route names', async () => {
    const owner = await signUp('Refusal Pages Co', 'Olive Owner')
    const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
    let refused = 0
    for (const pattern of leadPosts) {
      const name = `Rita ${refused + 1}`
      const leadId = await createLead(owner.client, owner.slug, { name })
      const assigned = await owner.client.post(`/o/${owner.slug}/leads/${leadId}/assign`, { assigneeId: gus.userId })
      expect(assigned.status).toBe(303)
      const path = pattern
        .replace(':slug', owner.slug)
        .replace(':leadId', leadId)
        .replace(':userId', gus.userId)
        .replace(/:\w+(\{[^}]*\})?/g, '0190f0f0-0000-7000-8000-000000000000')
      // An empty form from the Agent who has the lead: refused (403, 409, 422) by most, done by some, 404 by those
      // whose other row does not exist (a 404 is never softened into a page).
      const res = await gus.client.post(path)
      if (res.status < 400 || res.status === 404) continue
      refused++
      const expected = OWN_PAGES[pattern] ?? `lead page: ${name}`
      expect(shownPage(dom(await res.text())), `${pattern} answered ${res.status}`).toBe(expected)
    }
    // Most of them refuse an empty form: the walk saw the pages it checks.
    expect(refused).toBeGreaterThanOrEqual(10)
  })

  it('a claim shows on the pool when sent from it, else on the lead page', async () => {
    const owner = await signUp('Refused Claims Co', 'Olive Owner')
    const leadId = await createLead(owner.client, owner.slug, { name: 'Nadia Notpooled' })
    const fromPool = await owner.client.post(`/o/${owner.slug}/leads/${leadId}/claim?from=pool`)
    expect(fromPool.status).toBe(409)
    expect(shownPage(dom(await fromPool.text()))).toBe('Pool')
    const fromLead = await owner.client.post(`/o/${owner.slug}/leads/${leadId}/claim`)
    expect(fromLead.status).toBe(409)
    expect(shownPage(dom(await fromLead.text()))).toBe('lead page: Nadia Notpooled')
  })

  it("an assignment from a list row's menu (htmx) shows the row, its menu open with the reason", async () => {
    const owner = await signUp('Refused Rows Co', 'Olive Owner')
    const leadId = await createLead(owner.client, owner.slug, { name: 'Rowan Row' })
    const unknown = '0190f0f0-0000-7000-8000-000000000000'
    const res = await owner.client.post(
      `/o/${owner.slug}/leads/${leadId}/assign`,
      { from: 'list', assigneeId: unknown },
      { 'HX-Request': 'true' },
    )
    expect(res.status).toBeGreaterThanOrEqual(400)
    const page = dom(await res.text())
    expect(page.querySelector(`tr[data-lead-id="${leadId}"]`)).not.toBeNull()
    expect(page.querySelector('.lead-grid')).toBeNull()
  })
})
