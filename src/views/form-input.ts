/**
 * The one way routes read form input (docs/ARCHITECTURE.md): the body parsed with a zod schema,
 * invalid input refused with 422 and a message per field, which the route's `onRefusal` page shows
 * beside each field (`data-error-for`) or, for forms without field slots, as the page's alert.
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { fieldErrors } from '../lib/validation'

/**
 * Parses the request's urlencoded or multipart body with `schema` (a field sent several times
 * arrives as an array, files as `File`; any other body as no fields).
 * @returns the schema's output
 * @throws Refusal 422 with the first message as its sentence and `errors` holding the first
 *   message of each invalid field
 */
export async function parseForm<S extends z.ZodType>(c: Context<App>, schema: S): Promise<z.output<S>> {
  const body = await c.req.parseBody({ all: true }).catch(() => ({}))
  const result = await schema.safeParseAsync(body)
  if (result.success) return result.data
  const errors = fieldErrors(result.error) as Record<string, string>
  throw new Refusal(422, result.error.issues[0]?.message ?? 'Check the form and try again.', { errors })
}
