// Full pages are rendered through hono's jsxRenderer and start with a DOCTYPE (standards mode, not
// quirks mode); htmx fragments stay bare fragments.
import { describe, expect, it } from 'vitest'
import { Client, createLead, invitationLink, signUp, uniqueEmail } from './helpers'

const DOCTYPE = '<!DOCTYPE html>'

/** The body of `res`, after checking it answered `status` with HTML. */
async function page(res: Response, status: number): Promise<string> {
  expect(res.status, res.url).toBe(status)
  expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
  return res.text()
}

describe('full pages', () => {
  it('start with <!DOCTYPE html> on every main GET route, error pages and re-rendered forms included', async () => {
    const anonymous = new Client()
    const { client, slug } = await signUp('Doctype Co')
    const lead = await createLead(client, slug, { name: 'Dana Doctype' })
    const invitee = uniqueEmail('agent')
    await client.post(`/o/${slug}/team/invitations`, { email: invitee, role: 'agent' })
    const invite = await invitationLink(invitee)
    const pages: [Client, string, number][] = [
      [anonymous, '/login', 200],
      [anonymous, '/signup', 200],
      [anonymous, invite, 200],
      [anonymous, '/invite/not-a-real-token', 404],
      [anonymous, '/nowhere', 404],
      [client, '/signup', 200],
      [client, `/o/${slug}/leads`, 200],
      [client, `/o/${slug}/leads?status=new`, 200],
      [client, `/o/${slug}/leads/new`, 200],
      [client, `/o/${slug}/leads/${lead}`, 200],
      [client, `/o/${slug}/leads/import`, 200],
      [client, `/o/${slug}/pool`, 200],
      [client, `/o/${slug}/team`, 200],
      [client, `/o/${slug}/settings`, 200],
      [client, `/o/${slug}/leads/no-such-lead`, 404],
      [client, '/_dev/mail', 200],
    ]
    for (const [who, path, status] of pages) {
      const html = await page(await who.get(path), status)
      expect(html.startsWith(DOCTYPE), `GET ${path} starts with ${html.slice(0, 40)}`).toBe(true)
      expect(html.match(/<!DOCTYPE/g), `GET ${path} has one DOCTYPE`).toHaveLength(1)
    }
    // A form re-rendered with its errors (422) and a refused action's page are full pages too.
    const invalid = await page(await client.post(`/o/${slug}/leads`, { name: '' }), 422)
    expect(invalid.startsWith(DOCTYPE)).toBe(true)
    const login = await page(await anonymous.post('/login', { email: 'nobody@example.com', password: 'x' }), 401)
    expect(login.startsWith(DOCTYPE)).toBe(true)
  })

  it('leaves htmx fragments without a DOCTYPE or layout', async () => {
    const { client, slug } = await signUp('Fragment Co')
    const lead = await createLead(client, slug, { name: 'Fran Fragment' })
    const results = await client.get(`/o/${slug}/leads?q=fran`, { 'HX-Request': 'true', 'HX-Target': 'lead-results' })
    const html = await page(results, 200)
    expect(html.startsWith('<div id="lead-results">')).toBe(true)
    expect(html).not.toContain('<!DOCTYPE')
    const timeline = await page(await client.get(`/o/${slug}/leads/${lead}/timeline`), 200)
    expect(timeline.startsWith('<section id="timeline"')).toBe(true)
  })
})
