/**
 * The tests' side of the local webhook receiver (test/fake-webhook-receiver.ts): its URL, provided by
 * test/global-setup-webhook-receiver.ts, and its control API. Runs inside workerd; talks to the Node server over
 * plain HTTP.
 */
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the webhook receiver, e.g. `http://127.0.0.1:41234`. */
    webhookReceiverUrl: string
  }
}

/** A scripted answer: an HTTP status, or `'hang'` (never answers: the sender times out). */
export type ReceiverAnswer = number | 'hang'

/** A request that reached the receiver: its Standard Webhooks headers and its body. */
export type Received = { id: string; timestamp: string; signature: string; body: string }

/** The URL an endpoint named `name` registers (a name of letters, digits, `_` and `-`). */
export function hookUrl(name: string): string {
  return `${inject('webhookReceiverUrl')}/hooks/${name}`
}

/** Makes the next requests to `name` get `answers`, in order (then 200 again). */
export async function scriptHook(name: string, answers: ReceiverAnswer[]): Promise<void> {
  const res = await fetch(`${inject('webhookReceiverUrl')}/_control/script/${name}`, {
    method: 'POST',
    body: JSON.stringify(answers),
  })
  if (!res.ok) throw new Error(`receiver script failed: ${res.status}`)
}

/** Every request that reached `name`, in order. */
export async function receivedAt(name: string): Promise<Received[]> {
  const res = await fetch(`${inject('webhookReceiverUrl')}/_control/received/${name}`)
  if (!res.ok) throw new Error(`receiver read failed: ${res.status}`)
  return res.json()
}
