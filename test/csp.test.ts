/**
 * Content-Security-Policy on every answer, pages free of inline script and style, and the dev
 * mailbox readable only through a loopback Host (issue 8 §6).
 */
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { Client, createLead, signUp } from './helpers'

const REQUIRED = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self' ws://localhost",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
]

function expectAppPolicy(res: Response, what: string) {
  const policy = res.headers.get('Content-Security-Policy')
  expect(policy, `${what}: Content-Security-Policy`).toBeTruthy()
  for (const directive of REQUIRED) expect(policy!.split('; '), what).toContain(directive)
  expect(policy, what).not.toContain('unsafe')
}

/** Inline script, inline style or inline event handlers in `html`. */
function inlineCode(html: string): string[] {
  const found: string[] = []
  for (const m of html.matchAll(/<script\b[^>]*>/g)) if (!/\ssrc=/.test(m[0])) found.push(m[0])
  for (const m of html.matchAll(/<style\b|\sstyle="[^"]*"|\son[a-z]+="[^"]*"|javascript:/gi)) found.push(m[0])
  return found
}

describe('Content-Security-Policy', () => {
  it('is on every answer: pages, htmx fragments, redirects, errors, health check', async () => {
    const anonymous = new Client()
    const { client, slug } = await signUp()
    const lead = await createLead(client, slug, { name: 'Policy Lead' })
    const answers: [string, Response][] = [
      ['GET /healthz', await anonymous.get('/healthz')],
      ['GET /login', await anonymous.get('/login')],
      ['GET / (redirect)', await anonymous.get('/')],
      ['GET unknown (404)', await anonymous.get('/nowhere')],
      ['list', await client.get(`/o/${slug}/leads`)],
      [
        'search fragment',
        await client.get(`/o/${slug}/leads?q=P`, { 'HX-Request': 'true', 'HX-Target': 'lead-results' }),
      ],
      ['lead page', await client.get(`/o/${slug}/leads/${lead}`)],
      ['cross-site POST (403)', await client.post('/logout', {}, { Origin: 'https://evil.example' })],
    ]
    for (const [what, res] of answers) expectAppPolicy(res, what)
  })

  it('leaves no inline script, style or event handler in the pages (the policy would block them)', async () => {
    const { client, slug } = await signUp()
    const lead = await createLead(client, slug, { name: 'Inline Lead' })
    const paths = ['/signup', '/login', '/nowhere']
    for (const sub of ['leads', `leads/${lead}`, 'leads/new', 'leads/import', 'team', 'settings', 'pool'])
      paths.push(`/o/${slug}/${sub}`)
    for (const path of paths) {
      const res = await (path.startsWith('/o/') ? client : new Client()).get(path)
      expect(res.status, path).toBeLessThan(500)
      expect(inlineCode(await res.text()), path).toEqual([])
    }
  })

  it('keeps htmx from adding inline styles or evaluating code', async () => {
    const html = await new Client().html('/login')
    const config = /<meta name="htmx-config" content="([^"]+)"/.exec(html)?.[1]
    expect(config).toBeDefined()
    const parsed = JSON.parse(config!.replaceAll('&quot;', '"')) as Record<string, unknown>
    expect(parsed).toMatchObject({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false })
  })
})

describe('/_dev/mail', () => {
  const withHost = (host: string) =>
    exports.default.fetch(new Request('http://localhost/_dev/mail', { headers: { Host: host } }))

  it('answers for a Host of localhost or 127.0.0.1 with any port, with inline style attributes allowed there alone', async () => {
    for (const host of ['localhost', 'localhost:8787', '127.0.0.1', '127.0.0.1:41234']) {
      const res = await withHost(host)
      expect(res.status, host).toBe(200)
      const policy = res.headers.get('Content-Security-Policy')!
      expect(policy).toContain("style-src-attr 'unsafe-inline'")
      expect(policy).toContain("script-src 'self'")
      expect(policy).toContain("frame-ancestors 'none'")
    }
  })

  it('answers 404 to any other Host, so a DNS-rebinding page cannot read it', async () => {
    for (const host of [
      'evil.example',
      'evil.example:8787',
      'localhost.evil.example',
      '127.0.0.1.nip.io:8787',
      '10.0.0.5',
    ]) {
      const res = await withHost(host)
      expect(res.status, host).toBe(404)
      expect(await res.text()).not.toContain('Dev mailbox')
    }
  })
})
