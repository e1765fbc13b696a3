/**
 * The one way routes read form input (docs/ARCHITECTURE.md): the body parsed with a zod schema,
 * invalid input refused with 422 and a message per field, which the page the route names shows (views/refusal-page.ts)
 * beside each field (`data-error-for`) or, for forms without field slots, as the page's alert.
 * A body that is not UTF-8 text is refused first (422, lib/form-encoding.ts): the parsers would
 * silently turn it into U+FFFD. Routes authorize before they call `parseForm`, so a viewer who may
 * not act gets 403/404 whatever the body holds.
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { formBodyIsUtf8, INVALID_FORM_ENCODING } from '../lib/form-encoding'
import { fieldErrors } from '../lib/validation'

/**
 * Refuses a form body (urlencoded or multipart, files excepted) that is not UTF-8 text; any other
 * body passes. Reads the raw body once (Hono caches it for the parser after it).
 * @throws Refusal 422 with INVALID_FORM_ENCODING
 */
async function requireUtf8Form(c: Context<App>): Promise<void> {
  const type = c.req.header('Content-Type')
  if (!type || c.req.method === 'GET' || c.req.method === 'HEAD') return
  const body = await c.req.arrayBuffer().catch(() => new ArrayBuffer(0))
  if (!formBodyIsUtf8(type, new Uint8Array(body))) throw new Refusal(422, INVALID_FORM_ENCODING)
}

/**
 * Parses the request's urlencoded or multipart body with `schema` (a field sent several times
 * arrives as an array, files as `File`; any other body as no fields).
 * @returns the schema's output
 * @throws Refusal 422 with INVALID_FORM_ENCODING when the body is not UTF-8 text; else 422 with the
 *   first message as its sentence and `errors` holding the first message of each invalid field
 */
export async function parseForm<S extends z.ZodType>(c: Context<App>, schema: S): Promise<z.output<S>> {
  await requireUtf8Form(c)
  const body = await c.req.parseBody({ all: true }).catch(() => ({}))
  const result = await schema.safeParseAsync(body)
  if (result.success) return result.data
  const errors = fieldErrors(result.error) as Record<string, string>
  throw new Refusal(422, result.error.issues[0]?.message ?? 'Check the form and try again.', { errors })
}
