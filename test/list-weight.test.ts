/**
 * The lead list's weight and its round trips to D1 (BENCHMARKS.md "Page weight" and "Where the time goes"): a
 * manager's page of 50 rows in an organization of 50 members stays small for a phone to read, and each page sends
 * its independent reads to D1 together.
 */
import { describe, expect, it } from 'vitest'
import { addMembers } from './concurrency'
import { dom, textOf } from './dom'
import { env, signUp } from './helpers'
import { orgIdOf } from './pool-fixtures'

/** Adds `n` leads with an email, a company and a status to the organization at `slug`, each held by one of `members` in turn. */
async function addAssignedLeads(slug: string, n: number, members: string[]) {
  const orgId = await orgIdOf(slug)
  const statuses = ['new', 'contacted', 'qualified', 'unqualified', 'won', 'lost']
  const now = Date.now()
  const statements = Array.from({ length: n }, (_, i) => {
    const id = crypto.randomUUID()
    return [
      env.DB.prepare(
        `INSERT INTO leads (id, org_id, name, email, email_normalized, company, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        id,
        orgId,
        `Zoë García ${i}`,
        `zoe.garcia.${i}@example.com`,
        `zoe.garcia.${i}@example.com`,
        `Globex GmbH ${i}`,
        statuses[i % statuses.length]!,
        now - i,
        now - i,
      ),
      env.DB.prepare(
        "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) VALUES (?, ?, ?, 'primary', ?)",
      ).bind(orgId, id, members[i % members.length]!, now),
    ]
  })
  await env.DB.batch(statements.flat())
}

describe('the lead list of 50 rows', () => {
  // Issue #25 asks for at most 50 KB and 800 elements; the page was at 59.4 KB and 962 elements (it was 113.7 KB and
  // 1,362 with a menu and a form per row), then the First touch column (#28) added a cell per row: these bounds keep
  // what was gained.
  it('stays light for an Owner of an organization of 50 members: no row carries a form or its menu body', async () => {
    const { client, slug } = await signUp('Weighed Sales')
    const members = await addMembers(slug, 49)
    await addAssignedLeads(slug, 60, members)
    const html = await client.html(`/o/${slug}/leads`)
    const page = dom(html)
    const rows = page.querySelectorAll('#lead-list tbody tr[data-lead-id]')
    expect(rows.length).toBe(50)
    // Each row still has its menu, opened to load its body (public/app.js), and the holders it showed.
    for (const row of rows) {
      const id = row.getAttribute('data-lead-id')!
      expect(textOf(row.querySelector('details.row-menu > summary'))).toBe('Change assignment')
      expect(row.querySelector(`input[type="hidden"][name="shown_${id}"]`)?.getAttribute('value')).not.toBe('')
    }
    expect(page.querySelectorAll('#lead-results form').length).toBe(1) // the bulk bar's
    // As Lighthouse counts a page's DOM size: the elements of its body.
    const elements = page.body.querySelectorAll('*').length
    const bytes = new TextEncoder().encode(html).length
    expect.soft(bytes, `${(bytes / 1024).toFixed(1)} KB of HTML`).toBeLessThanOrEqual(64 * 1024)
    expect(elements, `${elements} elements`).toBeLessThanOrEqual(1020)
  })
})

/** The round trips a request made to D1, from the `Server-Timing` header of local development (a batch counts once). */
function roundTrips(res: Response): number {
  const header = res.headers.get('Server-Timing') ?? ''
  const match = /(?:^|, *)d1;dur=[\d.]+;desc="(\d+) statements"/.exec(header)
  expect(match, header).not.toBeNull()
  return Number(match![1])
}

describe('round trips to D1', () => {
  it('a list page reads the session, the membership, then its page, total and filter in one batch', async () => {
    const { client, slug } = await signUp('Batched Sales')
    const members = await addMembers(slug, 3)
    await addAssignedLeads(slug, 120, members)
    const base = `/o/${slug}/leads`
    await client.html(base)
    const page = dom(await client.html(base))
    const next = page.querySelector('a[rel="next"]')!.getAttribute('href')!
    for (const path of [base, `${base}?assignee=${members[0]}`, `${base}?status=won`, next, `${base}?q=zoe`]) {
      const res = await client.get(path)
      expect(res.status, path).toBe(200)
      // A search reads its breadth first (src/leads/search.ts isBroad): one round trip more.
      expect(roundTrips(res), path).toBe(path.includes('q=') ? 4 : 3)
      await res.body?.cancel()
    }
    // The htmx answer to a filter (results and the filter's counts) too.
    const fragment = await client.get(`${base}?status=new`, { 'HX-Request': 'true', 'HX-Target': 'lead-results' })
    expect(roundTrips(fragment)).toBe(3)
  })
})
