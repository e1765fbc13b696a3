/** Test helpers for the live WebSockets (lead rooms): listening to a socket, waiting for what it receives. */
import { expect } from 'vitest'
import { pollUntil } from './poll'

/** The socket of a 101 answer `res`, accepted: every message it receives, and how it closed. */
export function listen(res: Response) {
  expect(res.status).toBe(101)
  const socket = res.webSocket!
  const messages: string[] = []
  const closed: { code?: number } = {}
  socket.addEventListener('message', (event) => messages.push(String(event.data)))
  socket.addEventListener('close', (event) => (closed.code = event.code))
  socket.accept()
  return { socket, messages, closed }
}

/** Waits up to 5 s until `check` holds (a room answers over the socket asynchronously); fails naming `what`. */
export async function until(check: () => boolean, what: string) {
  await pollUntil(what, () => expect(check(), what).toBe(true), { timeoutMs: 5_000, intervalMs: 10 })
}
