/** Parsing @mentions in notes (src/collaboration/mentions.ts). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMentions, typedMention } from '../src/collaboration/mentions'

const ana = { userId: '01900000-0000-7000-8000-00000000000a', name: 'Ana', email: 'ana@example.com' }
const anaMaria = { userId: '01900000-0000-7000-8000-00000000000b', name: 'Ana Maria', email: 'am@example.com' }
const bo = { userId: '01900000-0000-7000-8000-00000000000c', name: 'Bo Li', email: 'bo@example.com' }
const members = [ana, anaMaria, bo]

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

  it('leaves an @ that names nobody as text', () => {
    expect(parseMentions('@nobody @ 50% off', members)).toEqual({ body: '@nobody @ 50% off', mentioned: [] })
  })

  it('keeps every other character of the text: shown with names, a note reads as typed', () => {
    const piece = fc.constantFrom('@Ana', '@bo li', '@Ana Maria', ' ', 'x', '@', '.', '@@', '{', '}', 'é')
    fc.assert(
      fc.property(
        fc.array(fc.oneof(piece, fc.string())).map((parts) => parts.join('')),
        (text) => {
          const parsed = parseMentions(text, members)
          const byId = new Map(members.map((m) => [m.userId, m.name]))
          const shown = parsed.body.replace(/@\{([0-9a-f-]{36})\}/g, (token, id: string) => `@${byId.get(id) ?? token}`)
          expect(shown.toLowerCase()).toBe(text.toLowerCase())
          expect(new Set(parsed.mentioned).size).toBe(parsed.mentioned.length)
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
