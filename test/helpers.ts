/**
 * Test helpers: a browser-like client (cookie jar, same-origin Origin header on posts and upgrades) that calls
 * the Worker's own fetch export, and fails any test whose request answers 5xx.
 */
import { env, exports } from 'cloudflare:workers'
import { expect } from 'vitest'
import { orgDatabaseNames } from '../src/access/databases'
import { createDb } from '../src/db/client'
import { dom, textOf } from './dom'

export const ORIGIN = 'http://localhost'

let clients = 0

/**
 * A person using Leadpool through HTTP, keeping their session cookie between requests. Each client
 * has an address of its own (`CF-Connecting-IP`, as Cloudflare sets it), so per-address rate limits
 * count each person apart, as in production.
 */
export class Client {
  cookies = new Map<string, string>()

  /** The `Cookie` header this client sends (its session), for a hand-built request. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  ip = `10.${Math.floor(Math.random() * 200)}.${++clients >> 8}.${clients & 255}`

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('Cookie', this.cookieHeader())
    const method = (init.method ?? 'GET').toUpperCase()
    // A browser sends its page's Origin on a post and on a WebSocket upgrade.
    const upgrade = headers.get('Upgrade') === 'websocket'
    if ((method !== 'GET' || upgrade) && !headers.has('Origin')) headers.set('Origin', ORIGIN)
    if (!headers.has('CF-Connecting-IP')) headers.set('CF-Connecting-IP', this.ip)
    const res = await exports.default.fetch(
      new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' }),
    )
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = pair!.split('=')
      const text = value.join('=')
      if (text === '' || /Max-Age=0/i.test(line)) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), text)
    }
    expect(res.status, `${method} ${path} answered ${res.status}`).toBeLessThan(500)
    return res
  }

  get(path: string, headers?: HeadersInit) {
    return this.request(path, { headers })
  }

  /** Posts an urlencoded form, as a browser submitting a <form> does. */
  post(path: string, fields: Record<string, string> = {}, headers?: HeadersInit) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers })
  }

  /** Posts a multipart form with one file field named `file`. */
  upload(path: string, fileName: string, content: string | Uint8Array, type = 'text/csv') {
    const form = new FormData()
    form.set('file', new File([content], fileName, { type }))
    return this.request(path, { method: 'POST', body: form })
  }

  async html(path: string): Promise<string> {
    const res = await this.get(path)
    expect(res.status, `GET ${path}`).toBe(200)
    return res.text()
  }
}

let counter = 0
/** A unique email address for this test run. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${Date.now()}.${++counter}@example.com`
}

/**
 * The newest email to `to` in any database's outbox (account emails are in the directory's, an organization's in its
 * own: docs/ARCHITECTURE.md "Many databases"), as /_dev/mail shows it; null when there is none.
 */
export async function newestEmailTo(to: string): Promise<{ text: string } | null> {
  const bindings = env as unknown as Record<string, D1Database>
  const rows = await Promise.all(
    orgDatabaseNames(env).map((name) =>
      bindings[name]!.prepare(
        'SELECT text, created_at AS at, id FROM email_outbox WHERE "to" = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      )
        .bind(to.toLowerCase())
        .first<{ text: string; at: number; id: string }>(),
    ),
  )
  const found = rows.filter((row) => row !== null)
  found.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
  return found[0] ?? null
}

/**
 * The path of the newest email link to `to` whose path starts with `prefix` (e.g. `/verify-email/`),
 * read from the outbox as /_dev/mail shows it. @throws when there is none
 */
export async function emailedLink(to: string, prefix: string): Promise<string> {
  const row = await newestEmailTo(to.trim())
  const match = row && new RegExp(`${prefix}[A-Za-z0-9_-]+`).exec(row.text)
  if (!match) throw new Error(`no ${prefix} link in the newest email to ${to}`)
  return match[0]
}

/**
 * Follows the sign-up link emailed to `email` in `client`: opens it (GET, "Finish sign-up") and
 * presses the button (POST). Returns the answer of the POST (303 to the new organization).
 */
export async function finishSignup(client: Client, email: string): Promise<Response> {
  const link = await emailedLink(email, '/verify-email/')
  const page = await client.get(link)
  expect(page.status, `GET ${link}`).toBe(200)
  expect(await page.text()).toContain('Finish sign-up')
  return client.post(link)
}

/**
 * Signs up a new person with a new organization, as a person does: the form, then the link in the
 * email. Returns their (signed-in) client, the org slug, their email and password.
 */
export async function signUp(organization = 'Acme Sales', name = 'Ana Owner') {
  const client = new Client()
  const email = uniqueEmail('owner')
  const res = await client.post('/signup', { name, email, password: 'correct-horse-1', organization })
  expect(res.status).toBe(200)
  const finished = await finishSignup(client, email)
  expect(finished.status, await finished.clone().text()).toBe(303)
  const slug = new URL(finished.headers.get('Location')!, ORIGIN).pathname.split('/')[2]!
  return { client, slug, email, password: 'correct-horse-1' }
}

/** Creates a lead through the form; returns its id. */
export async function createLead(client: Client, slug: string, fields: Record<string, string>) {
  const res = await client.post(`/o/${slug}/leads`, fields)
  expect(res.status, await res.clone().text()).toBe(303)
  return res.headers.get('Location')!.split('/').pop()!
}

/** Ids of the rows of `<table id="lead-list">` in `html`, in order. */
export function leadIds(html: string): string[] {
  return [...dom(html).querySelectorAll('tr[data-lead-id]')].map((row) => row.getAttribute('data-lead-id')!)
}

/** The text a person reads in the element carrying `data-error-for="{field}"` (white space folded), or null. */
export function errorFor(html: string, field: string): string | null {
  const error = dom(html).querySelector(`[data-error-for="${field}"]`)
  return error ? textOf(error) : null
}

export { env }

/**
 * The D1 database the organization at `slug` lives in, as the directory says (docs/ARCHITECTURE.md "Many
 * databases"): `env.DB` when the test runs with one database.
 */
export async function orgD1(slug: string): Promise<D1Database> {
  const database = await env.DB.prepare('SELECT database FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<string>('database')
  return (env as unknown as Record<string, D1Database>)[database ?? 'DB']!
}

/** Drizzle over `orgD1(slug)`. */
export async function orgDb(slug: string) {
  return createDb(await orgD1(slug))
}

/** The invitation link in the newest email to `to` (from the outbox, as /_dev/mail shows it). */
export async function invitationLink(to: string): Promise<string> {
  const row = await newestEmailTo(to)
  const match = row && /\/invite\/([A-Za-z0-9_-]+)/.exec(row.text)
  if (!match) throw new Error(`no invitation email to ${to}`)
  return `/invite/${match[1]}`
}

/**
 * The Owner (`inviter`) invites a new person with `role`; the person follows the emailed link and
 * creates their account. Returns the new member's client, email and user id.
 */
export async function joinAs(inviter: Client, slug: string, role: 'owner' | 'admin' | 'agent', name: string) {
  const email = uniqueEmail(role)
  const invited = await inviter.post(`/o/${slug}/team/invitations`, { email, role })
  expect(invited.status, await invited.clone().text()).toBe(303)
  const client = new Client()
  const link = await invitationLink(email)
  const joined = await client.post(link, { name, password: 'correct-horse-2' })
  expect(joined.status, await joined.clone().text()).toBe(303)
  expect(joined.headers.get('Location')).toBe(`/o/${slug}/leads`)
  const user = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<{ id: string }>()
  return { client, email, userId: user!.id, password: 'correct-horse-2' }
}

/**
 * What a browser submits for the form `id="{formId}"` in `html`: text and hidden inputs, ticked boxes
 * and radios, and the selected option of each select (else its first), in document order.
 */
export function formFields(html: string, formId: string): URLSearchParams {
  const start = html.indexOf(`id="${formId}"`)
  if (start < 0) throw new Error(`no form ${formId}`)
  const form = html.slice(start, html.indexOf('</form>', start))
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
  const unescape = (v: string) =>
    v
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&')
  const fields = new URLSearchParams()
  for (const m of form.matchAll(/<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>/g)) {
    const tag = m[0]
    const name = attr(tag, 'name')
    if (!name) continue
    if (tag.startsWith('<select')) {
      const options = [...tag.matchAll(/<option\b[^>]*>/g)].map((o) => o[0])
      const chosen = options.find((o) => /\sselected(=""|\s|>)/.test(o)) ?? options[0]
      if (chosen) fields.append(name, unescape(attr(chosen, 'value') ?? ''))
      continue
    }
    const type = attr(tag, 'type') ?? 'text'
    if ((type === 'checkbox' || type === 'radio') && !/\schecked(=""|\s|>|\/)/.test(tag)) continue
    fields.append(name, unescape(attr(tag, 'value') ?? ''))
  }
  return fields
}

/**
 * Uploads `content` as a CSV file and confirms the mapping step as shown (after `adjust` changed the
 * form's fields, e.g. one column's field). Returns the job's path (its progress, then the report).
 */
export async function uploadAndConfirm(
  client: Client,
  slug: string,
  fileName: string,
  content: string | Uint8Array,
  adjust: (fields: URLSearchParams, mappingPage: string) => void = () => {},
): Promise<string> {
  const res = await client.upload(`/o/${slug}/leads/import`, fileName, content)
  expect(res.status, await res.clone().text()).toBe(303)
  const path = res.headers.get('Location')!
  const page = await client.html(path)
  const fields = formFields(page, 'import-mapping')
  adjust(fields, page)
  const confirmed = await client.request(path, { method: 'POST', body: fields })
  expect(confirmed.status, await confirmed.clone().text()).toBe(303)
  return path
}
