/// <reference types="node" />
/**
 * A local fake of Resend's `POST /emails`, run in Node by vitest's globalSetup (never in workerd),
 * plus a control API the tests use to script answers and read what was really delivered.
 *
 * Like Resend it checks `Authorization: Bearer <key>`, validates the JSON body, and deduplicates on
 * `Idempotency-Key` (a repeat answers the first email's id and delivers nothing; the same key with
 * a different body answers 409 `invalid_idempotent_request`). Errors have Resend's JSON shape
 * `{ statusCode, name, message }`.
 *
 * Control API (JSON):
 * - `POST /_control/script` `{ to?: string, answers: ScriptedAnswer[] }`: the next requests for
 *   recipient `to` (or for anyone when `to` is omitted) get these answers, in order, before normal
 *   behaviour resumes. Per-recipient answers go first.
 * - `GET /_control/deliveries?to=…` → `{ requests, deliveries }`: how many `POST /emails` arrived
 *   for that recipient (every attempt), and the emails really delivered (after dedupe).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Delivery, ScriptedAnswer } from './fake-resend'

/** A running fake: its base URL (`http://127.0.0.1:<port>`) and how to stop it. */
export type FakeResend = { url: string; close: () => Promise<void> }

type Inbox = { requests: number; deliveries: Delivery[] }

/**
 * Starts the fake on 127.0.0.1 with a random free port.
 * @param apiKey the only bearer token `POST /emails` accepts
 * @returns its URL (use as RESEND_BASE_URL) and `close()`
 */
export async function startFakeResend(apiKey: string): Promise<FakeResend> {
  const inboxes = new Map<string, Inbox>()
  const scripts = new Map<string, ScriptedAnswer[]>() // '' = any recipient
  const byIdempotencyKey = new Map<string, { id: string; body: string }>()

  const inbox = (to: string) => {
    let found = inboxes.get(to)
    if (!found) inboxes.set(to, (found = { requests: 0, deliveries: [] }))
    return found
  }
  const nextScripted = (to: string) => scripts.get(to)?.shift() ?? scripts.get('')?.shift()

  async function sendEmail(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(res, 401, 'missing_api_key', 'Missing or invalid API key in the authorization header.')
    }
    const raw = await readBody(req)
    const body = parseEmail(raw)
    if (!body) return error(res, 422, 'validation_error', 'Body must be JSON with from, to, subject and text or html.')
    const to = body.to[0]!
    inbox(to).requests++

    const scripted = nextScripted(to)
    if (scripted === 'drop') {
      res.socket?.destroy() // the connection dies: the SDK reports statusCode null
      return
    }
    if (scripted)
      return error(res, scripted.status, scripted.name ?? 'application_error', scripted.message ?? 'Scripted failure')

    const key = req.headers['idempotency-key']
    const idempotencyKey = typeof key === 'string' ? key : null
    const previous = idempotencyKey ? byIdempotencyKey.get(idempotencyKey) : undefined
    if (previous) {
      if (previous.body !== raw) {
        return error(
          res,
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload.',
        )
      }
      return json(res, 200, { id: previous.id })
    }
    const id = randomUUID()
    if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, { id, body: raw })
    inbox(to).deliveries.push({
      id,
      idempotencyKey,
      from: body.from,
      to: body.to,
      subject: body.subject,
      text: body.text,
      html: body.html,
    })
    json(res, 200, { id })
  }

  async function script(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { to, answers } = JSON.parse(await readBody(req)) as { to?: string; answers: ScriptedAnswer[] }
    scripts.set(to ?? '', [...(scripts.get(to ?? '') ?? []), ...answers])
    json(res, 200, { ok: true })
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const route = `${req.method} ${url.pathname}`
    const handled =
      route === 'POST /emails'
        ? sendEmail(req, res)
        : route === 'POST /_control/script'
          ? script(req, res)
          : route === 'GET /_control/deliveries'
            ? Promise.resolve(json(res, 200, inbox(url.searchParams.get('to') ?? '')))
            : Promise.resolve(error(res, 404, 'not_found', `No route ${route}`))
    handled.catch((e: unknown) => error(res, 500, 'internal_server_error', String(e)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

type EmailBody = { from: string; to: string[]; subject: string; text?: string; html?: string }

/** The email in `raw`, or null when it is not JSON with from, to, subject and a body. */
function parseEmail(raw: string): EmailBody | null {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { from, to, subject, text, html } = value as Record<string, unknown>
  const recipients = typeof to === 'string' ? [to] : Array.isArray(to) ? to.filter((t) => typeof t === 'string') : []
  if (typeof from !== 'string' || typeof subject !== 'string' || recipients.length === 0) return null
  if (typeof text !== 'string' && typeof html !== 'string') return null
  return {
    from,
    to: recipients,
    subject,
    text: typeof text === 'string' ? text : undefined,
    html: typeof html === 'string' ? html : undefined,
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (part: string) => (body += part))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value))
}

function error(res: ServerResponse, statusCode: number, name: string, message: string): void {
  json(res, statusCode, { statusCode, name, message })
}
