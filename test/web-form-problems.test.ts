/**
 * The web form `/f/{formKey}` sent as JSON is refused as the API is, with RFC 9457 problem JSON; a body that is
 * neither a form nor JSON is refused 415 with a sentence saying what to send (docs/ARCHITECTURE.md "Intake and
 * routing").
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { dom, textOf } from './dom'
import { Client, env, signUp } from './helpers'
import { orgIdOf } from './pool-fixtures'

let formPath: string
let orgId: string

beforeAll(async () => {
  const { client: owner, slug } = await signUp('Form Problems Org')
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<{ form_key: string }>()
  formPath = `/f/${row!.form_key}`
  orgId = await orgIdOf(slug)
})

/** Posts `body` to the web form from another site, as a visitor's browser or script does. */
function send(body: BodyInit | null, contentType: string | null) {
  const headers: Record<string, string> = { Origin: 'https://shop.example' }
  if (contentType) headers['Content-Type'] = contentType
  return new Client().request(formPath, { method: 'POST', body, headers })
}

/** A problem answer as a script reads it: status, media type and the problem's members. */
async function problemOf(res: Response) {
  const body = await res.json<{ type: string; title: string; status: number; detail: string }>()
  return { mediaType: res.headers.get('Content-Type'), answered: res.status, ...body }
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/lead+json']
const A_LEAD = JSON.stringify({ name: 'Dana Visitor', email: 'dana.problem@example.com', message: 'Hello' })

const leadsOfOrg = async () =>
  (await env.DB.prepare('SELECT id FROM leads WHERE org_id = ?').bind(orgId).all()).results.length

describe('the web form sent as JSON answers its refusals as problem JSON', () => {
  it('a truncated body: 400 problem JSON, nothing taken in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...JSON_TYPES),
        fc.integer({ min: 0, max: A_LEAD.length - 1 }),
        async (type, cut) => {
          const problem = await problemOf(await send(A_LEAD.slice(0, cut), type))
          expect(problem).toMatchObject({ mediaType: 'application/problem+json', answered: 400, status: 400 })
          expect(problem.detail).toMatch(/not valid JSON/)
        },
      ),
      { numRuns: 15 },
    )
    expect(await leadsOfOrg()).toBe(0)
  })

  it('a body that is not UTF-8: 422 problem JSON', async () => {
    const bad = fc.constantFrom([0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80])
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...JSON_TYPES), bad, async (type, bytes) => {
        const head = new TextEncoder().encode('{"name":"')
        const tail = new TextEncoder().encode('","email":"b@example.com"}')
        const body = new Uint8Array([...head, ...bytes, ...tail])
        const problem = await problemOf(await send(body, type))
        expect(problem).toMatchObject({ mediaType: 'application/problem+json', answered: 422, status: 422 })
        expect(problem.title).toBe('Unprocessable Content')
      }),
      { numRuns: 10 },
    )
  })

  it('JSON with fields refused: 422 problem JSON naming each field', async () => {
    const res = await send(JSON.stringify({ name: '', email: 'not-an-email' }), 'application/json')
    const problem = await problemOf(res)
    expect(problem).toMatchObject({ mediaType: 'application/problem+json', answered: 422 })
    expect(Object.keys((problem as unknown as { errors: object }).errors).sort()).toEqual(['email', 'name'])
  })
})

describe('a body that is neither a form nor JSON', () => {
  it('is refused 415, saying what to send, whatever it holds', async () => {
    const types = fc.constantFrom('text/plain', 'text/csv', 'application/xml', 'application/octet-stream', null)
    await fc.assert(
      fc.asyncProperty(types, fc.constantFrom(A_LEAD, 'name=Dana&email=d%40example.com', ''), async (type, body) => {
        const res = await send(body, type)
        expect(res.status).toBe(415)
        const heading = textOf(dom(await res.text()).querySelector('h1'))
        expect(heading).toBe('Send the form as a form (urlencoded or multipart) or as JSON (application/json).')
      }),
      { numRuns: 15 },
    )
    expect(await leadsOfOrg()).toBe(0)
  })
})
