/** Lead field rules shared by the create form and the CSV import. */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'

const optionalText = (label: string, max: number) =>
  z.string().trim().max(max, `Keep the ${label} under ${max} characters`).default('')

/** Optional email: empty is allowed, anything else must be a valid address. */
export const optionalEmail = z
  .string()
  .trim()
  .max(254, 'That email address is too long')
  .refine((v) => v === '' || z.email().safeParse(v).success, 'Enter a valid email address')
  .default('')

/** The create-lead form (docs/ARCHITECTURE.md: name, email, phone, company, source, status). */
export const leadSchema = z.object({
  name: z.string().trim().min(1, 'Enter the lead’s name').max(200, 'Keep the name under 200 characters'),
  email: optionalEmail,
  phone: optionalText('phone number', 50),
  company: optionalText('company', 200),
  source: optionalText('source', 100),
  status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').default('new'),
})
export type LeadInput = z.infer<typeof leadSchema>

/** Lower-cased email used for de-duplication, or null for none. */
export function emailKey(email: string): string | null {
  const key = email.trim().toLowerCase()
  return key === '' ? null : key
}
