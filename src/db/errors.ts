/** Recognising constraint failures that D1 reports as errors (its message, or its cause's). */

/**
 * True when `error` is SQLite's "UNIQUE constraint failed" naming `target` (a table, or
 * `table.column`), e.g. `uniqueViolation(e, 'users.email')`.
 */
export function uniqueViolation(error: unknown, target: string): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? error)
  return /UNIQUE constraint failed/i.test(text) && text.includes(target)
}

/**
 * Runs `work` again (up to `attempts` times in all) while it fails on the unique constraint
 * `target`: for writes that check, then write, and lose a race to a concurrent writer.
 * @throws the last error, or any other error at once
 */
export async function retryOnConflict<T>(target: string, work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= attempts || !uniqueViolation(error, target)) throw error
    }
  }
}
