/**
 * The dashboard (`/o/{slug}/dashboard`, docs/ARCHITECTURE.md "Dashboard") as its viewers read it: every chart's
 * drawn numbers equal the table behind it, Owners see the whole team (or one member), Agents only their own numbers,
 * the filters come from the URL, and another organization's member gets 404.
 */
import { describe, expect, it } from 'vitest'
import { addLead, rows } from './concurrency'
import { dom, textOf, type Page } from './dom'
import { Client, env, signUp } from './helpers'
import { orgIdOf, setOrg, signedInMembers } from './pool-fixtures'

const DAY = 86_400_000
const dayName = (daysAgo: number) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    Date.now() - daysAgo * DAY,
  )

/** A lead of `slug` that arrived `daysAgo` days ago from `source`, in `status`. */
async function lead(
  slug: string,
  fields: { source: string; status: string; daysAgo: number; assignee?: string; inPool?: boolean },
) {
  const id = await addLead(slug, `Lead ${fields.source}`, { assignee: fields.assignee, inPool: fields.inPool })
  await env.DB.prepare('UPDATE leads SET source = ?, status = ?, created_at = ? WHERE id = ?')
    .bind(fields.source, fields.status, Date.now() - fields.daysAgo * DAY, id)
    .run()
  return id
}

/** An organization with an Owner, two Agents (A, B), leads from several days and sources, a task past due, a touch. */
async function world() {
  const { client: owner, slug } = await signUp('Dashboard Org')
  const [a, b] = await signedInMembers(slug, 2)
  const first = await lead(slug, { source: 'Website', status: 'new', daysAgo: 0, assignee: a!.userId })
  await lead(slug, { source: 'Referral', status: 'contacted', daysAgo: 2, assignee: a!.userId })
  await lead(slug, { source: 'Website', status: 'won', daysAgo: 0, assignee: b!.userId })
  await lead(slug, { source: 'Website', status: 'new', daysAgo: 5, inPool: true })
  await lead(slug, { source: '', status: 'new', daysAgo: 40 })
  await lead(slug, { source: 'Website', status: 'new', daysAgo: 10, assignee: b!.userId })
  await env.DB.prepare(
    "INSERT INTO tasks (id, org_id, lead_id, title, due_date, assignee_id, created_by, created_at, updated_at) VALUES (?, ?, ?, 'Call back', '2020-01-01', ?, ?, ?, ?)",
  )
    .bind(crypto.randomUUID(), await orgIdOf(slug), first, a!.userId, a!.userId, Date.now(), Date.now())
    .run()
  expect((await a!.client.post(`/o/${slug}/leads/${first}/notes`, { body: 'Called' })).status).toBe(303)
  return { owner, slug, a: a!, b: b! }
}

/** The table cell behind chart `chart` for `category` and `series`, as read. */
function cell(page: Page, chart: string, category: string, series: string): string {
  const row = [...page.querySelectorAll(`#${chart} tr[data-category]`)].find(
    (r) => r.getAttribute('data-category') === category,
  )
  const td = row && [...row.querySelectorAll('td[data-series]')].find((c) => c.getAttribute('data-series') === series)
  return textOf(td)
}

/** Every column part drawn in every chart of `page` whose number differs from its table's cell (none expected). */
function drawnAgainstTables(page: Page): string[] {
  const charts = [...page.querySelectorAll('section.chart')]
  expect(charts.length).toBe(5)
  const differ: string[] = []
  for (const chart of charts) {
    const id = chart.getAttribute('id')!
    // The drawing itself: every part's height is its number on the chart's one scale.
    const parts = [...chart.querySelectorAll('svg rect[data-series]')]
    const scale = Math.max(
      ...parts.map((p) => Number(p.getAttribute('height')) / Number(p.getAttribute('data-value')) || 0),
    )
    for (const part of parts) {
      const height = Number(part.getAttribute('height'))
      if (Math.abs(height - scale * Number(part.getAttribute('data-value'))) > 0.2)
        differ.push(
          `${id} ${part.getAttribute('data-category')} ${part.getAttribute('data-series')}: drawn ${height} high`,
        )
    }
    for (const part of parts) {
      const category = part.getAttribute('data-category')!
      const series = part.getAttribute('data-series')!
      const drawn = Number(part.getAttribute('data-value'))
      const read = cell(page, id, category, series)
      // Counts read as "1,234"; the first-touch chart's minutes as "12 min".
      if (Number(read.replace(/,|\s*min$/g, '')) !== drawn)
        differ.push(`${id} ${category} ${series}: ${drawn} ≠ ${read}`)
    }
  }
  return differ
}

const summaryOf = (page: Page, chart: string) => textOf(page.querySelector(`#${chart} .chart-summary`))

describe('dashboard', () => {
  it("shows the Owner the whole team's numbers, each chart drawn from the table behind it", async () => {
    const { owner, slug, a, b } = await world()
    const html = await owner.html(`/o/${slug}/dashboard`)
    const page = dom(html)
    expect(drawnAgainstTables(page)).toEqual([])
    expect([...page.querySelectorAll('nav a')].map(textOf)).toContain('Dashboard')
    expect(summaryOf(page, 'chart-arrivals')).toBe('5 leads arrived in the last 30 days, from 2 sources.')
    expect(cell(page, 'chart-arrivals', dayName(0), 'Website')).toBe('2')
    expect(cell(page, 'chart-arrivals', dayName(2), 'Referral')).toBe('1')
    expect(cell(page, 'chart-arrivals', dayName(10), 'Website')).toBe('1')
    expect(cell(page, 'chart-status', dayName(0), 'Won')).toBe('1')
    expect(cell(page, 'chart-status', dayName(0), 'New')).toBe('1')
    const [nameA, nameB] = await Promise.all(
      [a, b].map(async (m) => (await rows<{ name: string }>('SELECT name FROM users WHERE id = ?', m.userId))[0]!.name),
    )
    expect(cell(page, 'chart-workload', nameA!, 'Open leads')).toBe('2')
    expect(cell(page, 'chart-workload', nameA!, 'Overdue tasks')).toBe('1')
    expect(cell(page, 'chart-workload', nameB!, 'Open leads')).toBe('1')
    expect(cell(page, 'chart-waiting', '3–7 days', 'In the pool')).toBe('1')
    expect(cell(page, 'chart-waiting', 'Over 30 days', 'Unassigned')).toBe('1')
    expect(summaryOf(page, 'chart-first-touch')).toMatch(/^1 lead first touched in the last 30 days/)
  })

  it('filters by period, source and member from the URL, and says which values it could not use', async () => {
    const { owner, slug, b } = await world()
    const arrivals = async (query: string) =>
      summaryOf(dom(await owner.html(`/o/${slug}/dashboard?${query}`)), 'chart-arrivals')
    expect(await arrivals('period=7')).toBe('4 leads arrived in the last 7 days, from 2 sources.')
    expect(await arrivals('source=Referral')).toBe('1 lead arrived in the last 30 days, from 1 source.')
    expect(await arrivals(`member=${b.userId}`)).toBe(
      '2 leads held by this member arrived in the last 30 days, from 1 source.',
    )
    const page = dom(await owner.html(`/o/${slug}/dashboard?period=45&member=${crypto.randomUUID()}`))
    expect(summaryOf(page, 'chart-arrivals')).toBe('5 leads arrived in the last 30 days, from 2 sources.')
    expect(textOf(page.querySelector('main'))).toContain('The period can be 7, 30, 90 days; showing the last 30 days.')
    expect(textOf(page.querySelector('main'))).toContain(
      'That member is not in this organization; showing the whole team.',
    )
    const form = page.querySelector('#dashboard-filters')!
    expect(form.querySelector('select[name="period"] option[selected]')?.getAttribute('value')).toBe('30')
  })

  it('shows an Agent only their own numbers, whatever the URL asks', async () => {
    const { slug, a, b } = await world()
    await setOrg(slug, { pool_enabled: 1 })
    for (const path of [`/o/${slug}/dashboard`, `/o/${slug}/dashboard?member=${b.userId}`]) {
      const page = dom(await a.client.html(path))
      expect(drawnAgainstTables(page)).toEqual([])
      expect(summaryOf(page, 'chart-arrivals')).toBe('2 leads held by you arrived in the last 30 days, from 2 sources.')
      expect(page.querySelector('select[name="member"]')).toBeNull()
      expect(
        [...page.querySelectorAll('#chart-workload tr[data-category]')].map((r) => r.getAttribute('data-category')),
      ).toEqual(['You'])
      expect(cell(page, 'chart-workload', 'You', 'Open leads')).toBe('2')
      // The pool is open to Agents; the unassigned leads are not theirs to see.
      expect(cell(page, 'chart-waiting', '3–7 days', 'In the pool')).toBe('1')
      expect(page.querySelector('#chart-waiting td[data-series="Unassigned"]')).toBeNull()
    }
    // With the pool closed to Agents, its leads are not theirs to see either.
    await setOrg(slug, { pool_enabled: 0 })
    const closed = dom(await a.client.html(`/o/${slug}/dashboard`))
    expect(summaryOf(closed, 'chart-waiting')).toBe('No lead waits in the pool for you.')
  })

  it('shows a source with markup in its name as text, in the drawing and its table', async () => {
    const { client: owner, slug } = await signUp('Markup Org')
    const name = '<b>Fair & "Expo"</b>'
    await lead(slug, { source: name, status: 'new', daysAgo: 0 })
    const page = dom(await owner.html(`/o/${slug}/dashboard`))
    expect(page.querySelector('#chart-arrivals b')).toBeNull()
    expect(page.querySelector(`#chart-arrivals rect[data-series]`)?.getAttribute('data-series')).toBe(name)
    expect(cell(page, 'chart-arrivals', dayName(0), name)).toBe('1')
    expect(drawnAgainstTables(page)).toEqual([])
  })

  it('answers its members, and 404 to a member of another organization', async () => {
    const { owner, slug } = await world()
    expect((await owner.get(`/o/${slug}/dashboard`)).status).toBe(200)
    const { client: stranger } = await signUp('Other Org')
    expect((await stranger.get(`/o/${slug}/dashboard`)).status).toBe(404)
    expect((await new Client().get(`/o/${slug}/dashboard`)).status).toBe(303)
  })
})
