/**
 * Form validation: `@hono/zod-validator` with a hook that re-renders the form with 422 and a message
 * per field (DESIGN.md "Bad input"), instead of the validator's default JSON 400. Every way a route
 * reads a form body goes through this module, which first refuses (422) a body that is not UTF-8
 * text (form-encoding.ts), since the parsers would silently turn it into U+FFFD.
 */
import { zValidator } from '@hono/zod-validator'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import type { FieldErrors } from '../views/forms'
import { Refusal } from './errors'
import { formBodyIsUtf8, INVALID_FORM_ENCODING } from './form-encoding'

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
  return zValidator('form', schema, async (result, c) => {
    // The validator has read the raw body already (cached): refuse it if it was not UTF-8.
    await requireUtf8Form(c as unknown as Context<App>)
    if (!result.success) {
      return onInvalid(c as unknown as Context<App>, stringValues(result.data), fieldErrors(result.error))
    }
  })
}

/**
 * Refuses a form body (urlencoded or multipart, files excepted) that is not UTF-8 text; any other
 * body passes. Reads the raw body once (Hono caches it for the parsers after it).
 * @throws Refusal 422 with INVALID_FORM_ENCODING
 */
export async function requireUtf8Form(c: Context<App>): Promise<void> {
  const type = c.req.header('Content-Type')
  if (!type || c.req.method === 'GET' || c.req.method === 'HEAD') return
  const body = await c.req.arrayBuffer().catch(() => new ArrayBuffer(0))
  if (!formBodyIsUtf8(type, new Uint8Array(body))) throw new Refusal(422, INVALID_FORM_ENCODING)
}

/**
 * The fields of an urlencoded or multipart body, files included (the last value of a repeated
 * field); `{}` for any other body.
 * @throws Refusal 422 when the body is not UTF-8 text
 */
export async function formBody(c: Context<App>): Promise<Record<string, string | File>> {
  await requireUtf8Form(c)
  return c.req.parseBody().catch((): Record<string, string | File> => ({}))
}

/**
 * The body as `FormData` (repeated fields kept), empty for a body that is not a form.
 * @throws Refusal 422 when the body is not UTF-8 text
 */
export async function formData(c: Context<App>): Promise<FormData> {
  await requireUtf8Form(c)
  return c.req.formData().catch(() => new FormData())
}

/**
 * The string fields of an urlencoded or multipart body (the last value of a repeated field; files dropped); `{}`
 * for any other body. For small action forms that answer refusals on the page they came from.
 * @throws Refusal 422 when the body is not UTF-8 text
 */
export async function formFields(c: Context<App>): Promise<Record<string, string>> {
  const body = await formBody(c)
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value
  return out
}
