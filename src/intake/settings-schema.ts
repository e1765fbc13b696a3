/** The intake settings forms: the thank-you URL and a new API key's name (text rules of src/lib/text.ts). */
import { z } from 'zod'
import { optionalSingleLine, singleLine } from '../lib/text'

/** `POST /o/{slug}/settings/intake`: `thankYouUrl`, empty or an http(s) address. */
export const thankYouSchema = z.object({
  thankYouUrl: optionalSingleLine('thank-you URL', 2000).refine(
    (v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)),
    'Enter a web address starting with https:// (or leave it empty)',
  ),
})

/** `POST /o/{slug}/settings/api-keys`: the key's `name`. */
export const apiKeySchema = z.object({ name: singleLine('name', 100, 'Name the key (e.g. the system that uses it)') })
