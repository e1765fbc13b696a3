/**
 * Reading a submitted lead from the web form or the API: a form body through `parseForm` (views/form-input.ts), or
 * a JSON object validated with the same schema, refused the same way (422 with a message per field).
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { fieldErrors } from '../lib/validation'
import { parseForm } from '../views/form-input'

/** True when the request's body is JSON (`Content-Type: application/json` or `…+json`). */
export function sentJson(c: Context<App>): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(c.req.header('Content-Type') ?? '')
}

/**
 * The body parsed with `schema`: JSON when sent as JSON (an object; missing fields count as empty), else a form.
 * @throws Refusal 422: JSON that is not an object, or invalid fields (first message, and `errors` per field)
 */
export async function parseSubmission<S extends z.ZodType>(c: Context<App>, schema: S): Promise<z.output<S>> {
  if (!sentJson(c)) return parseForm(c, schema)
  const body: unknown = await c.req.json().catch(() => undefined)
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Refusal(422, 'Send the lead as a JSON object.')
  const result = await schema.safeParseAsync(body)
  if (result.success) return result.data
  const errors = fieldErrors(result.error) as Record<string, string>
  throw new Refusal(422, result.error.issues[0]?.message ?? 'Check the lead and try again.', { errors })
}
