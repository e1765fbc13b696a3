/**
 * @mentions in a note: `@Name` or `@email` of a member. Pure: the caller passes the organization's
 * members. A mention is stored as `@{memberId}` in the note's body (activity/timeline.tsx shows the
 * member's current name), so renaming a member does not break old notes. An email address in the
 * text (`bo@example.com`) is not a mention: a mention's `@` starts the text or follows a character
 * that cannot be part of an address.
 */

/** Who can be mentioned: a member with an id, a name and an email address. */
export type Mentionable = { userId: string; name: string; email: string }

/** A note body with its mentions: `body` with each as `@{memberId}`, and each member mentioned once. */
export type ParsedMentions = { body: string; mentioned: Mentionable[] }

const ADDRESS_CHAR = /[\p{L}\p{N}._%+-]/u
const WORD_CHAR = /[\p{L}\p{N}_]/u
const EMAIL_AFTER_AT = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u

/** The member `text` (just after an `@`) starts with, and how many characters name them, or null. */
function mentionAt(text: string, members: Mentionable[]): { member: Mentionable; length: number } | null {
  const email = EMAIL_AFTER_AT.exec(text)?.[0].toLowerCase()
  if (email) {
    const member = members.find((m) => m.email.toLowerCase() === email)
    if (member) return { member, length: email.length }
  }
  const lower = text.toLowerCase()
  // The longest name first: "@Ana Maria" is Ana Maria, not Ana.
  const byLength = [...members].sort((a, b) => b.name.length - a.name.length)
  for (const member of byLength) {
    const name = member.name.toLowerCase()
    if (name && lower.startsWith(name) && !WORD_CHAR.test(text.charAt(name.length))) {
      return { member, length: name.length }
    }
  }
  return null
}

/**
 * The mentions in note `text` among `members` (`@Name`, any capitalisation, or `@email`); an `@`
 * that names no member stays text.
 */
export function parseMentions(text: string, members: Mentionable[]): ParsedMentions {
  let body = ''
  const mentioned = new Map<string, Mentionable>()
  let i = 0
  while (i < text.length) {
    const at = text.indexOf('@', i)
    if (at < 0) break
    const startsMention = at === 0 || !ADDRESS_CHAR.test(text.charAt(at - 1))
    const found = startsMention ? mentionAt(text.slice(at + 1), members) : null
    if (!found) {
      body += text.slice(i, at + 1)
      i = at + 1
      continue
    }
    body += `${text.slice(i, at)}@{${found.member.userId}}`
    mentioned.set(found.member.userId, found.member)
    i = at + 1 + found.length
  }
  body += text.slice(i)
  return { body, mentioned: [...mentioned.values()] }
}

/**
 * The `@` word being typed at the end of `text` (what the suggestions complete), e.g. `"Call @an"`
 * → `"an"`; null when the text does not end in one.
 */
export function typedMention(text: string): string | null {
  const match = /(?:^|[^\p{L}\p{N}._%+-])@([\p{L}\p{N}._%+-]*(?: [\p{L}\p{N}._%+-]*)?)$/u.exec(text)
  return match ? match[1]! : null
}
