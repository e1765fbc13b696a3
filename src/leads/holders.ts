/**
 * Who holds a lead (its primary assignee and collaborators), as a form that changes it was shown them: every such
 * form carries the holders it was shown with, and its change is refused when they changed meanwhile
 * (docs/ARCHITECTURE.md "The URL and HTML-hook contract", the `shown_assignees` field).
 */
import { z } from 'zod'
import { Refusal } from '../lib/errors'

/** The form field of the holders a single-lead form was shown with. */
export const SHOWN_HOLDERS = 'shown_assignees'

/** The field of the holders lead `leadId`'s row showed, in the list's bulk form. */
export const shownHoldersOf = (leadId: string) => `shown_${leadId}`

/** The user ids holding `lead` (primary and collaborators), sorted: what a form carries and compares. */
export function holdersOf(lead: { assignees: { userId: string }[] }): string[] {
  return lead.assignees.map((a) => a.userId).sort()
}

/** The field's value: the sorted user ids joined by commas; empty for a lead nobody holds. */
export function encodeHolders(ids: string[]): string {
  return [...ids].sort().join(',')
}

/** The field's value read back (sorted ids), or undefined when the form did not send it (not checked). */
export function decodeHolders(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '')
    .sort()
}

/** The optional field in a form's schema: absent (an old page, a client that does not send it) means unchecked. */
export const shownHoldersField = z
  .string()
  .max(2000, 'The page sent too long a list of assignees: reload it.')
  .optional()
  .transform(decodeHolders)

/** Whether the holders `now` (sorted) are those `shown` (sorted; undefined: not checked). */
export function sameHolders(now: string[], shown: string[] | undefined): boolean {
  return shown === undefined || (now.length === shown.length && now.every((id, i) => id === shown[i]))
}

/** "Ava Agent holds this lead now", "Ava Agent and Bo Agent hold this lead now", "Nobody holds this lead now". */
export function holdersNow(lead: { assignees: { name: string; kind: string }[]; inPool: boolean }): string {
  const names = [...lead.assignees].sort((a, b) => (a.kind === 'primary' ? -1 : b.kind === 'primary' ? 1 : 0))
  if (names.length === 0) return `Nobody holds this lead now${lead.inPool ? ' (it is in the pool)' : ''}`
  const list = new Intl.ListFormat('en', { type: 'conjunction' }).format(names.map((a) => a.name))
  return `${list} ${names.length === 1 ? 'holds' : 'hold'} this lead now`
}

/**
 * Refuses a change planned on holders the lead no longer has: someone else assigned, unassigned, released or
 * claimed it while the form was shown. The page that shows the refusal carries the holders now, so sending the
 * same choice again from it goes ahead.
 * @throws Refusal 409 naming who holds the lead now, when `shown` is given and differs from the lead's holders
 */
export function refuseChangedHolders(
  lead: { assignees: { userId: string; name: string; kind: string }[]; inPool: boolean },
  shown: string[] | undefined,
): void {
  if (sameHolders(holdersOf(lead), shown)) return
  throw new Refusal(
    409,
    `${holdersNow(lead)}: someone changed who holds it while you had this page open, and nothing was changed. Your choice is kept: send it again to go ahead anyway.`,
  )
}
