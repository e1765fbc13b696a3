// Every full page gets the layout from the page renderer (src/views/renderer.ts): one top bar, its
// <title>, and the top bar a person of that page should see (organization, signed-in person, or
// log-in links), the live-update script only on live pages.
import { describe, expect, it } from 'vitest'
import { Client, createLead, signUp } from './helpers'
import { dom, textOf, type Page } from './dom'

/** The parsed page at `path`, after checking it answered `status`. */
async function pageAt(who: Client, path: string, status: number): Promise<Page> {
  const res = await who.get(path)
  expect(res.status, path).toBe(status)
  return dom(await res.text())
}

/** The top bar's shape: the organization's navigation, the person's menu, or the log-in links. */
function topBar(page: Page) {
  return {
    bars: page.querySelectorAll('header.topbar').length,
    mains: page.querySelectorAll('main').length,
    orgNav: page.querySelector('nav[aria-label="Main"]') !== null,
    menu: page.querySelector('details.nav-menu') !== null,
    logIn: textOf(page.querySelector('header.topbar div.me')),
    live: page.querySelector('script[src*="htmx-ext-ws"]') !== null,
  }
}

const anonymousBar = { bars: 1, mains: 1, orgNav: false, menu: false, logIn: 'Log in Sign up', live: false }
const personBar = { bars: 1, mains: 1, orgNav: false, menu: true, logIn: '', live: false }
const orgBar = { ...personBar, orgNav: true }

describe('the page layout', () => {
  it('frames every page once, with its title and the top bar its visitor should see', async () => {
    const anonymous = new Client()
    const { client, slug } = await signUp('Shell Co')
    const lead = await createLead(client, slug, { name: 'Sam Shell' })
    const pages: [Client, string, number, string, typeof anonymousBar][] = [
      [anonymous, '/login', 200, 'Log in', anonymousBar],
      [anonymous, '/signup', 200, 'Sign up', anonymousBar],
      [anonymous, '/nowhere', 404, 'Page not found', anonymousBar],
      [client, '/account', 200, 'Your account', personBar],
      [client, '/nowhere', 404, 'Page not found', personBar],
      [client, `/o/${slug}/leads/no-such-lead`, 404, 'Page not found', personBar],
      [client, `/o/${slug}/leads`, 200, 'Leads', orgBar],
      [client, `/o/${slug}/leads/new`, 200, 'New lead', orgBar],
      [client, `/o/${slug}/team`, 200, 'Team', orgBar],
      [client, `/o/${slug}/pool`, 200, 'Pool', { ...orgBar, live: true }],
      [client, `/o/${slug}/leads/${lead}`, 200, 'Sam Shell', { ...orgBar, live: true }],
      [client, '/_dev/mail', 200, 'Dev mailbox', personBar],
    ]
    for (const [who, path, status, title, bar] of pages) {
      const page = await pageAt(who, path, status)
      expect(page.title, `GET ${path}`).toBe(`${title} · Leadpool`)
      expect(topBar(page), `GET ${path}`).toEqual(bar)
    }
  })
})
