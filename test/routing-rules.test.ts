/**
 * Routing rules by field (issue #27, point 1): Owners and Admins keep rules in an order on `/o/{slug}/routing/rules`;
 * every way a lead comes in (web form, API, import, typed in) goes by the first rule that matches, else by the
 * organization's routing (the fallback); the lead page says which rule; the dry run shows the next ten arrivals.
 */
import { describe, expect, it } from 'vitest'
import { addMembers, responsesInParallel, rows } from './concurrency'
import { dom, textOf, texts } from './dom'
import { Client, createLead, env, joinAs, signUp, uploadAndConfirm } from './helpers'
import { pollUntil, reloadUntilShown } from './poll'

const visitor = () => new Client()

/** Turns on round-robin over `memberIds` (the fallback) through the pool settings page. */
async function fallbackRoundRobin(owner: Client, slug: string, memberIds: string[]) {
  const body = new URLSearchParams({ routing: 'round_robin', poolClaimCap: '0' })
  for (const id of memberIds) body.append('routingMemberIds', id)
  expect((await owner.request(`/o/${slug}/settings/pool`, { method: 'POST', body })).status).toBe(303)
}

/** Adds a rule through the rules page's form: `fields` as the form sends them (a member ticked: `memberIds`). */
async function addRule(owner: Client, slug: string, fields: [string, string][]) {
  const res = await owner.request(`/o/${slug}/routing/rules`, { method: 'POST', body: new URLSearchParams(fields) })
  expect(res.status, await res.clone().text()).toBe(303)
}

/** The rules page's rule names, in order. */
async function ruleNames(owner: Client, slug: string): Promise<string[]> {
  return texts(await owner.html(`/o/${slug}/routing/rules`), '#rule-list [data-rule-name]')
}

/** Gives the organization a form key through the settings page; returns the form's path. */
async function webForm(owner: Client, slug: string): Promise<string> {
  expect((await owner.post(`/o/${slug}/settings/intake/rotate`)).status).toBe(303)
  const row = await env.DB.prepare('SELECT form_key FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<{ form_key: string }>()
  return `/f/${row!.form_key}`
}

/** Who the lead with `email` went to: a user id, `pool`, or `unassigned`. */
async function holderOf(email: string): Promise<string> {
  const [row] = await rows<{ user_id: string | null; in_pool: number }>(
    `SELECT a.user_id, l.in_pool FROM leads l
     LEFT JOIN lead_assignees a ON a.lead_id = l.id AND a.kind = 'primary' WHERE l.email = ?`,
    email,
  )
  return row!.user_id ?? (row!.in_pool ? 'pool' : 'unassigned')
}

/** The routing ledger's sentence on the lead page of the lead with `email`, as the owner sees it. */
async function ledgerOf(owner: Client, slug: string, email: string): Promise<string> {
  const [lead] = await rows<{ id: string }>('SELECT id FROM leads WHERE email = ?', email)
  const page = dom(await owner.html(`/o/${slug}/leads/${lead!.id}`))
  const entry = [...page.querySelectorAll('#timeline li[data-activity-type]')].find((li) =>
    ['assigned', 'moved_to_pool'].includes(li.getAttribute('data-activity-type')!),
  )
  return textOf(entry?.querySelector('span') ?? null)
}

/** The name of user `userId`. */
async function nameOf(userId: string): Promise<string> {
  const [row] = await rows<{ name: string }>('SELECT name FROM users WHERE id = ?', userId)
  return row!.name
}

/** Sends the dry run's form; returns where each of the next ten would go (user id or `pool`) and the sentences. */
async function dryRun(owner: Client, slug: string, lead: Record<string, string>) {
  const res = await owner.post(`/o/${slug}/routing/rules/dry-run`, lead)
  expect(res.status).toBe(200)
  const page = dom(await res.text())
  const items = [...page.querySelectorAll('#dry-run-results li')]
  return { to: items.map((li) => li.getAttribute('data-dry-run-to')!), said: items.map((li) => textOf(li)) }
}

describe('the routing rules page', () => {
  it('Owners add rules and reorder them with buttons that need no script; Agents get 403, other organizations 404', async () => {
    const { client: owner, slug } = await signUp('Rules Org')
    const [ana] = await addMembers(slug, 1)
    await addRule(owner, slug, [
      ['name', 'Spanish web leads'],
      ['field1', 'source'],
      ['test1', 'contains'],
      ['value1', 'spanish'],
      ['action', 'member'],
      ['memberId', ana!],
    ])
    await addRule(owner, slug, [
      ['name', 'Everything else'],
      ['action', 'pool'],
    ])
    expect(await ruleNames(owner, slug)).toEqual(['Spanish web leads', 'Everything else'])
    const settings = dom(await owner.html(`/o/${slug}/settings/pool`))
    expect(textOf(settings.querySelector(`a[href="/o/${slug}/routing/rules"]`))).toBe('routing rules')
    const page = dom(await owner.html(`/o/${slug}/routing/rules`))
    expect(page.querySelector(`a[href="/o/${slug}/settings/pool"]`)).not.toBeNull()
    expect(page.querySelector(`a[href="/o/${slug}/routing"]`)).not.toBeNull()
    const second = [...page.querySelectorAll('#rule-list tr[data-rule-id]')][1]!
    const move = second.querySelector('form[action$="/move"] button')
    expect(textOf(move)).toBe('Move up')
    const action = second.querySelector('form[action$="/move"]')!.getAttribute('action')!
    expect((await owner.post(action, { by: 'up' })).status).toBe(303)
    expect(await ruleNames(owner, slug)).toEqual(['Everything else', 'Spanish web leads'])
    expect(textOf(dom(await owner.html(`/o/${slug}/routing/rules`)).querySelector('[data-fallback]'))).toContain(
      'leave it unassigned',
    )
    // A rule without a name, or a contains without its text, is refused with the reason and what was typed.
    const refused = await owner.post(`/o/${slug}/routing/rules`, {
      name: '',
      field1: 'company',
      test1: 'contains',
      value1: '',
      action: 'pool',
    })
    expect(refused.status).toBe(422)
    const again = dom(await refused.text())
    expect(textOf(again.querySelector('[data-error-for="name"]'))).toBe('Enter the rule’s name')
    expect(textOf(again.querySelector('[data-error-for="value1"]'))).toBe('Enter the text to compare with')
    expect(again.querySelector('select[name="field1"] option[selected]')?.getAttribute('value')).toBe('company')
    const noMember = await owner.post(`/o/${slug}/routing/rules`, { name: 'To whom?', action: 'member', memberId: '' })
    expect(noMember.status).toBe(422)
    expect(textOf(dom(await noMember.text()).querySelector('[data-error-for="memberId"]'))).toBe('Choose the member')

    const { client: agent } = await joinAs(owner, slug, 'agent', 'Ag Ent')
    expect((await agent.get(`/o/${slug}/routing/rules`)).status).toBe(403)
    expect((await agent.post(`/o/${slug}/routing/rules`, { name: 'Mine', action: 'pool' })).status).toBe(403)
    expect((await agent.post(action, { by: 'down' })).status).toBe(403)
    expect(await ruleNames(owner, slug)).toEqual(['Everything else', 'Spanish web leads'])

    const { client: stranger, slug: other } = await signUp('Other Rules Org')
    expect((await stranger.get(`/o/${slug}/routing/rules`)).status).toBe(404)
    // Another organization's rule id, under the stranger's own organization, is no rule of theirs.
    expect((await stranger.post(action.replace(`/o/${slug}/`, `/o/${other}/`), { by: 'up' })).status).toBe(404)
  })
})

describe('rules apply to every way a lead comes in', () => {
  it('the web form: the first matching rule takes the lead and the lead page names it; others go by the fallback', async () => {
    const { client: owner, slug } = await signUp('Web Rules Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    await fallbackRoundRobin(owner, slug, [cy!])
    await addRule(owner, slug, [
      ['name', 'Spanish web leads'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'form'],
      ['field2', 'source'],
      ['test2', 'contains'],
      ['value2', 'Spanish'],
      ['action', 'round_robin'],
      ['memberIds', ana!],
      ['memberIds', bo!],
    ])
    expect((await owner.post(`/o/${slug}/team/${bo}/away`, { until: '' })).status).toBe(303)
    const form = await webForm(owner, slug)
    expect((await visitor().post(form, { name: 'Sol', email: 'sol@example.com', source: 'spanish ad' })).status).toBe(
      303,
    )
    expect((await visitor().post(form, { name: 'Tim', email: 'tim@example.com', source: 'english ad' })).status).toBe(
      303,
    )
    expect(await holderOf('sol@example.com')).toBe(ana)
    expect(await holderOf('tim@example.com')).toBe(cy)
    expect(await ledgerOf(owner, slug, 'sol@example.com')).toBe(
      `Routed to ${await nameOf(ana!)} by rule 'Spanish web leads': ${await nameOf(bo!)} away until back`,
    )
    expect(await ledgerOf(owner, slug, 'tim@example.com')).toBe(`Routed to ${await nameOf(cy!)}`)
    // Ana away too: nobody under the rule can take the lead, so the fallback does, and the ledger says so.
    expect((await owner.post(`/o/${slug}/team/${ana}/away`, { until: '' })).status).toBe(303)
    expect((await visitor().post(form, { name: 'Uma', email: 'uma@example.com', source: 'Spanish' })).status).toBe(303)
    expect(await holderOf('uma@example.com')).toBe(cy)
    const [a, b] = [await nameOf(ana!), await nameOf(bo!)]
    expect(await ledgerOf(owner, slug, 'uma@example.com')).toBe(
      `Routed to ${await nameOf(cy!)} by the fallback (rule 'Spanish web leads' had nobody free): ${a} away until back, ${b} away until back`,
    )
  })

  it('the API, an import (routed as Settings say) and a lead an Owner types in', async () => {
    const { client: owner, slug } = await signUp('Channel Rules Org')
    const [api, imported, typed] = await addMembers(slug, 3)
    await addRule(owner, slug, [
      ['name', 'API'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'api'],
      ['action', 'member'],
      ['memberId', api!],
    ])
    await addRule(owner, slug, [
      ['name', 'Acme imports'],
      ['field1', 'company'],
      ['test1', 'contains'],
      ['value1', 'acme'],
      ['action', 'round_robin'],
      ['memberIds', imported!],
    ])
    await addRule(owner, slug, [
      ['name', 'Typed without phone'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'typed'],
      ['field2', 'phone'],
      ['test2', 'is_empty'],
      ['action', 'member'],
      ['memberId', typed!],
    ])
    const res = await owner.post(`/o/${slug}/settings/api-keys`, {
      name: 'CRM',
      scope_read: '1',
      scope_write: '1',
      scope_assign: '1',
    })
    const key = textOf(dom(await res.text()).querySelector('[data-api-key]'))
    const sent = await visitor().request('/api/v1/leads', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'From CRM', email: 'crm@example.com', company: 'Acme' }),
    })
    expect(sent.status).toBe(201)
    // The API rule is first: a lead from the API at Acme is the API rule's.
    expect(await holderOf('crm@example.com')).toBe(api)
    expect(await ledgerOf(owner, slug, 'crm@example.com')).toBe(`Routed to ${await nameOf(api!)} by rule 'API'`)

    const csv = 'name,email,company\nImp One,imp1@example.com,Acme Ltd\nImp Two,imp2@example.com,Other\n'
    const job = await uploadAndConfirm(owner, slug, 'leads.csv', csv, (f) => f.set('routing', 'organization'))
    await reloadUntilShown(owner, job, '#import-status[data-status="done"]', 90_000)
    await pollUntil('the imported Acme lead is routed by its rule', async () =>
      expect(await holderOf('imp1@example.com')).toBe(imported),
    )
    expect(await holderOf('imp2@example.com')).toBe('unassigned')

    await createLead(owner, slug, { name: 'Typed In', email: 'typed@example.com' })
    await createLead(owner, slug, { name: 'Typed Phone', email: 'phone@example.com', phone: '+34 600' })
    // The new-lead form lets the Owner choose: route it (the default) or leave it unassigned.
    const choice = dom(await owner.html(`/o/${slug}/leads/new`))
    expect(choice.querySelector('input[name="routing"][value="route"]')?.hasAttribute('checked')).toBe(true)
    await createLead(owner, slug, { name: 'Kept Back', email: 'kept@example.com', routing: 'unassigned' })
    expect(await holderOf('typed@example.com')).toBe(typed)
    expect(await holderOf('phone@example.com')).toBe('unassigned')
    expect(await holderOf('kept@example.com')).toBe('unassigned')
  })
})

describe('working hours under the rules', () => {
  it('a rule’s round-robin and its one member skip a member outside working hours, the dry run says so, and the routing page counts rule-routed leads', async () => {
    const { client: owner, slug } = await signUp('Hours Rules Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    await fallbackRoundRobin(owner, slug, [cy!])
    await addRule(owner, slug, [
      ['name', 'Bo’s leads'],
      ['field1', 'source'],
      ['test1', 'equals'],
      ['value1', 'bo'],
      ['action', 'member'],
      ['memberId', bo!],
    ])
    await addRule(owner, slug, [
      ['name', 'Web'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'form'],
      ['action', 'round_robin'],
      ['memberIds', ana!],
      ['memberIds', bo!],
    ])
    // Bo works 09:00-17:00 on the day after tomorrow only (UTC, his time zone): now is outside his hours.
    const day = new Date(Date.now() + 2 * 86_400_000)
    const hours = new URLSearchParams({ workHours: '1', workStart: '09:00', workEnd: '17:00' })
    hours.append('workDays', String(day.getUTCDay()))
    expect((await owner.request(`/o/${slug}/team/${bo}/hours`, { method: 'POST', body: hours })).status).toBe(303)
    const back = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(day)
    const [a, b, c] = [await nameOf(ana!), await nameOf(bo!), await nameOf(cy!)]
    const offHours = `${b} outside working hours (back ${back} 09:00)`

    const shape = { via: 'form', source: '', name: 'X', email: '', phone: '', company: '', status: 'new' }
    const web = await dryRun(owner, slug, shape)
    expect(web.to).toEqual(Array(10).fill(ana))
    expect(web.said[0]).toBe(`Routed to ${a} by rule 'Web': ${offHours}`)
    const his = await dryRun(owner, slug, { ...shape, source: 'bo' })
    expect(his.to).toEqual(Array(10).fill(cy))
    expect(his.said[0]).toBe(`Routed to ${c} by the fallback (rule 'Bo’s leads' had nobody free): ${offHours}`)

    const form = await webForm(owner, slug)
    const arrive = async (email: string, source = '') => {
      expect((await visitor().post(form, { name: email, email, source })).status).toBe(303)
      return holderOf(email)
    }
    expect([await arrive('h1@example.com'), await arrive('h2@example.com')]).toEqual([ana, ana])
    expect(await arrive('h3@example.com', 'bo')).toBe(cy)
    expect(await ledgerOf(owner, slug, 'h1@example.com')).toBe(`Routed to ${a} by rule 'Web': ${offHours}`)
    // Without working hours Bo takes turns again: the rule's rotation starts a new stretch, no catch-up burst.
    const none = { workStart: '09:00', workEnd: '17:00' }
    expect((await owner.post(`/o/${slug}/team/${bo}/hours`, none)).status).toBe(303)
    const after: string[] = []
    for (let i = 0; i < 4; i++) after.push(await arrive(`h${i + 4}@example.com`))
    expect(after).toEqual([bo, ana, bo, ana])

    // The routing page counts the leads the rules routed, each expected of who could take it in the rule's rotation.
    const page = dom(await owner.html(`/o/${slug}/routing?days=7`))
    const cells = (id: string): Record<string, string> =>
      Object.fromEntries(
        [...page.querySelectorAll(`#routing-balance tr[data-member-id="${id}"] td[data-label]`)].map((td) => [
          td.getAttribute('data-label')!,
          textOf(td),
        ]),
      )
    expect(cells(ana!)).toMatchObject({ 'Leads routed': '4', 'Expected share': '4.0', 'Skipped: outside hours': '0' })
    expect(cells(bo!)).toMatchObject({ 'Leads routed': '2', 'Expected share': '2.0', 'Skipped: outside hours': '3' })
    expect(cells(cy!)).toMatchObject({ 'Leads routed': '1', 'Expected share': '1.0' })
  })
})

describe('the dry run and simultaneous arrivals', () => {
  it('shows where the next ten leads of a shape go and why, moves nothing, and ten real arrivals then do the same', async () => {
    const { client: owner, slug } = await signUp('Dry Run Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    expect((await owner.post(`/o/${slug}/team/${bo}/routing`, { weight: '2', cap: '0' })).status).toBe(303)
    expect((await owner.post(`/o/${slug}/team/${cy}/routing`, { weight: '1', cap: '2' })).status).toBe(303)
    await fallbackRoundRobin(owner, slug, [ana!])
    await addRule(owner, slug, [
      ['name', 'Web'],
      ['field1', 'via'],
      ['test1', 'equals'],
      ['value1', 'form'],
      ['action', 'round_robin'],
      ['memberIds', ana!],
      ['memberIds', bo!],
      ['memberIds', cy!],
    ])
    const shape = { via: 'form', source: 'Web form', name: 'X', email: '', phone: '', company: '', status: 'new' }
    const first = await dryRun(owner, slug, shape)
    expect(first.to).toHaveLength(10)
    expect(await dryRun(owner, slug, shape)).toEqual(first)
    // Cy's cap of 2 is reached within the ten: the later sentences say so.
    expect(first.to.filter((to) => to === cy)).toHaveLength(2)
    expect(first.said.at(-1)).toMatch(new RegExp(`by rule 'Web': ${await nameOf(cy!)} at cap$`))
    const form = await webForm(owner, slug)
    const real: string[] = []
    for (let i = 0; i < 10; i++) {
      expect((await visitor().post(form, { name: `Dry ${i}`, email: `dry.${i}@example.com` })).status).toBe(303)
      real.push(await holderOf(`dry.${i}@example.com`))
    }
    expect(real).toEqual(first.to)
  })

  it('30 leads at once under a rule over weights 1 and 2: no error, exactly 10 and 20', async () => {
    const { client: owner, slug } = await signUp('Rush Rules Org')
    const [ana, bo, cy] = await addMembers(slug, 3)
    await fallbackRoundRobin(owner, slug, [cy!])
    expect((await owner.post(`/o/${slug}/team/${bo}/routing`, { weight: '2', cap: '0' })).status).toBe(303)
    await addRule(owner, slug, [
      ['name', 'Rush'],
      ['field1', 'source'],
      ['test1', 'equals'],
      ['value1', 'rush'],
      ['action', 'round_robin'],
      ['memberIds', ana!],
      ['memberIds', bo!],
    ])
    const form = await webForm(owner, slug)
    const answers = await responsesInParallel(30, (i) =>
      visitor().post(form, { name: `Rush ${i}`, email: `rr.${i}@example.com`, source: 'Rush' }),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(303))
    const held = await rows<{ user_id: string; n: number }>(
      `SELECT a.user_id, count(*) AS n FROM lead_assignees a JOIN leads l ON l.id = a.lead_id
       WHERE l.email LIKE 'rr.%' GROUP BY a.user_id`,
    )
    const count = (id: string) => held.find((h) => h.user_id === id)?.n ?? 0
    expect([count(ana!), count(bo!), count(cy!)]).toEqual([10, 20, 0])
  })
})
