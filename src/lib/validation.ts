/**
 * Form validation: `@hono/zod-validator` with a hook that re-renders the form with 422 and a message
 * per field (DESIGN.md "Bad input"), instead of the validator's default JSON 400.
 */
import { zValidator } from '@hono/zod-validator'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import type { FieldErrors } from '../views/forms'

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

function stringValues(data: unknown): FormValues {
  const out: FormValues = {}
  if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) if (typeof value === 'string') out[key] = value
  }
  return out
}

/**
 * Validates an urlencoded/multipart form body against `schema`; on failure calls `onInvalid` with
 * the submitted values and messages, which should answer 422 with the form re-rendered.
 */
export function validForm<S extends z.ZodType>(
  schema: S,
  onInvalid: (c: Context<App>, values: FormValues, errors: FieldErrors) => Response | Promise<Response>,
) {
  return zValidator('form', schema, (result, c) => {
    if (!result.success) {
      return onInvalid(c as unknown as Context<App>, stringValues(result.data), fieldErrors(result.error))
    }
  })
}

/**
 * The string fields of an urlencoded or multipart body (the last value of a repeated field; files dropped); `{}`
 * for any other body. For small action forms that answer refusals on the page they came from.
 */
export async function formFields(c: Context<App>): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}))
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value
  return out
}
