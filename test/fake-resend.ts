/**
 * The tests' side of the fake Resend (test/fake-resend-server.ts): its URL, provided by
 * test/global-setup-fake-resend.ts, and its control API (script answers, read deliveries).
 * Runs inside workerd; talks to the Node server over plain HTTP.
 */
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the fake Resend, e.g. `http://127.0.0.1:41234`. */
    fakeResendUrl: string
  }
}

/** The API key the fake accepts. */
export const FAKE_RESEND_KEY = 'test-key'

/**
 * One scripted answer to `POST /emails`: an HTTP error with Resend's error body, or `'drop'` to
 * close the connection without answering (a network failure).
 */
export type ScriptedAnswer = { status: number; name?: string; message?: string } | 'drop'

/** An email the fake really delivered (a repeat with the same idempotency key adds none). */
export type Delivery = {
  id: string
  idempotencyKey: string | null
  from: string
  to: string[]
  subject: string
  text?: string
  html?: string
}

/** The fake's base URL, to use as RESEND_BASE_URL. */
export function fakeResendUrl(): string {
  return inject('fakeResendUrl')
}

/** Makes the next requests for `to` (every recipient when null) get `answers`, in order. */
export async function scriptAnswers(to: string | null, answers: ScriptedAnswer[]): Promise<void> {
  const res = await fetch(`${fakeResendUrl()}/_control/script`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(to === null ? { answers } : { to, answers }),
  })
  if (!res.ok) throw new Error(`fake Resend script failed: ${res.status}`)
}

/** How many `POST /emails` reached the fake for `to`, and what it delivered to them. */
export async function inboxOf(to: string): Promise<{ requests: number; deliveries: Delivery[] }> {
  const res = await fetch(`${fakeResendUrl()}/_control/deliveries?to=${encodeURIComponent(to)}`)
  if (!res.ok) throw new Error(`fake Resend read failed: ${res.status}`)
  return res.json()
}
