/** Lead field rules shared by the create form, the CSV import, the web form and the API. */
import { z } from 'zod'
import { LEAD_STATUSES } from '../db/schema'
import { foldedLine, optionalFoldedLine, optionalSingleLine, singleLine } from '../lib/text'

/** An optional email check: empty is allowed, anything else must be a valid address (text rules first). */
const emailOf = (line: typeof optionalSingleLine) =>
  line('email address', 254).refine((v) => v === '' || z.email().safeParse(v).success, 'Enter a valid email address')

/** Optional email of Leadpool's own forms (a line break refused). */
export const optionalEmail = emailOf(optionalSingleLine)

/**
 * The lead's fields (docs/ARCHITECTURE.md: name, email, phone, company, source, status) with one-line
 * text blocks `line` / `optionalLine` from lib/text.ts.
 */
function leadFields(line: typeof singleLine, optionalLine: typeof optionalSingleLine) {
  return z.object({
    name: line('name', 200, 'Enter the lead’s name'),
    email: emailOf(optionalLine),
    phone: optionalLine('phone number', 50),
    company: optionalLine('company', 200),
    source: optionalLine('source', 100),
    status: z.enum(LEAD_STATUSES, 'Choose one of the listed statuses').default('new'),
  })
}

/** The create-lead and edit-lead forms: a line break in a one-line field is refused, the person removes it. */
export const leadSchema = leadFields(singleLine, optionalSingleLine)
export type LeadInput = z.infer<typeof leadSchema>

/**
 * A lead sent by another system (a CSV row, the API, a website's form): the same rules, but line breaks
 * and tabs in one-line fields are folded into one space (lib/text.ts `foldedLine`) rather than refused.
 */
export const foldedLeadSchema = leadFields(foldedLine, optionalFoldedLine)

/** Lower-cased email used for de-duplication, or null for none. */
export function emailKey(email: string): string | null {
  const key = email.trim().toLowerCase()
  return key === '' ? null : key
}
