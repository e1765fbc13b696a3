/**
 * @mentions in a note: `@Name` (full or first name) or `@email` of a member. Pure: the caller passes the organization's
 * members. A mention is stored as `@{memberId}` in the note's body (activity/timeline.tsx shows the
 * member's current name), so renaming a member does not break old notes. An email address in the
 * text (`bo@example.com`) is not a mention: a mention's `@` starts the text or follows a character
 * that cannot be part of an address.
 */

/** Who can be mentioned: a member with an id, a name and an email address. */
export type Mentionable = { userId: string; name: string; email: string }

/** An `@word` that names no one member: `candidates`, the members it could be (none: nobody by that name). */
export type Unresolved = { word: string; candidates: Mentionable[] }

/**
 * A note body with its mentions: `body` with each as `@{memberId}`, each member mentioned once, and the `@word`s
 * that name nobody or several members, each once (left as text in `body`).
 */
export type ParsedMentions = { body: string; mentioned: Mentionable[]; unresolved: Unresolved[] }

const ADDRESS_CHAR = /[\p{L}\p{N}._%+-]/u
const WORD_CHAR = /[\p{L}\p{N}_]/u
const EMAIL_AFTER_AT = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u
/** The word after an `@` that was meant as a mention: a letter or digit first; no trailing dot or dash. */
const AT_WORD = /^[\p{L}\p{N}_](?:[\p{L}\p{N}._'-]*[\p{L}\p{N}_])?/u

const firstName = (m: Mentionable) => m.name.trim().split(/\s+/)[0]!.toLowerCase()

/**
 * The member `text` (just after an `@`) starts with, and how many characters name them: their email, their full
 * name, else their first name when only one member has it (narrowed to those `prefer` holds for, when several);
 * null when it names nobody, or several members.
 */
function mentionAt(
  text: string,
  members: Mentionable[],
  prefer: (m: Mentionable) => boolean,
): { member: Mentionable; length: number } | null {
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
  const word = AT_WORD.exec(text)?.[0]
  const named = word ? firstNamed(word, members, prefer) : []
  return named.length === 1 ? { member: named[0]!, length: word!.length } : null
}

/** The members whose first name is `word` (any capitalisation); when several, those `prefer` holds for if any. */
function firstNamed(word: string, members: Mentionable[], prefer: (m: Mentionable) => boolean): Mentionable[] {
  const named = members.filter((m) => firstName(m) === word.toLowerCase())
  const preferred = named.filter(prefer)
  return named.length > 1 && preferred.length > 0 ? preferred : named
}

/**
 * The mentions in note `text` among `members` (`@Name`, `@First`, any capitalisation, or `@email`); an `@` that
 * names no one member stays text, and an `@word` among those is `unresolved`. `options.prefer`: who a first name
 * shared by several members means when it holds for only one of them (e.g. who can see the lead).
 */
export function parseMentions(
  text: string,
  members: Mentionable[],
  { prefer = () => true }: { prefer?: (m: Mentionable) => boolean } = {},
): ParsedMentions {
  let body = ''
  const mentioned = new Map<string, Mentionable>()
  const unresolved = new Map<string, Unresolved>()
  let i = 0
  while (i < text.length) {
    const at = text.indexOf('@', i)
    if (at < 0) break
    const startsMention = at === 0 || !ADDRESS_CHAR.test(text.charAt(at - 1))
    const found = startsMention ? mentionAt(text.slice(at + 1), members, prefer) : null
    const word = startsMention && !found ? AT_WORD.exec(text.slice(at + 1))?.[0] : undefined
    if (word && !unresolved.has(word.toLowerCase())) {
      unresolved.set(word.toLowerCase(), { word, candidates: firstNamed(word, members, prefer) })
    }
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
  return { body, mentioned: [...mentioned.values()], unresolved: [...unresolved.values()] }
}

/**
 * The `@` word being typed at the end of `text` (what the suggestions complete), e.g. `"Call @an"`
 * → `"an"`; null when the text does not end in one.
 */
export function typedMention(text: string): string | null {
  const match = /(?:^|[^\p{L}\p{N}._%+-])@([\p{L}\p{N}._%+-]*(?: [\p{L}\p{N}._%+-]*)?)$/u.exec(text)
  return match ? match[1]! : null
}
