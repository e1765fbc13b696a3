/// <reference types="node" />
/**
 * A local webhook receiver, run in Node by vitest's globalSetup (test/global-setup-webhook-receiver.ts): Leadpool's
 * deliveries arrive at `POST /hooks/{name}` (one name per endpoint a test registers), are recorded with their
 * headers and body, and answered as the test scripted (by default 200).
 *
 * Control API (JSON), used through test/webhook-receiver.ts:
 * - `POST /_control/script/{name}` `ReceiverAnswer[]`: the next requests to `{name}` get these answers, in order;
 * - `GET /_control/received/{name}` → `Received[]`: every request that reached `{name}`, in order.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Received, ReceiverAnswer } from './webhook-receiver'

/** A running receiver: its base URL (`http://127.0.0.1:<port>`) and how to stop it. */
export type FakeReceiver = { url: string; close: () => Promise<void> }

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (part: string) => (body += part))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
}

/** Starts the receiver on 127.0.0.1 with a random free port. */
export async function startFakeReceiver(): Promise<FakeReceiver> {
  const received = new Map<string, Received[]>()
  const scripts = new Map<string, ReceiverAnswer[]>()
  const hanging = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const body = await readBody(req)
      const hook = /^\/hooks\/([\w-]+)$/.exec(path)?.[1]
      if (req.method === 'POST' && hook) {
        const header = (name: string) => String(req.headers[name] ?? '')
        const list = received.get(hook) ?? []
        received.set(hook, [
          ...list,
          {
            id: header('webhook-id'),
            timestamp: header('webhook-timestamp'),
            signature: header('webhook-signature'),
            body,
          },
        ])
        const answer = scripts.get(hook)?.shift() ?? 200
        if (answer === 'hang') {
          hanging.add(res) // never answered: the sender's timeout ends it
          res.on('close', () => hanging.delete(res))
          return
        }
        return json(res, answer, { received: true })
      }
      const script = /^\/_control\/script\/([\w-]+)$/.exec(path)?.[1]
      if (req.method === 'POST' && script) {
        scripts.set(script, [...(scripts.get(script) ?? []), ...(JSON.parse(body) as ReceiverAnswer[])])
        return json(res, 200, {})
      }
      const read = /^\/_control\/received\/([\w-]+)$/.exec(path)?.[1]
      if (req.method === 'GET' && read) return json(res, 200, received.get(read) ?? [])
      json(res, 404, {})
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.close(() => resolve())
      }),
  }
}
