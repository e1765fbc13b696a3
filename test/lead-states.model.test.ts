/**
 * Every action on a lead, single and bulk, over every state a lead can be in (issue 21, kind 1): fast-check
 * drives generated sequences of actions through the HTTP routes, as people do, against a model of each lead
 * (owner, collaborators, pool, archived, status, who had it within the change-of-hands window). After each
 * action: no answer is 5xx (the Client fails the test), the answer is the one the model expects (a refused bulk
 * action changed nothing), the lead pages and the pool show what the model holds, and each lead's timeline
 * reads as one change of owner after another.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHANGE_OF_HANDS_WINDOW_MS } from '../src/assignment/handoffs'
import { LEAD_STATUSES, type LeadStatus } from '../src/db/schema'
import { dom, textOf, type Page } from './dom'
import { orgIdOf, userIdOf } from './pool-fixtures'
import { type Client, createLead, env, joinAs, signUp, uploadAndConfirm } from './helpers'

/** The members of the organization: Owner, Admin, two Agents, and an Agent deactivated after the setup. */
type Who = 'O' | 'A' | 'G' | 'H' | 'D'
const NAMES: Record<Who, string> = { O: 'Olive Owner', A: 'Ada Admin', G: 'Gus Agent', H: 'Hal Agent', D: 'Dee Agent' }
const WHO_OF = new Map(Object.entries(NAMES).map(([who, name]) => [name, who as Who]))

type LeadModel = {
  id: string
  owner: Who | null
  collaborators: Set<Who>
  inPool: boolean
  archived: boolean
  status: LeadStatus
  /** Whom it was unassigned from within the change-of-hands window (the newest `unassigned`). */
  recent: Who | null
  /** Changed since it was created (an import's undo archives only untouched leads). */
  touched: boolean
}
type Model = {
  leads: LeadModel[]
  noteRequired: boolean
  imports: { path: string; leads: LeadModel[]; undone: boolean }[]
}
type Real = { slug: string; clients: Record<'O' | 'A' | 'G' | 'H', Client>; ids: Record<Who, string> }

const claimable = (l: LeadModel) => l.inPool && !l.owner && l.collaborators.size === 0 && !l.archived
const touch = (l: LeadModel) => (l.touched = true)

/** POSTs a form with repeated fields for arrays (leadIds=a&leadIds=b). */
function post(client: Client, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return client.request(path, { method: 'POST', body })
}

/** The owner, collaborators, pool, archive and status of a lead as its page shows them to the Owner. */
function shown(page: Page, ids: Record<Who, string>) {
  const whoOf = (id: string | null) => (Object.keys(ids) as Who[]).find((w) => ids[w] === id) ?? id
  const assignees = page.querySelector('#assignment .assignees')
  return {
    owner: whoOf(
      page.querySelector('#assignment [data-assignee-id]:not([data-collaborator])')?.getAttribute('data-assignee-id') ??
        null,
    ),
    collaborators: [...page.querySelectorAll('#assignment [data-collaborator]')]
      .map((el) => whoOf(el.getAttribute('data-assignee-id')))
      .sort(),
    inPool: textOf(assignees).includes('in the pool'),
    archived: page.querySelector('#archived-notice') !== null,
    status: page.querySelector('#status-form option[selected]')?.getAttribute('value'),
  }
}

/**
 * Reads the lead's timeline oldest first and checks each change of owner follows from the one before: an
 * assignment or a claim of a lead nobody owned, a transfer or an unassignment from its owner, a release by its
 * owner. @returns the owner the timeline ends with (undefined when it shows no change of owner)
 */
function ownerByTimeline(page: Page): Who | null | undefined {
  const entries = [...page.querySelectorAll('#timeline li[data-activity-type]')].reverse()
  let owner: Who | null | undefined
  for (const li of entries) {
    const type = li.getAttribute('data-activity-type')
    const sentence = textOf(li.querySelector('span'))
    const person = (name: string | undefined) => WHO_OF.get(name ?? '') ?? `unknown: ${name}`
    const from = (expected: string | null | undefined) => {
      if (owner !== undefined) expect(expected, `"${sentence}" after owner ${owner}`).toBe(owner)
    }
    if (type === 'created') owner = null
    else if (type === 'assigned') {
      from(null)
      owner = person(/assigned this lead to (.+)$/.exec(sentence)?.[1]) as Who
    } else if (type === 'transferred') {
      const [, a, b] = /transferred this lead from (.+) to (.+)$/.exec(sentence) ?? []
      from(person(a))
      owner = person(b) as Who
    } else if (type === 'unassigned') {
      from(person(/unassigned (.+)$/.exec(sentence)?.[1]))
      owner = null
    } else if (type === 'claimed') {
      from(null)
      owner = person(/^(.+) claimed this lead/.exec(sentence)?.[1]) as Who
    } else if (type === 'released') {
      if (owner !== undefined) expect(owner, `"${sentence}" of a lead nobody owned`).not.toBeNull()
      owner = null
    }
  }
  return owner
}

/** The lead page and the pool page show what the model holds for `leads`; the pool lists exactly the claimable. */
async function expectShown(m: Model, r: Real, leads: LeadModel[]) {
  for (const lead of new Set(leads)) {
    const page = dom(await r.clients.O.html(`/o/${r.slug}/leads/${lead.id}`))
    expect(shown(page, r.ids), lead.id).toEqual({
      owner: lead.owner,
      collaborators: [...lead.collaborators].sort(),
      inPool: lead.inPool && !lead.owner,
      archived: lead.archived,
      status: lead.status,
    })
    const last = ownerByTimeline(page)
    if (last !== undefined) expect(last, `the timeline's last owner of ${lead.id}`).toBe(lead.owner)
  }
  const pool = dom(await r.clients.O.html(`/o/${r.slug}/pool`))
  const listed = [...pool.querySelectorAll('#pool-list [data-lead-id]')].map((el) => el.getAttribute('data-lead-id'))
  expect(listed.sort(), 'the pool').toEqual(
    m.leads
      .filter(claimable)
      .map((l) => l.id)
      .sort(),
  )
}

type Cmd = fc.AsyncCommand<Model, Real>

/** The pool open to Agents, multiple assignees, and Agents handing off their own leads. */
const WORLD_SETTINGS = { poolEnabled: '1', multipleAssignees: '1', agentsMayHandOff: '1' }
const pick = <T>(list: T[], i: number) => list[i % list.length]!
const picks = (m: Model, indexes: number[]) => [...new Set(indexes.map((i) => pick(m.leads, i)))]
const manager = fc.constantFrom<'O' | 'A'>('O', 'A')
const member = fc.constantFrom<Who>('O', 'A', 'G', 'H', 'D')
const note = fc.constantFrom('', 'Call on Tuesdays.')
const leadIndex = fc.nat(50)
const leadIndexes = fc.uniqueArray(fc.nat(50), { minLength: 1, maxLength: 6 })
const statusArb = fc.constantFrom<LeadStatus>(...LEAD_STATUSES)

/** A command: `act` sends the request, updates the model and says the answer or answers to expect (`expected`). */
function command(
  label: string,
  act: (m: Model, r: Real) => { send: Promise<Response>; leads: LeadModel[]; expected: number | number[] },
): Cmd {
  return {
    check: () => true,
    async run(m, r) {
      const { send, leads, expected } = act(m, r)
      const res = await send
      const body = await res.text()
      const allowed = Array.isArray(expected) ? expected : [expected]
      expect(allowed, `${label} answered ${res.status}: ${textOf(dom(body).querySelector('[role=alert]'))}`).toContain(
        res.status,
      )
      await expectShown(m, r, leads)
    },
    toString: () => label,
  }
}

/** One lead assigned to `to` (null: unassigned) from its page: the model's answer and change. */
function assignOne(m: Model, lead: LeadModel, to: Who | null, withNote: boolean): number {
  // Nothing changes: a note typed would reach no one, so it is refused rather than dropped.
  if (lead.owner === to) return withNote ? 422 : 303
  if (to === 'D') return 422
  const previous = lead.owner ?? (to ? lead.recent : null)
  if (to && previous && previous !== to && m.noteRequired && !withNote) return 422
  // Only an unassignment leaves someone who just had it; any other change of owner is newer news.
  lead.recent = to ? null : lead.owner
  if (to) lead.collaborators.delete(to)
  lead.owner = to
  lead.inPool = false
  touch(lead)
  return 303
}

/** The selected leads a bulk action works on (archived ones are dropped), or null when none is left (422). */
const selectedOf = (leads: LeadModel[]) => {
  const live = leads.filter((l) => !l.archived)
  return live.length > 0 ? live : null
}

/** A bulk assignment by `by` of the ticked leads `is` (or every lead of the list, "select all") to `to`. */
function bulkAssignCommand(by: 'O' | 'A', is: number[] | 'all', to: Who, text: string): Cmd {
  return command(
    `${by} bulk-assigns ${is === 'all' ? 'all leads' : `leads ${is.join(',')}`} to ${to}${text ? ' with a note' : ''}`,
    (m, r) => {
      const leads = is === 'all' ? m.leads.filter((l) => !l.archived) : picks(m, is)
      const selection: Record<string, string | string[]> =
        is === 'all' ? { all: '1' } : { leadIds: leads.map((l) => l.id) }
      const send = post(r.clients[by], `/o/${r.slug}/leads/bulk-assign`, {
        ...selection,
        assigneeId: r.ids[to],
        note: text,
      })
      const selected = selectedOf(leads)
      if (to === 'D' || !selected) return { send, leads, expected: 422 }
      const changed = selected.filter((l) => l.owner !== to)
      if (changed.length === 0 && text) return { send, leads, expected: 422 }
      const handsOn = changed.some((l) => (l.owner ?? l.recent) !== null && (l.owner ?? l.recent) !== to)
      if (handsOn && m.noteRequired && !text) return { send, leads, expected: 422 }
      for (const lead of changed) assignOne(m, lead, to, true)
      return { send, leads, expected: 200 }
    },
  )
}

// Bulk assignment meets every other state most often: ticked leads, or every lead of the list ("select all").
const bulkAssign = fc
  .tuple(manager, fc.option(leadIndexes, { nil: 'all' as const }), member, note)
  .map(([by, is, to, text]) => bulkAssignCommand(by, is, to, text))

const commands = [
  fc.tuple(manager, leadIndex, fc.option(member, { nil: null }), note).map(([by, i, to, text]) =>
    command(`${by} assigns lead ${i} to ${to ?? 'nobody'}${text ? ' with a note' : ''}`, (m, r) => {
      const lead = pick(m.leads, i)
      return {
        send: post(r.clients[by], `/o/${r.slug}/leads/${lead.id}/assign`, {
          assigneeId: to ? r.ids[to] : '',
          note: text,
        }),
        leads: [lead],
        // An archived lead's owner stays as it is until it is restored.
        expected: lead.archived ? 409 : assignOne(m, lead, to, text !== ''),
      }
    }),
  ),
  bulkAssign,
  bulkAssign,
  bulkAssign,
  fc.tuple(manager, leadIndexes).map(([by, is]) =>
    command(`${by} bulk-unassigns leads ${is.join(',')}`, (m, r) => {
      const leads = picks(m, is)
      const send = post(r.clients[by], `/o/${r.slug}/leads/bulk-unassign`, { leadIds: leads.map((l) => l.id) })
      const selected = selectedOf(leads)
      if (!selected) return { send, leads, expected: 422 }
      for (const lead of selected) assignOne(m, lead, null, false)
      return { send, leads, expected: 200 }
    }),
  ),
  fc.tuple(manager, leadIndexes, statusArb).map(([by, is, status]) =>
    command(`${by} bulk-sets leads ${is.join(',')} to ${status}`, (m, r) => {
      const leads = picks(m, is)
      const send = post(r.clients[by], `/o/${r.slug}/leads/bulk-status`, { leadIds: leads.map((l) => l.id), status })
      const selected = selectedOf(leads)
      if (!selected) return { send, leads, expected: 422 }
      for (const lead of selected.filter((l) => l.status !== status)) {
        lead.status = status
        touch(lead)
      }
      return { send, leads, expected: 200 }
    }),
  ),
  fc.tuple(manager, leadIndexes).map(([by, is]) =>
    command(`${by} bulk-pools leads ${is.join(',')}`, (m, r) => {
      const leads = picks(m, is)
      const send = post(r.clients[by], `/o/${r.slug}/leads/bulk-pool`, { leadIds: leads.map((l) => l.id) })
      const selected = selectedOf(leads)
      if (!selected) return { send, leads, expected: 422 }
      if (selected.some((l) => l.owner || l.collaborators.size > 0)) return { send, leads, expected: 409 }
      for (const lead of selected.filter((l) => !l.inPool)) {
        lead.inPool = true
        touch(lead)
      }
      return { send, leads, expected: 200 }
    }),
  ),
  fc.tuple(manager, leadIndex, fc.boolean()).map(([by, i, into]) =>
    command(`${by} moves lead ${i} ${into ? 'into' : 'out of'} the pool`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = post(r.clients[by], `/o/${r.slug}/leads/${lead.id}/pool`, into ? { inPool: '1' } : {})
      if (lead.archived || lead.owner || lead.collaborators.size > 0) return { send, leads: [lead], expected: 409 }
      if (lead.inPool !== into) {
        lead.inPool = into
        touch(lead)
      }
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc
    .tuple(fc.constantFrom<'G' | 'H'>('G', 'H'), leadIndex, fc.option(member, { nil: null }), note)
    .map(([by, i, to, text]) =>
      command(`${by} hands lead ${i} off to ${to ?? 'nobody'}${text ? ' with a note' : ''}`, (m, r) => {
        const lead = pick(m.leads, i)
        const send = post(r.clients[by], `/o/${r.slug}/leads/${lead.id}/handoff`, {
          assigneeId: to ? r.ids[to] : '',
          note: text,
        })
        // Only the Agent who owns it hands it off (403, or 404 when they cannot see it), to a teammate.
        if (lead.owner !== by) return { send, leads: [lead], expected: [403, 404] }
        if (!to || to === by) return { send, leads: [lead], expected: 422 }
        if (lead.archived) return { send, leads: [lead], expected: 409 }
        if (to === 'D') return { send, leads: [lead], expected: 422 }
        return { send, leads: [lead], expected: assignOne(m, lead, to, text !== '') }
      }),
    ),
  fc.tuple(fc.constantFrom<'G' | 'H'>('G', 'H'), leadIndex).map(([by, i]) =>
    command(`${by} claims lead ${i}`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = r.clients[by].post(`/o/${r.slug}/leads/${lead.id}/claim`)
      // A lead that is not claimable: 409 when the Agent may see it, else 404.
      if (!claimable(lead)) return { send, leads: [lead], expected: [404, 409] }
      lead.owner = by
      lead.inPool = false
      lead.recent = null
      touch(lead)
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.tuple(manager, fc.boolean(), leadIndex, note).map(([by, byOwner, i, text]) =>
    command(`${byOwner ? 'its owner' : by} releases lead ${i}`, (m, r) => {
      const lead = pick(m.leads, i)
      // Its owner releases it when an Agent who can still sign in owns it, else a manager does.
      const actor = byOwner && (lead.owner === 'G' || lead.owner === 'H') ? lead.owner : by
      const send = post(r.clients[actor], `/o/${r.slug}/leads/${lead.id}/release`, { note: text })
      if (!lead.owner || lead.archived) return { send, leads: [lead], expected: 409 }
      lead.owner = null
      lead.collaborators.clear()
      lead.inPool = true
      lead.recent = null
      touch(lead)
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.tuple(manager, leadIndex, member).map(([by, i, who]) =>
    command(`${by} adds ${who} as a collaborator of lead ${i}`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = post(r.clients[by], `/o/${r.slug}/leads/${lead.id}/assignees`, { userId: r.ids[who] })
      // A lead waiting in the pool is for whoever claims it; an archived lead's stay as they are.
      if (lead.archived || (lead.inPool && !lead.owner)) return { send, leads: [lead], expected: 409 }
      if (who === 'D') return { send, leads: [lead], expected: 422 }
      if (lead.owner !== who && !lead.collaborators.has(who)) {
        lead.collaborators.add(who)
        touch(lead)
      }
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.tuple(manager, leadIndex, member).map(([by, i, who]) =>
    command(`${by} removes collaborator ${who} from lead ${i}`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = r.clients[by].post(`/o/${r.slug}/leads/${lead.id}/assignees/${r.ids[who]}/remove`)
      if (lead.archived) return { send, leads: [lead], expected: 409 }
      if (lead.collaborators.delete(who)) touch(lead)
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.tuple(manager, leadIndex, statusArb).map(([by, i, status]) =>
    command(`${by} sets lead ${i} to ${status}`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = post(r.clients[by], `/o/${r.slug}/leads/${lead.id}/status`, { status, from: lead.status })
      if (lead.status !== status) {
        lead.status = status
        touch(lead)
      }
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.tuple(manager, leadIndex, fc.boolean()).map(([by, i, archive]) =>
    command(`${by} ${archive ? 'archives' : 'restores'} lead ${i}`, (m, r) => {
      const lead = pick(m.leads, i)
      const send = r.clients[by].post(`/o/${r.slug}/leads/${lead.id}/${archive ? 'archive' : 'restore'}`)
      if (lead.archived !== archive) {
        lead.archived = archive
        touch(lead)
      }
      return { send, leads: [lead], expected: 303 }
    }),
  ),
  fc.constant<Cmd>({
    check: (m) => m.imports.length < 2,
    async run(m, r) {
      const tag = crypto.randomUUID().slice(0, 8)
      const emails = [`a.${tag}@example.com`, `b.${tag}@example.com`]
      const csv = `name,email\nImported A ${tag},${emails[0]}\nImported B ${tag},${emails[1]}\n`
      const path = await uploadAndConfirm(r.clients.O, r.slug, 'leads.csv', csv, (fields) =>
        fields.set('routing', 'unassigned'),
      )
      const leads: LeadModel[] = []
      for (const email of emails) {
        const row = await env.DB.prepare('SELECT id FROM leads WHERE email = ?').bind(email).first<{ id: string }>()
        expect(row, `imported ${email}`).not.toBeNull()
        leads.push(fresh(row!.id))
      }
      m.leads.push(...leads)
      m.imports.push({ path, leads, undone: false })
      await expectShown(m, r, leads)
    },
    toString: () => 'O imports two leads',
  }),
  fc.nat(1).map<Cmd>((k) => ({
    check: (m) => m.imports.some((j) => !j.undone),
    async run(m, r) {
      const job = m.imports.filter((j) => !j.undone)[k % m.imports.filter((j) => !j.undone).length]!
      const res = await r.clients.O.post(`${job.path}/undo`)
      expect(res.status).toBe(303)
      job.undone = true
      for (const lead of job.leads.filter((l) => !l.touched)) {
        lead.archived = true
        touch(lead)
      }
      await expectShown(m, r, job.leads)
    },
    toString: () => `O undoes an import`,
  })),
  fc.boolean().map<Cmd>((required) => ({
    check: () => true,
    async run(m, r) {
      const settings = {
        ...WORLD_SETTINGS,
        ...(required ? { handoffNoteRequired: '1' } : {}),
      }
      expect((await r.clients.O.post(`/o/${r.slug}/settings`, settings)).status).toBe(303)
      m.noteRequired = required
    },
    toString: () => `handoff notes ${required ? 'required' : 'optional'}`,
  })),
  fc.constant<Cmd>({
    check: () => true,
    async run(m, r) {
      // An hour passes: every unassignment so far is older than the change-of-hands window.
      await env.DB.prepare('UPDATE activities SET created_at = created_at - ? WHERE org_id = ?')
        .bind(CHANGE_OF_HANDS_WINDOW_MS + 60_000, await orgIdOf(r.slug))
        .run()
      for (const lead of m.leads) lead.recent = null
    },
    toString: () => 'an hour passes',
  }),
]

function fresh(id: string): LeadModel {
  return {
    id,
    owner: null,
    collaborators: new Set(),
    inPool: false,
    archived: false,
    status: 'new',
    recent: null,
    touched: false,
  }
}

/** Shifts every activity of `leadIds` back by more than the change-of-hands window (an hour passes for them). */
async function anHourAgo(leadIds: string[]) {
  await env.DB.prepare(
    'UPDATE activities SET created_at = created_at - ? WHERE lead_id IN (SELECT value FROM json_each(?))',
  )
    .bind(CHANGE_OF_HANDS_WINDOW_MS + 60_000, JSON.stringify(leadIds))
    .run()
}

/**
 * A new organization: Owner, Admin, Gus and Hal (Agents), Dee (an Agent deactivated after the setup), with the
 * pool and multiple assignees on, and a lead in each state: new; owned by Dee; owned by Gus with Hal and Dee
 * collaborating; unassigned from Gus just now; unassigned from Hal long ago; in the pool; claimed by Hal;
 * released by Gus; transferred from Gus to Hal; archived; archived and restored.
 */
async function world(): Promise<{ model: Model; real: Real }> {
  const owner = await signUp('Model Co', NAMES.O)
  const slug = owner.slug
  const o = owner.client
  const [admin, gus, hal, dee] = await Promise.all([
    joinAs(o, slug, 'admin', NAMES.A),
    joinAs(o, slug, 'agent', NAMES.G),
    joinAs(o, slug, 'agent', NAMES.H),
    joinAs(o, slug, 'agent', NAMES.D),
  ])
  expect((await o.post(`/o/${slug}/settings`, WORLD_SETTINGS)).status).toBe(303)
  const ids: Record<Who, string> = {
    O: await userIdOf(owner.email),
    A: admin.userId,
    G: gus.userId,
    H: hal.userId,
    D: dee.userId,
  }
  const names = ['Ann', 'Bob', 'Cid', 'Dan', 'Eve', 'Fay', 'Gil', 'Hep', 'Ida', 'Jo', 'Kim']
  const leads = (await Promise.all(names.map((name) => createLead(o, slug, { name: `${name} Lead` })))).map(fresh)
  const [, bob, cid, dan, eve, fay, gil, hep, ida, jo, kim] = leads as [LeadModel, ...LeadModel[]]
  const ok = async (send: Promise<Response>) => expect((await send).status).toBeLessThan(400)
  const assign = (lead: LeadModel, who: Who | '') =>
    ok(o.post(`/o/${slug}/leads/${lead.id}/assign`, { assigneeId: who && ids[who] }))
  const pool = (lead: LeadModel) => ok(o.post(`/o/${slug}/leads/${lead.id}/pool`, { inPool: '1' }))
  // Each lead's history, the leads side by side.
  await Promise.all([
    assign(bob!, 'D'),
    (async () => {
      await assign(cid!, 'G')
      for (const who of ['H', 'D'] as const)
        await ok(o.post(`/o/${slug}/leads/${cid!.id}/assignees`, { userId: ids[who] }))
    })(),
    (async () => {
      await assign(dan!, 'G')
      await assign(dan!, '')
    })(),
    (async () => {
      await assign(eve!, 'H')
      await assign(eve!, '')
      await anHourAgo([eve!.id])
    })(),
    pool(fay!),
    (async () => {
      await pool(gil!)
      await ok(hal.client.post(`/o/${slug}/leads/${gil!.id}/claim`))
    })(),
    (async () => {
      await assign(hep!, 'G')
      await ok(gus.client.post(`/o/${slug}/leads/${hep!.id}/release`, { note: 'Not for me.' }))
    })(),
    (async () => {
      await assign(ida!, 'G')
      await assign(ida!, 'H')
    })(),
    (async () => {
      await assign(jo!, 'G')
      await ok(o.post(`/o/${slug}/leads/${jo!.id}/archive`))
    })(),
    (async () => {
      await ok(o.post(`/o/${slug}/leads/${kim!.id}/archive`))
      await ok(o.post(`/o/${slug}/leads/${kim!.id}/restore`))
    })(),
  ])
  expect((await o.post(`/o/${slug}/team/${ids.D}/deactivate`)).status).toBe(303)
  Object.assign(bob!, { owner: 'D' })
  Object.assign(cid!, { owner: 'G', collaborators: new Set(['H', 'D']) })
  Object.assign(dan!, { recent: 'G' })
  Object.assign(fay!, { inPool: true })
  Object.assign(gil!, { owner: 'H' })
  Object.assign(hep!, { inPool: true })
  Object.assign(ida!, { owner: 'H' })
  Object.assign(jo!, { owner: 'G', archived: true })
  for (const lead of leads) lead.touched = true
  const model: Model = { leads, noteRequired: false, imports: [] }
  const real: Real = { slug, clients: { O: o, A: admin.client, G: gus.client, H: hal.client }, ids }
  await expectShown(model, real, leads)
  return { model, real }
}

describe('every action on a lead, single and bulk, over every state it can be in', () => {
  it('answers no 5xx, changes all or nothing, and keeps each lead’s timeline one change after another', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 15, size: 'max' }),
        // To someone other than the one Dan was unassigned from: a change of hands whenever Dan is still so.
        fc.tuple(manager, fc.constantFrom<Who>('O', 'A', 'H')).map(([by, to]) => bulkAssignCommand(by, 'all', to, '')),
        async (cmds, selectAll) => {
          const { model, real } = await world()
          await fc.asyncModelRun(() => ({ model, real }), cmds)
          // Whatever state each lead ended in, "select all" and assign meets them all at once.
          await selectAll.run(model, real)
          await expectShown(model, real, model.leads)
        },
      ),
      { numRuns: 5 },
    )
  }, 180_000)
})

describe('a collaborator on a lead in the pool', () => {
  it('is refused (409) while the lead waits in the pool, so the pool and the lead page keep agreeing', async () => {
    const { model, real } = await world()
    const fay = model.leads[5]!
    const res = await real.clients.O.post(`/o/${real.slug}/leads/${fay.id}/assignees`, { userId: real.ids.G })
    expect(res.status).toBe(409)
    expect(textOf(dom(await res.text()).querySelector('[role=alert]'))).toContain('in the pool')
    // Still claimable, and the page offers no collaborator to add until it is out of the pool.
    await expectShown(model, real, [fay])
    const page = dom(await real.clients.O.html(`/o/${real.slug}/leads/${fay.id}`))
    expect(page.querySelector('#add-collaborator')).toBeNull()
  })
})

describe('actions meeting on the same leads', () => {
  it('answer no 5xx, and each lead ends as its page, the pool and its timeline say, one change after another', async () => {
    const { model, real } = await world()
    const { O, A, G, H } = real.clients
    const [ann, , , dan, eve, fay, gil] = model.leads.map((l) => l.id)
    const live = model.leads.filter((l) => !l.archived).map((l) => l.id)
    const path = (action: string) => `/o/${real.slug}/leads/${action}`
    const answers = await Promise.all([
      post(O, path('bulk-assign'), { all: '1', assigneeId: real.ids.H, note: 'Splitting the list.' }),
      post(A, path('bulk-unassign'), { all: '1' }),
      post(A, path('bulk-status'), { leadIds: live, status: 'contacted' }),
      post(O, path('bulk-pool'), { leadIds: [ann!, dan!, eve!] }),
      post(A, path(`${dan}/assign`), { assigneeId: real.ids.A, note: 'Mine now.' }),
      G.post(path(`${fay}/claim`)),
      H.post(path(`${gil}/release`)),
      O.post(path(`${ann}/assignees`), { userId: real.ids.G }),
    ])
    for (const res of answers) expect([200, 303, 404, 409, 422]).toContain(res.status)
    const inPool: string[] = []
    for (const lead of model.leads) {
      const page = dom(await O.html(path(lead.id)))
      const seen = shown(page, real.ids)
      const last = ownerByTimeline(page)
      if (last !== undefined) expect(seen.owner, `${lead.id}: the page and its timeline`).toBe(last)
      if (seen.inPool && !seen.archived) inPool.push(lead.id)
    }
    const pool = dom(await O.html(`/o/${real.slug}/pool`))
    const listed = [...pool.querySelectorAll('#pool-list [data-lead-id]')].map((el) => el.getAttribute('data-lead-id'))
    expect(listed.sort()).toEqual(inPool.sort())
  })
})

describe('an unassigned lead still worked by a collaborator', () => {
  it('is refused the pool with a reason that says what to do: remove its collaborators', async () => {
    const { model, real } = await world()
    const [ann, , cid] = model.leads
    const { O } = real.clients
    const path = (action: string) => `/o/${real.slug}/leads/${action}`
    expect((await O.post(path(`${ann!.id}/assign`), { assigneeId: real.ids.G })).status).toBe(303)
    expect((await O.post(path(`${ann!.id}/assignees`), { userId: real.ids.H })).status).toBe(303)
    expect((await O.post(path(`${ann!.id}/assign`), { assigneeId: '' })).status).toBe(303)
    const alone = await O.post(path(`${ann!.id}/pool`), { inPool: '1' })
    expect(alone.status).toBe(409)
    expect(textOf(dom(await alone.text()).querySelector('[role=alert]'))).toBe(
      'This lead has collaborators; remove them first.',
    )
    const bulk = await post(O, path('bulk-pool'), { leadIds: [ann!.id, cid!.id] })
    expect(bulk.status).toBe(409)
    expect(textOf(dom(await bulk.text()).querySelector('[role=alert]'))).toContain(
      '2 of the selected leads have assignees or collaborators: unassign them (Unassign) and remove their collaborators',
    )
    // Removing the collaborator is what it takes.
    expect((await O.post(path(`${ann!.id}/assignees/${real.ids.H}/remove`))).status).toBe(303)
    expect((await O.post(path(`${ann!.id}/pool`), { inPool: '1' })).status).toBe(303)
  })
})
