/** Lead field rules shared by the create form and the CSV import. */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'
import { optionalSingleLine, singleLine } from '../lib/text'

/** Optional email: empty is allowed, anything else must be a valid address (text rules first). */
export const optionalEmail = optionalSingleLine('email address', 254).refine(
  (v) => v === '' || z.email().safeParse(v).success,
  'Enter a valid email address',
)

/** The create-lead form (docs/ARCHITECTURE.md: name, email, phone, company, source, status). */
export const leadSchema = z.object({
  name: singleLine('name', 200, 'Enter the lead’s name'),
  email: optionalEmail,
  phone: optionalSingleLine('phone number', 50),
  company: optionalSingleLine('company', 200),
  source: optionalSingleLine('source', 100),
  status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').default('new'),
})
export type LeadInput = z.infer<typeof leadSchema>

/** Lower-cased email used for de-duplication, or null for none. */
export function emailKey(email: string): string | null {
  const key = email.trim().toLowerCase()
  return key === '' ? null : key
}
