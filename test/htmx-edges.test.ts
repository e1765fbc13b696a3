/**
 * htmx requests whose session ended, or that are refused (issue 8 §5), at the HTTP level: every kind
 * of htmx request the app makes (search fragment GET, list row assign POST, boosted lead actions,
 * bulk bar POST) answers a signed-out person with `HX-Redirect` to the log-in page that brings them
 * back, and a refusal with a message htmx shows, never nothing.
 */
import { describe, expect, it } from 'vitest'
import { newId } from '../src/lib/ids'
import { HTMX_CONFIG } from '../src/views/htmx-config'
import { Client, ORIGIN, createLead, joinAs, signUp } from './helpers'

/** A client holding the same session cookie, whose session is then ended by logging out with `client`. */
async function endedSession(client: Client) {
  const stale = new Client()
  stale.cookies = new Map(client.cookies)
  expect((await client.post('/logout')).status).toBe(303)
  return stale
}

/** Headers of an htmx request made from the page at `page` (a path). */
const htmx = (page: string, extra: Record<string, string> = {}) => ({
  'HX-Request': 'true',
  'HX-Current-URL': `${ORIGIN}${page}`,
  ...extra,
})

/** The `HX-Redirect` of an answer, decoded into its `next` parameter. */
function nextOf(res: Response) {
  const target = res.headers.get('HX-Redirect')
  expect(target, 'HX-Redirect header').toBeTruthy()
  const url = new URL(target!, ORIGIN)
  expect(url.pathname).toBe('/login')
  return url.searchParams.get('next')
}

/** An Owner with one lead, whose session is then ended; `stale` still sends the old cookie. */
async function signedOutOwner() {
  const owner = await signUp('Session Co', 'Sam Owner')
  const lead = await createLead(owner.client, owner.slug, { name: 'Acme Lead', company: 'Acme' })
  const agent = await joinAs(owner.client, owner.slug, 'agent', 'Gil Agent')
  const stale = await endedSession(owner.client)
  return { ...owner, lead, agent, stale }
}

describe('an htmx request whose session ended', () => {
  it('search as you type: HX-Redirect to log in, then back on the list with the search typed', async () => {
    const { stale, slug, email, password } = await signedOutOwner()
    const list = `/o/${slug}/leads`
    const res = await stale.get(`${list}?q=Acme`, htmx(`${list}?status=new`, { 'HX-Target': 'lead-results' }))
    expect(res.status).toBe(401)
    expect(nextOf(res)).toBe(`${list}?q=Acme`)
    expect(await res.text()).not.toContain('<html')

    // The log-in page carries `next`, and logging in lands on the list with the search.
    const login = await stale.html(res.headers.get('HX-Redirect')!)
    expect(login).toContain(`name="next" value="${list}?q=Acme"`)
    const back = await stale.post('/login', { email, password, next: `${list}?q=Acme` })
    expect(back.status).toBe(303)
    expect(back.headers.get('Location')).toBe(`${list}?q=Acme`)
    expect(await stale.html(back.headers.get('Location')!)).toContain('value="Acme"')
  })

  it('list row assign (POST): HX-Redirect back to the list page it was on, with its query', async () => {
    const { stale, slug, lead, agent } = await signedOutOwner()
    const page = `/o/${slug}/leads?status=new`
    const res = await stale.post(
      `/o/${slug}/leads/${lead}/assign`,
      { assigneeId: agent.userId, from: 'list' },
      htmx(page, { 'HX-Target': `lead-row-${lead}` }),
    )
    expect(res.status).toBe(401)
    expect(nextOf(res)).toBe(page)
  })

  it('boosted lead action (POST): HX-Redirect back to the lead page', async () => {
    const { stale, slug, lead } = await signedOutOwner()
    const page = `/o/${slug}/leads/${lead}`
    const res = await stale.post(`${page}/status`, { status: 'contacted' }, htmx(page, { 'HX-Boosted': 'true' }))
    expect(res.status).toBe(401)
    expect(nextOf(res)).toBe(page)
  })

  it('bulk bar (POST): HX-Redirect back to the list', async () => {
    const { stale, slug, lead, agent } = await signedOutOwner()
    const page = `/o/${slug}/leads?q=Acme`
    const res = await stale.post(
      `/o/${slug}/leads/bulk-assign`,
      { leadIds: lead, assigneeId: agent.userId },
      htmx(page, { 'HX-Target': 'lead-results' }),
    )
    expect(res.status).toBe(401)
    expect(nextOf(res)).toBe(page)
  })

  it('import progress polling (GET): HX-Redirect back to the import page', async () => {
    const { stale, slug } = await signedOutOwner()
    // A well-formed id: a malformed one answers 404 before anything else (lib/route-params.ts).
    const page = `/o/${slug}/leads/import/${newId()}`
    const res = await stale.get(page, htmx(page, { 'HX-Target': 'import-status' }))
    expect(res.status).toBe(401)
    expect(nextOf(res)).toBe(page)
  })

  it('never sends the person to another site or a path outside the app after log-in', async () => {
    const { stale, slug } = await signedOutOwner()
    for (const current of ['https://evil.example/o/x/leads', `${ORIGIN}//evil.example/o`, `${ORIGIN}/login`, 'nope']) {
      const res = await stale.get(`/o/${slug}/leads/new`, { 'HX-Request': 'true', 'HX-Current-URL': current })
      expect(res.status).toBe(401)
      expect(res.headers.get('HX-Redirect'), current).toBe('/login')
    }
  })

  it('without htmx, a GET still redirects (303) and a POST still answers 401 with a message', async () => {
    const { stale, slug, lead } = await signedOutOwner()
    const page = await stale.get(`/o/${slug}/leads?q=Acme`)
    expect(page.status).toBe(303)
    expect(page.headers.get('Location')).toBe(`/login?next=${encodeURIComponent(`/o/${slug}/leads?q=Acme`)}`)
    const post = await stale.post(`/o/${slug}/leads/${lead}/status`, { status: 'won' })
    expect(post.status).toBe(401)
    expect(post.headers.get('HX-Redirect')).toBeNull()
    expect(await post.text()).toContain('Log in first.')
  })
})

/** Expects the page-level alert fragment that renderError answers to htmx, with `message`. */
async function expectPageAlert(res: Response, status: number, message: string) {
  expect(res.status).toBe(status)
  // Out of band, so it reaches the page's alert region even when the element that asked is gone.
  expect(res.headers.get('HX-Reswap')).toBe('none')
  expect(res.headers.get('HX-Push-Url')).toBe('false')
  const html = await res.text()
  expect(html).toMatch(/^<div id="page-alert"[^>]* hx-swap-oob="outerHTML"/)
  expect(html).not.toContain('<html')
  expect(html).toContain(message)
}

describe('a refused htmx request shows its message', () => {
  it('htmx swaps the refusals it is given, and error pages carry an alert region to put them in', async () => {
    const codes = HTMX_CONFIG.responseHandling.filter((r) => r.swap).map((r) => new RegExp(`^${r.code}$`))
    for (const status of [403, 404, 409, 422, 429, 500])
      expect(
        codes.some((c) => c.test(String(status))),
        `status ${status} is swapped`,
      ).toBe(true)
    const { client, slug } = await signUp()
    const page = await client.html(`/o/${slug}/leads`)
    expect(page).toContain('<div id="page-alert"')
    expect(page).toContain('<meta name="htmx-config"')
    expect(page).not.toMatch(/<script>|<style|style="/)
  })

  it('search fragment GET: 404 (not a member, or deactivated) as an alert, not a page in the results', async () => {
    const owner = await signUp('Refusing Co')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Dee Agent')
    const stranger = await signUp('Other Co')
    const list = `/o/${owner.slug}/leads`
    const headers = htmx(list, { 'HX-Target': 'lead-results' })
    await expectPageAlert(await stranger.client.get(`${list}?q=a`, headers), 404, 'Page not found')
    await owner.client.post(`/o/${owner.slug}/team/${agent.userId}/deactivate`)
    const gone = await agent.client.get(`${list}?q=a`, headers)
    await expectPageAlert(gone.clone(), 404, 'Your membership in Refusing Co was deactivated')
    // One sentence: not followed by the general "does not exist" explanation it contradicts.
    expect(await gone.text()).not.toContain('does not exist')
  })

  it('list row assign POST: 403 and 422 in the row; 404 (lead gone) as an alert', async () => {
    const owner = await signUp('Row Co')
    const admin = await joinAs(owner.client, owner.slug, 'admin', 'Ann Admin')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Rob Agent')
    const lead = await createLead(owner.client, owner.slug, { name: 'Row Lead' })
    const list = `/o/${owner.slug}/leads`
    const headers = htmx(list, { 'HX-Target': `lead-row-${lead}` })
    const post = (client: Client, id: string, assigneeId: string) =>
      client.post(`${list}/${id}/assign`, { assigneeId, from: 'list' }, headers)

    const bad = await post(owner.client, lead, 'no-such-member')
    expect(bad.status).toBe(422)
    expect(bad.headers.get('HX-Retarget')).toBeNull()
    expect(await bad.text()).toContain(`<tr data-lead-id="${lead}"`)

    // The Agent sees the lead once it is theirs, but may not reassign it.
    await post(owner.client, lead, agent.userId)
    const refused = await post(agent.client, lead, admin.userId)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('Only an Owner or Admin')

    await expectPageAlert(await post(owner.client, 'no-such-lead', agent.userId), 404, 'Page not found')
  })

  it('boosted lead actions: 403 re-renders the lead page with the reason; 409 (lead gone) as an alert', async () => {
    const owner = await signUp('Boost Co')
    const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
    const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
    await owner.client.post(`/o/${owner.slug}/settings`, { poolEnabled: '1' })
    const lead = await createLead(owner.client, owner.slug, { name: 'Pool Lead' })
    const page = `/o/${owner.slug}/leads/${lead}`
    await owner.client.post(`${page}/pool`, { inPool: '1' })
    const boosted = htmx(page, { 'HX-Boosted': 'true' })

    const refused = await gus.client.post(`${page}/assign`, { assigneeId: hal.userId }, boosted)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('HX-Replace-Url')).toBe(page)
    expect(await refused.text()).toContain('Only an Owner or Admin')

    // A won claim takes the browser to the lead as a whole page (HX-Redirect), address bar included.
    const won = await gus.client.post(`${page}/claim`, {}, boosted)
    expect(won.status).toBe(204)
    expect(won.headers.get('HX-Redirect')).toBe(page)
    await expectPageAlert(await hal.client.post(`${page}/claim`, {}, boosted), 409, 'Already claimed by Gus Agent.')
  })

  it('bulk bar POST: 403 and 422 in the results fragment with the reason', async () => {
    const owner = await signUp('Bulk Co')
    const agent = await joinAs(owner.client, owner.slug, 'agent', 'Bea Agent')
    const lead = await createLead(owner.client, owner.slug, { name: 'Bulk Lead' })
    const list = `/o/${owner.slug}/leads`
    const headers = htmx(list, { 'HX-Target': 'lead-results' })
    const empty = await owner.client.post(`${list}/bulk-assign`, { leadIds: lead, assigneeId: '' }, headers)
    expect(empty.status).toBe(422)
    const html = await empty.text()
    expect(html.startsWith('<div id="lead-results"')).toBe(true)
    expect(html).toContain('Choose a team member')
    const refused = await agent.client.post(`${list}/bulk-assign`, { leadIds: lead, assigneeId: agent.userId }, headers)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('role="alert"')
  })

  it('a cross-site htmx POST (CSRF) is refused with a message in the alert region', async () => {
    const { client, slug } = await signUp()
    const res = await client.post(
      `/o/${slug}/leads/bulk-assign`,
      { assigneeId: 'none' },
      htmx(`/o/${slug}/leads`, { Origin: 'https://evil.example' }),
    )
    await expectPageAlert(res, 403, 'sent from another site')
  })
})
