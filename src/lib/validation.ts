/** Pure helpers for form validation messages (the request side is views/form-input.ts). */

/** Messages per field name, e.g. `{ email: 'Enter a valid email address' }`. */
export type FieldErrors = Record<string, string | undefined>

/** What the user typed, as strings, to put back into the re-rendered form. */
export type FormValues = Record<string, string>

/** First message per top-level field of a zod error, e.g. `{ email: 'Enter a valid email' }`. */
export function fieldErrors(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[]
}): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form')
    out[key] ??= issue.message
  }
  return out
}
