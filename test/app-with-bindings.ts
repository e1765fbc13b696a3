/**
 * Runs the app with bindings of a test's own (a failing D1, a Durable Object stub that throws), as the failing-binding
 * tests (test/db-failure.test.ts, test/sent-again.test.ts) need: the Worker's default export always has the real ones.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { buildApp } from '../src/app'
import type { Env } from '../src/env'
import { type Client, ORIGIN } from './helpers'

/**
 * Sends `fields` (urlencoded, as a browser does) as `client` (its session cookie and address) to the app running with
 * `bindings`, waiting for the work it left running after answering. @returns the answer, redirects not followed
 */
export async function postWith(bindings: Env, client: Client, path: string, fields: URLSearchParams, headers = {}) {
  const ctx = createExecutionContext()
  const res = await buildApp().fetch(
    new Request(new URL(path, ORIGIN), {
      method: 'POST',
      body: fields,
      redirect: 'manual',
      headers: {
        Origin: ORIGIN,
        'CF-Connecting-IP': client.ip,
        Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...headers,
      },
    }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return res
}
