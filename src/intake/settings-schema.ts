/** The intake settings forms: the thank-you URL and a new API key's name (text rules of src/lib/text.ts). */
import { z } from 'zod'
import { API_SCOPES } from '../db/schema'
import { optionalSingleLine, singleLine } from '../lib/text'

/** `POST /o/{slug}/settings/intake`: `thankYouUrl`, empty or an http(s) address. */
export const thankYouSchema = z.object({
  thankYouUrl: optionalSingleLine('thank-you URL', 2000).refine(
    (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
    'Enter a web address starting with https:// (or leave it empty)',
  ),
})

/** A scope's checkbox: ticked sends `1`, unticked sends nothing. */
const scopeBox = z
  .string()
  .optional()
  .transform((v) => v === '1')

/**
 * `POST /o/{slug}/settings/api-keys`: the key's `name` and its scopes (`scope_read`, `scope_write`, `scope_assign`
 * checkboxes), at least one; gives `{ name, scopes }`.
 */
export const apiKeySchema = z
  .object({
    name: singleLine('name', 100, 'Name the key (e.g. the system that uses it)'),
    scope_read: scopeBox,
    scope_write: scopeBox,
    scope_assign: scopeBox,
  })
  .transform((v) => ({ name: v.name, scopes: API_SCOPES.filter((s) => v[`scope_${s}`]) }))
  .refine((v) => v.scopes.length > 0, { path: ['scopes'], message: 'Choose at least one thing the key may do' })
