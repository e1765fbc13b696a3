/**
 * Changing a routing rule (docs/ARCHITECTURE.md "Intake and routing"): an Owner or Admin opens a rule's edit page
 * from the rules list, sees it as stored, and saves a change that keeps the rule's place in the order and, for the
 * members its round-robin keeps, their turn; a refused save comes back with the reason, and two people saving the
 * same rule at once cannot undo each other's change unseen.
 */
import { describe, expect, it } from 'vitest'
import { addMembers, responsesInParallel } from './concurrency'
import { dom, formData, textOf, texts, type Node } from './dom'
import { createLead, joinAs, signUp, type Client } from './helpers'

/** Adds a rule through the rules page's form (`fields` as it sends them). */
async function addRule(owner: Client, slug: string, fields: [string, string][]) {
  const res = await owner.request(`/o/${slug}/routing/rules`, { method: 'POST', body: new URLSearchParams(fields) })
  expect(res.status, await res.clone().text()).toBe(303)
}

/** The rules list as shown: each rule's name, when and then. */
async function ruleList(owner: Client, slug: string) {
  const page = dom(await owner.html(`/o/${slug}/routing/rules`))
  return [...page.querySelectorAll('#rule-list tr[data-rule-id]')].map((row) => ({
    name: textOf(row.querySelector('[data-rule-name]')),
    when: textOf(row.querySelector('[data-label="When"]')),
    then: textOf(row.querySelector('[data-label="Then"]')),
    edit: row.querySelector('a[href$="/edit"]')?.getAttribute('href') ?? '',
  }))
}

/** The edit form of the rule whose edit page is `path`, as `client` sees it. */
async function editForm(client: Client, path: string): Promise<Node> {
  return dom(await client.html(path)).querySelector('#edit-rule')!
}

/** Saves the edit form `form` with `change` applied to what it shows (a field set to `null` is left out). */
async function save(client: Client, form: Node, change: Record<string, string | string[] | null> = {}) {
  const data = formData(form)
  for (const [name, value] of Object.entries(change)) {
    data.delete(name)
    for (const v of value === null ? [] : [value].flat()) data.append(name, v)
  }
  return client.request(form.getAttribute('action')!, { method: 'POST', body: data })
}

/** Where the next ten typed-in leads would go, by the dry run (user ids). */
async function nextTen(owner: Client, slug: string): Promise<string[]> {
  const res = await owner.post(`/o/${slug}/routing/rules/dry-run`, { via: 'typed', name: 'Dry' })
  expect(res.status).toBe(200)
  return [...dom(await res.text()).querySelectorAll('#dry-run-results li')].map((li) =>
    li.getAttribute('data-dry-run-to')!,
  )
}

describe('changing a routing rule', () => {
  it('the form shows it as stored; a change keeps its place, the list and the routing follow, and kept members keep their turn', async () => {
    const { client: owner, slug } = await signUp('Rule Edit Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    // Weights 1 and 2: where the rotation stands after a lead decides who is next, so a lost turn would show.
    expect((await owner.post(`/o/${slug}/team/${bo}/routing`, { weight: '2', cap: '0' })).status).toBe(303)
    await addRule(owner, slug, [
      ['name', 'Imported leads'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'import'],
      ['action', 'pool'],
    ])
    await addRule(owner, slug, [
      ['name', 'Typed leads'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'typed'],
      ['action', 'round_robin'],
      ['memberIds', ana!],
      ['memberIds', bo!],
    ])
    const [, typed] = await ruleList(owner, slug)
    expect(textOf(dom(await owner.html(`/o/${slug}/routing/rules`)).querySelector('a[href$="/edit"]'))).toBe('Edit')

    const form = await editForm(owner, typed!.edit)
    expect(form.querySelector('input[name="name"]')?.getAttribute('value')).toBe('Typed leads')
    expect(form.querySelector('select[name="field1"] option[selected]')?.getAttribute('value')).toBe('via')
    expect(form.querySelector('input[name="value1"]')?.getAttribute('value')).toBe('typed')
    expect(form.querySelector('input[name="action"][checked]')?.getAttribute('value')).toBe('round_robin')
    expect(
      [...form.querySelectorAll('input[name="memberIds"][checked]')].map((box) => box.getAttribute('value')),
    ).toEqual([ana, bo])

    // A lead typed in goes by the rule, which moves its rotation on; a change of its name and condition keeps it.
    await createLead(owner, slug, { name: 'First typed' })
    const before = await nextTen(owner, slug)
    expect(new Set(before)).toEqual(new Set([ana, bo]))
    expect(before.filter((id) => id === bo).length).toBeGreaterThanOrEqual(6)
    const renamed = await save(owner, form, { name: 'Leads typed in', test1: 'contains', value1: 'type' })
    expect(renamed.status).toBe(303)
    expect(renamed.headers.get('location')).toBe(`/o/${slug}/routing/rules?done=saved`)
    expect(texts(await owner.html(renamed.headers.get('location')!), '[role="status"]')).toContain('Rule saved.')
    const after = await ruleList(owner, slug)
    expect(after.map((r) => [r.name, r.when])).toEqual([
      ['Imported leads', 'Came in by equals “import”'],
      ['Leads typed in', 'Came in by contains “type”'],
    ])
    expect(await nextTen(owner, slug)).toEqual(before)

    // A third member joins its round-robin; then it gives every lead to one member.
    const widened = await save(owner, await editForm(owner, typed!.edit), { memberIds: [ana!, bo!, cy!] })
    expect(widened.status).toBe(303)
    expect(new Set(await nextTen(owner, slug))).toEqual(new Set([ana, bo, cy]))
    const narrowed = await save(owner, await editForm(owner, typed!.edit), {
      action: 'member',
      memberId: cy!,
      memberIds: null,
    })
    expect(narrowed.status).toBe(303)
    expect(await nextTen(owner, slug)).toEqual(Array(10).fill(cy))
    const [, given] = await ruleList(owner, slug)
    expect(given!.then).toMatch(/^Give to Member \d+$/)
  })

  it('refused with the reason: a bad form keeps what was typed; a save after someone else’s, or at the same moment, never undoes theirs', async () => {
    const { client: owner, slug } = await signUp('Rule Edit Refusals')
    const [ana, bo] = await addMembers(slug, 2)
    await addRule(owner, slug, [
      ['name', 'Partners'],
      ['field1', 'source'],
      ['test1', 'equals'],
      ['value1', 'partner'],
      ['action', 'member'],
      ['memberId', ana!],
    ])
    const [rule] = await ruleList(owner, slug)
    const { client: admin } = await joinAs(owner, slug, 'admin', 'Adi Admin')

    const bad = await save(owner, await editForm(owner, rule!.edit), { name: '', value1: '', memberId: bo! })
    expect(bad.status).toBe(422)
    const shown = dom(await bad.text())
    expect(textOf(shown.querySelector('[data-error-for="name"]'))).toBe('Enter the rule’s name')
    expect(textOf(shown.querySelector('[data-error-for="value1"]'))).toBe('Enter the text to compare with')
    expect(shown.querySelector('#edit-rule select[name="memberId"] option[selected]')?.getAttribute('value')).toBe(bo)
    expect((await ruleList(owner, slug))[0]!.name).toBe('Partners')

    // Both open the form; the admin saves first; the owner's save is refused and shows the rule as it is now.
    const [ownersForm, adminsForm] = [await editForm(owner, rule!.edit), await editForm(admin, rule!.edit)]
    expect((await save(admin, adminsForm, { name: 'Partner leads' })).status).toBe(303)
    const late = await save(owner, ownersForm, { value1: 'reseller' })
    expect(late.status).toBe(409)
    const now = dom(await late.text())
    expect(textOf(now.querySelector('[role="alert"]'))).toContain('Someone else changed this rule')
    expect(now.querySelector('#edit-rule input[name="name"]')?.getAttribute('value')).toBe('Partner leads')
    expect(now.querySelector('#edit-rule input[name="value1"]')?.getAttribute('value')).toBe('partner')

    // Five saves of the same form at once: one is saved, the others are told, none is a server error.
    const form = await editForm(owner, rule!.edit)
    const answers = await responsesInParallel(5, (i) => save(owner, form, { name: `At once ${i}` }))
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([303, 409, 409, 409, 409])
    const saved = answers.findIndex((r) => r.status === 303)
    expect((await ruleList(owner, slug))[0]!.name).toBe(`At once ${saved}`)
  })

  it('is for Owners and Admins of the organization: Agents 403, other organizations and unknown rules 404', async () => {
    const { client: owner, slug } = await signUp('Rule Edit Access')
    await addRule(owner, slug, [
      ['name', 'Pool it'],
      ['action', 'pool'],
    ])
    const [rule] = await ruleList(owner, slug)
    const form = await editForm(owner, rule!.edit)
    const { client: agent } = await joinAs(owner, slug, 'agent', 'Ag Ent')
    expect((await agent.get(rule!.edit)).status).toBe(403)
    expect((await save(agent, form, { name: 'Mine now' })).status).toBe(403)

    const { client: stranger, slug: other } = await signUp('Rule Edit Stranger')
    expect((await stranger.get(rule!.edit)).status).toBe(404)
    expect((await stranger.get(rule!.edit.replace(`/o/${slug}/`, `/o/${other}/`))).status).toBe(404)
    expect((await owner.get(`/o/${slug}/routing/rules/${crypto.randomUUID()}/edit`)).status).toBe(404)
    expect((await ruleList(owner, slug))[0]!.name).toBe('Pool it')
  })
})
