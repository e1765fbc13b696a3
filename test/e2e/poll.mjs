// The one "poll until done" helper of the browser tests and their runner (test/e2e/run.mjs), for what only
// shows by asking again (the dev mailbox, the server's health): wait for a condition, never for a fixed time.
// Its twin for the vitest tests is test/poll.ts (they run in workerd). Not a test file itself.
import { setTimeout as pause } from 'node:timers/promises'

/**
 * Calls `attempt` (async) until it returns instead of throwing (an assertion that fails, or an Error saying
 * what it saw), and answers what it returned. The next attempt starts `intervalMs` (ms) after the previous one
 * ended. @throws an Error saying `what` did not happen within `timeoutMs` (ms), with the last attempt's error;
 * or `signal`'s reason as soon as `signal` aborts (e.g. the server it waits for has exited).
 */
export async function pollUntil(what, attempt, { timeoutMs, intervalMs = 250, signal } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    signal?.throwIfAborted()
    let last
    try {
      return await attempt()
    } catch (error) {
      last = error
    }
    signal?.throwIfAborted()
    if (Date.now() >= deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s (last attempt: ${last?.message ?? last})`, {
        cause: last,
      })
    await pause(intervalMs, undefined, { signal })
  }
}
