/**
 * Lead search (src/leads/search.ts over the FTS5 index the triggers of migrations/0011_lead_derived_state.sql keep):
 * canonically equal text, case beyond ASCII, folded diacritics, prefixes while typing, ranking, and
 * the index following every kind of write (edit, delete) without the writer knowing of it.
 */
import { describe, expect, it } from 'vitest'
import { inOrganization, matchExpression, orgToken, RANKED_MATCHES } from '../src/leads/search'
import { addLead, addManyLeads, rows } from './concurrency'
import { dom, textOf } from './dom'
import { createLead, env, joinAs, leadIds, signUp } from './helpers'

/** Where the list is and how many match, as it says it ("1–50 of 1,000+ leads · …"). */
const totalOf = (html: string) => textOf(dom(html).querySelector('.list-total'))

/** The address of the list's "Next page" link. */
const nextPage = (html: string) => dom(html).querySelector('.pager a[rel="next"]')!.getAttribute('href')!

const search = (q: string) => `q=${encodeURIComponent(q)}`

describe('lead search', () => {
  it('finds canonically equal text (NFC / NFD), in any case beyond ASCII, with diacritics folded', async () => {
    const { client, slug } = await signUp()
    const jose = await createLead(client, slug, { name: 'José Núñez', company: 'Ærø Shipping' })
    // Typed with combining accents (NFD): stored as NFC, found either way.
    const zoe = await createLead(client, slug, { name: 'Zoe\u0308 Ange\u0301lique', email: 'zoe@example.com' })
    const greek = await createLead(client, slug, { name: 'ΣΩΚΡΆΤΗΣ Παπαδόπουλος' })
    const stored = await rows<{ name: string }>('SELECT name FROM leads WHERE id = ?', zoe)
    expect(stored[0]!.name).toBe('Zoë Angélique'.normalize('NFC'))
    const found = async (q: string) => leadIds(await client.html(`/o/${slug}/leads?${search(q)}`))
    expect(await found('jose')).toEqual([jose]) // diacritics folded
    expect(await found('JOSÉ')).toEqual([jose]) // case beyond ASCII
    expect(await found('Jose\u0301')).toEqual([jose]) // NFD query, NFC text
    expect(await found('nunez')).toEqual([jose])
    expect(await found('zoë')).toEqual([zoe]) // NFC query, text typed NFD
    expect(await found('angelique')).toEqual([zoe])
    expect(await found('σωκράτης')).toEqual([greek]) // Greek, lower case query of upper case text
    expect(await found('ΠΑΠΑΔΌΠΟΥΛΟΣ')).toEqual([greek])
    expect(await found('ærø')).toEqual([jose]) // company
    expect(await found('nobody')).toEqual([])
  })

  it('matches prefixes while typing, every part required; a part with punctuation is a phrase', async () => {
    const { client, slug } = await signUp()
    const ana = await createLead(client, slug, { name: 'Ana Lopez', email: 'ana@acme.example', company: 'Acme GmbH' })
    const anabel = await createLead(client, slug, {
      name: 'Anabel Ruiz',
      email: 'anabel.ruiz@other-acme.example',
      company: 'Other',
    })
    const found = async (q: string) => new Set(leadIds(await client.html(`/o/${slug}/leads?${search(q)}`)))
    expect(await found('an')).toEqual(new Set([ana, anabel]))
    expect(await found('ana lo')).toEqual(new Set([ana]))
    expect(await found('acme gm')).toEqual(new Set([ana]))
    expect(await found('ana@acme')).toEqual(new Set([ana]))
    expect(await found('anabel.ru')).toEqual(new Set([anabel]))
    expect(matchExpression('José  ana@acme')).toBe('"josé"* "ana acme"*')
    expect(matchExpression('"); DROP')).toBe('"drop"*') // quotes and operators never reach FTS5 syntax
    expect(matchExpression('%_')).toBeNull()
  })

  it('ranks a match in the name above one in the email or company, and pages follow the ranking', async () => {
    const { client, slug } = await signUp()
    const inName = await addLead(slug, 'Smith Jones')
    const others: string[] = []
    // Newer leads matching only by company: by date they would come first.
    for (let i = 0; i < 60; i++) others.push(await addLead(slug, `Lead ${i}`))
    await env.DB.prepare("UPDATE leads SET company = 'Smith & Co' WHERE name LIKE 'Lead %'").run()
    const first = await client.html(`/o/${slug}/leads?${search('smith')}`)
    const page1 = leadIds(first)
    expect(page1).toHaveLength(50)
    expect(page1[0]).toBe(inName)
    // The page says so, and offers no column sort the search would not follow (nor marks one as current).
    expect(first).toContain('Best matches first.')
    const head = /<thead>[\s\S]*?<\/thead>/.exec(first)![0]
    expect(head).not.toMatch(/sort=|aria-sort|▼|▲/)
    // With a sort chosen before searching, the same: the search's order, plain headers.
    const sorted = await client.html(`/o/${slug}/leads?${search('smith')}&sort=name`)
    expect(leadIds(sorted)[0]).toBe(inName)
    expect(/<thead>[\s\S]*?<\/thead>/.exec(sorted)![0]).not.toMatch(/sort=|aria-sort/)
    // Without a search the headers sort again.
    expect(/<thead>[\s\S]*?<\/thead>/.exec(await client.html(`/o/${slug}/leads`))![0]).toMatch(/sort=name/)
    const next = /href="([^"]+)"[^>]*rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&')
    const page2 = leadIds(await client.html(next))
    expect(page2).toHaveLength(11)
    expect(new Set([...page1, ...page2])).toEqual(new Set([inName, ...others]))
  })

  it('follows edits and deletions made by any writer (SQL triggers keep the index)', async () => {
    const { client, slug } = await signUp()
    const id = await addLead(slug, 'Old Name')
    await env.DB.prepare("UPDATE leads SET name = 'Brand New', email = 'fresh@example.com' WHERE id = ?").bind(id).run()
    const found = async (q: string) => leadIds(await client.html(`/o/${slug}/leads?${search(q)}`))
    expect(await found('old')).toEqual([])
    expect(await found('brand')).toEqual([id])
    expect(await found('fresh')).toEqual([id])
    await env.DB.prepare('DELETE FROM activities WHERE lead_id = ?').bind(id).run()
    await env.DB.prepare('DELETE FROM leads WHERE id = ?').bind(id).run()
    expect(await found('brand')).toEqual([])
    // The index holds exactly the leads there are.
    const [check] = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM leads_fts WHERE leads_fts MATCH 'brand OR old OR fresh'",
    )
    expect(check!.n).toBe(0)
  })

  it('matches and ranks only the organization’s own leads: its token is in the index, never in what is typed', async () => {
    const a = await signUp('Search Scope A')
    const b = await signUp('Search Scope B')
    const [orgA] = await rows<{ id: string }>('SELECT id FROM organizations WHERE slug = ?', a.slug)
    await addLead(a.slug, 'Wilhelmina Scope')
    await addLead(b.slug, 'Wilhelmina Other')
    // The index holds each lead's organization as one token, which the search asks for.
    const [held] = await rows<{ n: number }>(
      'SELECT count(*) AS n FROM leads_fts WHERE leads_fts MATCH ?',
      `wilhelmina AND org_key : ${orgToken(orgA!.id)}`,
    )
    expect(held!.n).toBe(1)
    expect(inOrganization('"wilhelmina"*', orgA!.id)).toBe(
      `{name email company} : ("wilhelmina"*) AND org_key : ${orgToken(orgA!.id)}`,
    )
    // Typing the organization's token finds no lead: the token is matched in its own column only.
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?${search(orgToken(orgA!.id))}`))).toEqual([])
    expect(leadIds(await a.client.html(`/o/${a.slug}/leads?${search('wilhel')}`))).toHaveLength(1)
  })

  it('a search matching more than 1,000 leads lists the most recently added first, says so, and pages on; a narrower one is ranked again', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Aga Agent')
    const many = await addManyLeads(slug, 'Broadway', RANKED_MATCHES + 20)
    const newest = [...many].reverse()
    const best = await addLead(slug, 'Lena Broadway') // added last, and the only one with "lena"
    const first = await client.html(`/o/${slug}/leads?${search('broad')}`)
    expect(leadIds(first)).toEqual([best, ...newest.slice(0, 49)])
    expect(textOf(dom(first).querySelector('.list-order'))).toMatch(/^· A broad search: most recently added first\./)
    expect(totalOf(first)).toMatch(/ of 1,000\+ leads /)
    // The next pages continue in that order, without repeats or gaps.
    let next = nextPage(first)
    const second = leadIds(await client.html(next))
    expect(second).toEqual(newest.slice(49, 99))
    next = nextPage(await client.html(next))
    expect(leadIds(await client.html(next))).toEqual(newest.slice(99, 149))
    // A word more, and the few matches are ranked and counted exactly.
    const narrow = await client.html(`/o/${slug}/leads?${search('broadway 101')}`)
    expect(dom(narrow).querySelector('.list-order')?.getAttribute('data-order')).toBe('best')
    expect(textOf(dom(narrow).querySelector('.list-order'))).toBe('· Best matches first.')
    expect(new Set(leadIds(narrow))).toEqual(new Set(many.filter((_, i) => String(i + 1).startsWith('101'))))
    expect(totalOf(await client.html(`/o/${slug}/leads?${search('lena broad')}`))).toMatch(/^1–1 of 1 lead /)
    // An Agent sees only their own among the broad matches, in the same order.
    const mine = [many[5]!, many[700]!, many[1010]!]
    for (const id of mine) {
      await env.DB.prepare(
        "INSERT INTO lead_assignees (org_id, lead_id, user_id, kind, assigned_at) SELECT org_id, id, ?, 'primary', 1 FROM leads WHERE id = ?",
      )
        .bind(agent.userId, id)
        .run()
    }
    const theirs = await agent.client.html(`/o/${slug}/leads?${search('broad')}`)
    expect(leadIds(theirs)).toEqual([...mine].reverse())
    expect(totalOf(theirs)).toMatch(/^1–3 of 3 leads /)
  })

  it('searches only the leads an Agent may see', async () => {
    const { client, slug } = await signUp()
    const agent = await joinAs(client, slug, 'agent', 'Aga Agent')
    const theirs = await addLead(slug, 'Shared Name One', { assignee: agent.userId })
    await addLead(slug, 'Shared Name Two')
    expect(leadIds(await agent.client.html(`/o/${slug}/leads?${search('shared')}`))).toEqual([theirs])
  })
})
