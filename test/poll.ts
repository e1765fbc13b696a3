/**
 * Waiting for a condition in the vitest tests, never for a fixed time: the one "poll until done" helper
 * (docs/ARCHITECTURE.md "Testing"), and its use for pages that change by themselves (an import's progress).
 * The browser tests have their twin in test/e2e/poll.mjs (they run in Node, not in workerd).
 */
import { vi } from 'vitest'
import { dom, textOf } from './dom'
import type { Client } from './helpers'

/**
 * Calls `attempt` until it returns instead of throwing (an `expect` that fails, or an Error saying what it
 * saw), and answers what it returned; a new attempt starts `intervalMs` after the previous one was called,
 * never while one is still running. @throws an Error saying `what` did not happen within `timeoutMs` (ms),
 * with the last attempt's error, when it never returned.
 */
export async function pollUntil<T>(
  what: string,
  attempt: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  try {
    return await vi.waitFor(attempt, { timeout: timeoutMs, interval: intervalMs })
  } catch (error) {
    const last = error instanceof Error ? error.message : String(error)
    throw new Error(`${what}: not within ${timeoutMs / 1000} s (last attempt: ${last})`, { cause: error })
  }
}

/**
 * Reloads `path` as `client` (as an import's progress bar does) until its HTML contains `text` (e.g.
 * `data-status="done"`), and answers that HTML. @throws when it never does within `timeoutMs` (ms), quoting
 * what the page's <main> said last.
 */
export function reloadUntil(client: Client, path: string, text: string, timeoutMs = 60_000): Promise<string> {
  return pollUntil(
    `GET ${path} shows ${text}`,
    async () => {
      const html = await client.html(path)
      if (!html.includes(text)) throw new Error(`it says "${textOf(dom(html).querySelector('main')).slice(0, 300)}"`)
      return html
    },
    { timeoutMs, intervalMs: 200 },
  )
}

/**
 * Reloads `path` as `client` until an element matching `selector` shows on the page (e.g. an import's report:
 * `#import-status[data-status="done"]`), and answers the page's HTML. @throws when it never does within
 * `timeoutMs` (ms), quoting what the page's <main> said last.
 */
export function reloadUntilShown(client: Client, path: string, selector: string, timeoutMs = 60_000): Promise<string> {
  return pollUntil(
    `GET ${path} shows ${selector}`,
    async () => {
      const html = await client.html(path)
      const page = dom(html)
      if (!page.querySelector(selector))
        throw new Error(`it says "${textOf(page.querySelector('main')).slice(0, 300)}"`)
      return html
    },
    { timeoutMs, intervalMs: 200 },
  )
}
