/**
 * Reading a submitted lead from the web form or the API: a form body through `parseForm` (views/form-input.ts), or
 * a JSON object validated with the same schema, refused the same way (422 with a message per field). A JSON body
 * must be UTF-8 (422 otherwise, as forms) and JSON (400 otherwise).
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { INVALID_JSON_ENCODING, isUtf8 } from '../lib/form-encoding'
import { fieldErrors } from '../lib/validation'
import { parseForm } from '../views/form-input'

/** True when the request's body is JSON (`Content-Type: application/json` or `…+json`). */
export function sentJson(c: Context): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(c.req.header('Content-Type') ?? '')
}

/**
 * The request's body parsed as JSON (any JSON value). Reads the raw body once; Hono keeps it, so a validator
 * after this one parses the same bytes.
 * @throws Refusal 422 with INVALID_JSON_ENCODING when the body is not UTF-8 (which the parser would turn into
 *   U+FFFD); 400 when it is not JSON (empty, truncated, not JSON at all), naming what the parser found
 */
export async function readJson(c: Context): Promise<unknown> {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  if (!isUtf8(bytes)) throw new Refusal(422, INVALID_JSON_ENCODING)
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    throw new Refusal(400, `The body is not valid JSON (${why}), so nothing was saved. Send one JSON object.`)
  }
}

/**
 * The body parsed with `schema`: JSON when sent as JSON (an object; missing fields count as empty), else a form.
 * @throws Refusal 400: a JSON body that is not JSON; 422: a body that is not UTF-8, JSON that is not an object, or
 *   invalid fields (first message, and `errors` per field)
 */
export async function parseSubmission<S extends z.ZodType>(c: Context<App>, schema: S): Promise<z.output<S>> {
  if (!sentJson(c)) return parseForm(c, schema)
  const body = await readJson(c)
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Refusal(422, 'Send the lead as a JSON object.')
  const result = await schema.safeParseAsync(body)
  if (result.success) return result.data
  const errors = fieldErrors(result.error) as Record<string, string>
  throw new Refusal(422, result.error.issues[0]?.message ?? 'Check the lead and try again.', { errors })
}
