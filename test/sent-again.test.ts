/**
 * When D1 fails for every query, the session lookup's included, no form page can be shown: the 503 error page itself
 * keeps what was sent (docs/ARCHITECTURE.md "Nothing lost"), to copy, and "Send it again", which saves the change once
 * the database is back. Secrets (passwords) are never echoed.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { NOT_SAVED } from '../src/db/errors'
import type { Env } from '../src/env'
import { STILL_IN_FORM } from '../src/views/render-error'
import { postWith } from './app-with-bindings'
import { dom, textOf, type Page } from './dom'
import { type Client, createLead, env, joinAs, signUp } from './helpers'

/** The test env with D1 failing every statement and batch, as a locked database file does. */
function envWithD1Down(): Env {
  const fail = () => Promise.reject(new Error('D1_ERROR: database is locked'))
  const failing = { bind: () => failing, run: fail, all: fail, raw: fail, first: fail }
  const down = { prepare: () => failing, batch: fail, getBookmark: () => null }
  return { ...env, DB: { ...down, withSession: () => down } as unknown as D1Database }
}

/** Posts `fields` urlencoded, as `client`'s browser does, to the app running with D1 down. */
const postWhileDown = (client: Client, path: string, fields: URLSearchParams, headers = {}) =>
  postWith(envWithD1Down(), client, path, fields, headers)

const form = (fields: [string, string][]) => new URLSearchParams(fields)

/** The values the page shows to copy, by field name (a name sent twice: its values in order). */
function copyable(page: Page): [string, string][] {
  const values = [...page.querySelectorAll('dl[data-sent] dd')].map((value) => value.textContent ?? '')
  return [...page.querySelectorAll('dl[data-sent] dt')].map((name, i) => [textOf(name), values[i]!])
}

/** The "Send it again" form: its action and the fields its hidden inputs carry. */
function sendAgain(page: Page) {
  const again = page.querySelector('form[data-send-again]')
  expect(again, 'a Send it again form').not.toBeNull()
  expect(again!.getAttribute('method')).toBe('post')
  expect(textOf(again!.querySelector('button[type=submit]'))).toBe('Send it again')
  const hidden = [...again!.querySelectorAll('input[type=hidden]')]
  return {
    action: again!.getAttribute('action')!,
    fields: hidden.map((input) => [input.getAttribute('name')!, input.getAttribute('value')!] as [string, string]),
  }
}

type World = { owner: Client; slug: string; agentId: string; leadId: string; formPath: string }

type Write = {
  name: string
  path: (w: World) => string
  fields: (w: World) => [string, string][]
  /** True once the change was saved. */
  saved: (w: World) => Promise<boolean>
}

const one = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...binds)
    .first()) !== null

const WRITES: Write[] = [
  {
    name: 'new lead',
    path: (w) => `/o/${w.slug}/leads`,
    fields: () => [
      ['name', 'Dana <Typed> & Co'],
      ['email', 'dana.sent@example.com'],
      ['formToken', crypto.randomUUID()],
    ],
    saved: () => one('SELECT id FROM leads WHERE email = ?', 'dana.sent@example.com'),
  },
  {
    name: 'note',
    path: (w) => `/o/${w.slug}/leads/${w.leadId}/notes`,
    fields: () => [['body', 'Call back "Tuesday"\nabout pricing']],
    saved: (w) => one('SELECT id FROM notes WHERE lead_id = ? AND body LIKE ?', w.leadId, 'Call back "Tuesday"%'),
  },
  {
    name: 'bulk assign with a note',
    path: (w) => `/o/${w.slug}/leads/bulk-assign`,
    fields: (w) => [
      ['leadIds', w.leadId],
      ['assigneeId', w.agentId],
      ['note', 'Yours from today'],
    ],
    saved: (w) => one('SELECT 1 FROM lead_assignees WHERE lead_id = ? AND user_id = ?', w.leadId, w.agentId),
  },
  {
    name: 'web form',
    path: (w) => w.formPath,
    fields: () => [
      ['name', 'Vera Visitor'],
      ['email', 'vera.sent@example.com'],
      ['message', 'Please call me'],
    ],
    saved: () => one('SELECT id FROM leads WHERE email = ?', 'vera.sent@example.com'),
  },
  {
    name: 'settings',
    path: (w) => `/o/${w.slug}/settings`,
    fields: () => [
      ['poolEnabled', '1'],
      ['multipleAssignees', '1'],
    ],
    saved: (w) => one('SELECT id FROM organizations WHERE slug = ? AND multiple_assignees = 1', w.slug),
  },
]

let world: World

beforeAll(async () => {
  const { client: owner, slug } = await signUp('Sent Again Co')
  const agent = await joinAs(owner, slug, 'agent', 'Ava Agent')
  const leadId = await createLead(owner, slug, { name: 'Kept Lead' })
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const key = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<{ form_key: string }>()
  world = { owner, slug, agentId: agent.userId, leadId, formPath: `/f/${key!.form_key}` }
})

describe('a change not saved because the database is down, before any form page could be named', () => {
  it.each(WRITES)('$name: the 503 page shows what was typed; Send it again saves it once D1 is back', async (write) => {
    const fields = write.fields(world)
    const res = await postWhileDown(world.owner, write.path(world), form(fields))
    expect(res.status).toBe(503)
    const page = dom(await res.text())
    expect(textOf(page.querySelector('h1'))).toBe(NOT_SAVED)
    expect(copyable(page)).toEqual(fields.filter(([name]) => name !== 'formToken'))
    const again = sendAgain(page)
    expect(again.action).toBe(write.path(world))
    expect(again.fields).toEqual(fields)
    expect(await write.saved(world)).toBe(false)
    const resent = await world.owner.request(again.action, { method: 'POST', body: form(again.fields) })
    expect(resent.status).toBeLessThan(400)
    expect(await write.saved(world)).toBe(true)
  })

  it('Send it again pressed twice at once makes one lead: the form token is sent again with it', async () => {
    const fields: [string, string][] = [
      ['name', 'Twice Pressed'],
      ['email', 'twice.pressed@example.com'],
      ['formToken', crypto.randomUUID()],
    ]
    const res = await postWhileDown(world.owner, `/o/${world.slug}/leads`, form(fields))
    expect(res.status).toBe(503)
    const again = sendAgain(dom(await res.text()))
    const answers = await Promise.all(
      [1, 2].map(() => world.owner.request(again.action, { method: 'POST', body: form(again.fields) })),
    )
    expect(answers.map((answer) => answer.status)).toEqual([303, 303])
    const leads = await env.DB.prepare('SELECT id FROM leads WHERE email = ?').bind('twice.pressed@example.com').all()
    expect(leads.results).toHaveLength(1)
  })

  it('keeps any typed note exactly, in what is shown and in what is sent again', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (body) => {
        const res = await postWhileDown(
          world.owner,
          `/o/${world.slug}/leads/${world.leadId}/notes`,
          form([['body', body]]),
        )
        expect(res.status).toBe(503)
        const page = dom(await res.text())
        expect(sendAgain(page).fields).toEqual([['body', body.replace(/\r\n?/g, '\n')]])
      }),
      { numRuns: 15 },
    )
  })

  it('never echoes a password: the log-in form sent while D1 is down', async () => {
    const password = 'correct-horse-battery-staple'
    const res = await postWhileDown(
      world.owner,
      '/login',
      form([
        ['email', 'someone@example.com'],
        ['password', password],
      ]),
    )
    expect(res.status).toBe(503)
    const html = await res.text()
    const page = dom(html)
    expect(textOf(page)).toContain(NOT_SAVED)
    expect(html).not.toContain(password)
    expect(sendAgain(page).fields).toEqual([['email', 'someone@example.com']])
  })

  it('an htmx request keeps its alert, which says the form still holds what was typed', async () => {
    const res = await postWhileDown(
      world.owner,
      `/o/${world.slug}/leads/${world.leadId}/notes`,
      form([['body', 'typed in place']]),
      { 'HX-Request': 'true' },
    )
    expect(res.status).toBe(503)
    const alert = dom(await res.text()).querySelector('[role=alert]')
    expect(textOf(alert)).toContain(NOT_SAVED)
    expect(textOf(alert)).toContain(STILL_IN_FORM)
  })
})
