/** Recognising constraint failures that D1 reports as errors (its message, or its cause's), and retrying on them. */
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
