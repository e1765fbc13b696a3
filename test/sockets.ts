/** Test helpers for the live WebSockets (lead and pool rooms): listening to a socket, waiting for what it receives. */
import { expect } from 'vitest'
import { pollUntil } from './poll'

/** The socket of a 101 answer `res`, accepted: every message it receives, and how (code, reason) and when it closed. */
export function listen(res: Response) {
  expect(res.status).toBe(101)
  const socket = res.webSocket!
  const messages: string[] = []
  const closed: { code?: number; reason?: string; at?: number } = {}
  socket.addEventListener('message', (event) => {
    messages.push(String(event.data))
  })
  socket.addEventListener('close', (event) =>
    Object.assign(closed, { code: event.code, reason: event.reason, at: Date.now() }),
  )
  socket.accept()
  return { socket, messages, closed }
}

/**
 * Waits until `check` holds (a room answers over the socket asynchronously), up to `timeoutMs` (default 5 s); fails
 * naming `what`.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000) {
  await pollUntil(what, () => expect(check(), what).toBe(true), { timeoutMs, intervalMs: 10 })
}
