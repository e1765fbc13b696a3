/**
 * Recognising what D1 and the other bindings report as errors (its message, or its cause's): constraint failures, and
 * retrying on them; failures of the database or a binding, which answer 503 (docs/ARCHITECTURE.md "Nothing lost").
 */
import { Refusal } from '../lib/errors'

/**
 * True when `error` is SQLite's "UNIQUE constraint failed" naming `target` (a table, or
 * `table.column`), e.g. `uniqueViolation(e, 'users.email')`.
 */
export function uniqueViolation(error: unknown, target: string): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? error)
  return /UNIQUE constraint failed/i.test(text) && text.includes(target)
}

/** The sentence a person reads when their write kept losing to concurrent writes to the same lead. */
export const CONCURRENT_CHANGE = 'Someone else changed this lead at the same moment; reload and try again.'

/** How long `retryOnConflict` keeps trying before answering 409 (ms). */
export const RETRY_BUDGET_MS = 5_000

/** Options of `retryOnConflict`: time budget (ms) and the 409 sentence when it runs out. */
export type RetryOptions = { budgetMs?: number; message?: string }

/**
 * Runs `work` again while it fails on one of the unique constraints `targets` (see
 * `uniqueViolation`) or on a stale-state guard (db/guard.ts): for writes that read, then write, and
 * lose a race to a concurrent writer. Each run re-reads the state, so it is planned against the
 * winner's result. Tries until it succeeds or `budgetMs` (default 5 s) has passed, with a short
 * random pause between tries so concurrent losers spread out.
 * @throws Refusal 409 (`message`, default CONCURRENT_CHANGE) when the budget runs out; any other error at once
 */
export async function retryOnConflict<T>(
  targets: string | string[],
  work: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const list = typeof targets === 'string' ? [targets] : targets
  const deadline = Date.now() + (options.budgetMs ?? RETRY_BUDGET_MS)
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!staleWrite(error) && !list.some((target) => uniqueViolation(error, target))) throw error
      if (Date.now() >= deadline) throw new Refusal(409, options.message ?? CONCURRENT_CHANGE)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * attempt)))
    }
  }
}

/** Name of the CHECK constraint a stale-state guard trips (see db/guard.ts). */
export const STALE_WRITE = 'stale_write'

/** True when `error` is a batch stopped by a stale-state guard: the state it was planned on changed. */
export function staleWrite(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? error)
  return /CHECK constraint failed/i.test(text) && text.includes(STALE_WRITE)
}

/** What a person reads when the database or a binding failed before their change was saved (503). */
export const NOT_SAVED = 'This change was not saved; try again.'

/** What a person reads when their change was saved but the database failed while the answer was being made (503). */
export const SAVED_NOT_SHOWN = 'Your change was saved, but the page could not be shown; reload it.'

/** What a person reads when the database or a binding failed while a page was being read (503). */
export const NOT_LOADED = 'This page could not be loaded just now; try again.'

/**
 * The platform's wording of a failed D1 statement or batch ("D1_ERROR: …", "D1_EXEC_ERROR: …", a lost connection, an
 * overloaded or reset database), a failed Durable Object call, or a failed Queue send.
 */
const BINDING_FAILURE =
  /\bD1_[A-Z_]+\b|network connection lost|overloaded|internal error|transient issue|object (?:was |to be )?reset|queue send(?:batch)? failed|timed out/i

/**
 * True when `error`, or a cause of it (Drizzle wraps D1's errors as their `cause`), is a failure of the database or
 * of a binding: D1 (see BINDING_FAILURE), a Durable Object call (the runtime marks those `retryable` or `overloaded`)
 * or a Queue send. Constraint failures count too: one that reaches the answer stopped its batch whole.
 */
export function bindingFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const marks = e as { retryable?: unknown; overloaded?: unknown; message?: unknown }
    if (marks.retryable === true || marks.overloaded === true) return true
    if (typeof marks.message === 'string' && BINDING_FAILURE.test(marks.message)) return true
    if (typeof e === 'string' && BINDING_FAILURE.test(e)) return true
  }
  return false
}
