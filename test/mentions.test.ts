/** Parsing @mentions in notes (src/collaboration/mentions.ts). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMentions, typedMention } from '../src/collaboration/mentions'

const ana = { userId: '01900000-0000-7000-8000-00000000000a', name: 'Ana', email: 'ana@example.com' }
const anaMaria = { userId: '01900000-0000-7000-8000-00000000000b', name: 'Ana Maria', email: 'am@example.com' }
const bo = { userId: '01900000-0000-7000-8000-00000000000c', name: 'Bo Li', email: 'bo@example.com' }
const members = [ana, anaMaria, bo]

/**
 * `body` with each stored mention (`@{memberId}`) written back as the text that named the member at that place in
 * `text` (`@` and their full name, first name or email, any capitalisation, followed by no letter or digit).
 */
function typedBack(body: string, text: string): string {
  let out = ''
  let last = 0
  for (const m of body.matchAll(/@\{([0-9a-f-]{36})\}/g)) {
    out += body.slice(last, m.index)
    const member = members.find((x) => x.userId === m[1])!
    const rest = text.slice(out.length).toLowerCase()
    const spans = [member.email, member.name, member.name.split(' ')[0]!].map((n) => `@${n.toLowerCase()}`)
    const span = spans.find((s) => rest.startsWith(s) && !/[\p{L}\p{N}_]/u.test(rest.charAt(s.length)))
    out += text.slice(out.length, out.length + (span?.length ?? 0))
    last = m.index + m[0].length
  }
  return out + body.slice(last)
}

describe('parseMentions', () => {
  it('finds @Name and @email, stores member ids, each member once', () => {
    const parsed = parseMentions('@bo li please call; cc @am@example.com and @Bo Li again.', members)
    expect(parsed.mentioned.map((m) => m.name)).toEqual(['Bo Li', 'Ana Maria'])
    expect(parsed.body).toBe(`@{${bo.userId}} please call; cc @{${anaMaria.userId}} and @{${bo.userId}} again.`)
  })

  it('prefers the longest name', () => {
    expect(parseMentions('@Ana Maria hi', members).mentioned).toEqual([anaMaria])
    expect(parseMentions('@Ana, hi', members).mentioned).toEqual([ana])
  })

  it('does not take an email address in the text for a mention', () => {
    const parsed = parseMentions('Write to ana@example.com or bo@example.com', members)
    expect(parsed.mentioned).toEqual([])
    expect(parsed.body).toBe('Write to ana@example.com or bo@example.com')
  })

  it('leaves an @ that names nobody as text, and says which @word named nobody', () => {
    expect(parseMentions('@nobody @ 50% off', members)).toEqual({
      body: '@nobody @ 50% off',
      mentioned: [],
      unresolved: [{ word: 'nobody', candidates: [] }],
    })
  })

  it('takes a first name when one member has it, else lists who it could be, preferring those who can see', () => {
    const anaLee = { userId: '01900000-0000-7000-8000-00000000000d', name: 'Ana Lee', email: 'lee@example.com' }
    expect(parseMentions('@Bo, call her', members).mentioned).toEqual([bo])
    expect(parseMentions('@Ana, hi', [...members, anaLee]).mentioned).toEqual([ana])
    expect(parseMentions('@Ana Maria and @ana lee', [anaMaria, anaLee]).mentioned).toEqual([anaMaria, anaLee])
    const parsed = parseMentions('ask @ana.', [anaMaria, anaLee])
    expect(parsed.mentioned).toEqual([])
    expect(parsed.unresolved).toEqual([{ word: 'ana', candidates: [anaMaria, anaLee] }])
    const seeing = parseMentions('ask @ana.', [anaMaria, anaLee], { prefer: (m) => m === anaLee })
    expect(seeing.mentioned).toEqual([anaLee])
  })

  it('keeps every other character of the text: shown with names, a note reads as typed', () => {
    const piece = fc.constantFrom('@Ana', '@bo li', '@Ana Maria', ' ', 'x', '@', '.', '@@', '{', '}', 'é')
    fc.assert(
      fc.property(
        fc.array(fc.oneof(piece, fc.string())).map((parts) => parts.join('')),
        (text) => {
          const parsed = parseMentions(text, members)
          expect(typedBack(parsed.body, text)).toBe(text)
          expect(new Set(parsed.mentioned).size).toBe(parsed.mentioned.length)
          // Every @word that starts a mention is a mention or flagged: none is quietly left as text.
          const flagged = new Set(parsed.unresolved.map((u) => u.word.toLowerCase()))
          for (const m of parsed.body.matchAll(
            /(?<![\p{L}\p{N}._%+}-])@([\p{L}\p{N}_](?:[\p{L}\p{N}._'-]*[\p{L}\p{N}_])?)/gu,
          )) {
            expect(flagged).toContain(m[1]!.toLowerCase())
          }
        },
      ),
    )
  })
})

describe('typedMention', () => {
  it('is the @ word at the end of the text', () => {
    expect(typedMention('Call @an')).toBe('an')
    expect(typedMention('@')).toBe('')
    expect(typedMention('mail ana@exa')).toBeNull()
    expect(typedMention('done')).toBeNull()
  })
})
