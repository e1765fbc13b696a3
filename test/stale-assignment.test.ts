/**
 * A page opened before a teammate changed who holds a lead never overrides that change unseen (issue 23): every
 * form that changes who holds a lead carries the holders it was shown with (`shown_assignees`, a bulk row's
 * `shown_{leadId}`; src/leads/holders.ts). When they changed meanwhile the change is refused (409) naming who holds
 * the lead now, with the person's choice and note kept and the holders now in the form, so sending it again goes
 * ahead; a bulk action skips, and names, the ticked leads that changed hands.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alertOf, dom, textOf, texts, type Page } from './dom'
import { type Client, createLead, env, formFields, joinAs, ORIGIN, signUp } from './helpers'
import { listen, until } from './sockets'

/** An Owner and an Admin each in their own browser, and two Agents to give leads to. */
async function team(settings: Record<string, string> = {}) {
  const owner = await signUp('Stale Hands Co', 'Olive Owner')
  const admin = await joinAs(owner.client, owner.slug, 'admin', 'Adam Admin')
  const ava = await joinAs(owner.client, owner.slug, 'agent', 'Ava Agent')
  const bo = await joinAs(owner.client, owner.slug, 'agent', 'Bo Agent')
  if (Object.keys(settings).length)
    expect((await owner.client.post(`/o/${owner.slug}/settings`, settings)).status).toBe(303)
  return { owner, admin, ava, bo, slug: owner.slug }
}

/** The assignees of `leadId` in D1, primary first: what is written, whatever any page says. */
const holdersIn = async (leadId: string) =>
  (
    await env.DB.prepare(
      "SELECT user_id, kind FROM lead_assignees WHERE lead_id = ? ORDER BY kind = 'primary' DESC, user_id",
    )
      .bind(leadId)
      .all<{ user_id: string; kind: string }>()
  ).results.map((r) => `${r.kind}:${r.user_id}`)

/** The timeline's entries as the lead page shows them, newest first (their activity types). */
const timelineOf = (page: Page) =>
  [...page.querySelectorAll('#timeline li[data-activity-type]')].map((li) => li.getAttribute('data-activity-type'))

/** The text typed in the textarea `name` of the element `scope` on `page`. */
const typedIn = (page: Page, scope: string, name: string) =>
  textOf(page.querySelector(`${scope} textarea[name="${name}"]`))

/** POSTs a form whose array values are sent as repeated fields (leadIds=a&leadIds=b). */
function postForm(client: Client, path: string, fields: URLSearchParams | Record<string, string | string[]>) {
  const body = new URLSearchParams()
  const entries = fields instanceof URLSearchParams ? [...fields] : Object.entries(fields)
  for (const [key, value] of entries) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return client.request(path, { method: 'POST', body })
}

describe('the lead page’s assignment', () => {
  it('refuses an assignment planned on an unassigned lead a teammate assigned meanwhile, keeps the choice and note, and goes ahead from the refusal', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'Maria Lopez' })
    const base = `/o/${slug}/leads/${leadId}`
    // The Admin has the lead open: unassigned.
    const opened = formFields(await admin.client.html(base), 'assign-form')
    expect(opened.get('shown_assignees')).toBe('')
    // The Owner assigns it to Ava in another browser.
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    // The Admin picks Bo on the stale page, with a note.
    const sent = Object.fromEntries(opened)
    const refused = await admin.client.post(`${base}/assign`, { ...sent, assigneeId: bo.userId, note: 'Call Monday' })
    expect(refused.status).toBe(409)
    const html = await refused.text()
    const page = dom(html)
    expect(alertOf(page)).toContain('Ava Agent holds this lead now')
    // Nothing written: Ava still holds it, the timeline has her assignment only.
    expect(await holdersIn(leadId)).toEqual([`primary:${ava.userId}`])
    expect(timelineOf(page)).toEqual(['assigned', 'created'])
    // The choice and note are kept; the form now carries Ava as the holder shown.
    const again = formFields(html, 'assign-form')
    expect(again.get('assigneeId')).toBe(bo.userId)
    expect(again.get('shown_assignees')).toBe(ava.userId)
    expect(typedIn(page, '#assign-form', 'note')).toBe('Call Monday')
    // One click goes ahead anyway: the re-rendered form applies.
    const ahead = await admin.client.post(`${base}/assign`, { ...Object.fromEntries(again), note: 'Call Monday' })
    expect(ahead.status).toBe(303)
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
    expect(texts(await admin.client.html(base), '#assignment [data-assignee-id]')).toEqual(['Bo Agent'])
  })

  it('still takes a form without the field (old pages, other clients), unchecked, as before', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'No Field' })
    const base = `/o/${slug}/leads/${leadId}`
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    expect((await admin.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
  })

  it('refuses a stale unassignment the same way; the hand-off form carries its holders too', async () => {
    const { owner, admin, ava, bo, slug } = await team({ agentsMayHandOff: '1' })
    const leadId = await createLead(owner.client, slug, { name: 'Hand Off' })
    const base = `/o/${slug}/leads/${leadId}`
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const adminForm = Object.fromEntries(formFields(await admin.client.html(base), 'assign-form'))
    const avaPage = dom(await ava.client.html(base))
    expect(avaPage.querySelector('#handoff input[name="shown_assignees"]')?.getAttribute('value')).toBe(ava.userId)
    // The Owner moves it to Bo; the Admin's Unassign was planned on Ava.
    expect((await owner.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    const unassign = await admin.client.post(`${base}/assign`, { ...adminForm, assigneeId: '', note: 'Freeing it' })
    expect(unassign.status).toBe(409)
    expect(alertOf(await unassign.text())).toContain('Bo Agent holds this lead now')
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
  })
})

describe('a list row’s menu', () => {
  it('refuses an assignment planned on what the row showed, with the menu open, the choice and note kept', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'Row Lead' })
    const list = dom(await admin.client.html(`/o/${slug}/leads`))
    const rowHolders = list
      .querySelector(`tr[data-lead-id="${leadId}"] input[name="shown_${leadId}"]`)
      ?.getAttribute('value')
    expect(rowHolders).toBe('')
    // The row's menu is loaded with the holders the row showed (public/app.js) and sends them back.
    const menu = dom(await admin.client.html(`/o/${slug}/leads/${leadId}/assign-menu?shown_assignees=${rowHolders}`))
    const shownField = `.row-menu-body input[name="shown_assignees"][form="assign-${leadId}"]`
    expect(menu.querySelector(shownField)?.getAttribute('value')).toBe('')
    expect((await owner.client.post(`/o/${slug}/leads/${leadId}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const htmx = { 'HX-Request': 'true', 'HX-Current-URL': `${ORIGIN}/o/${slug}/leads` }
    const sent = { from: 'list', assigneeId: bo.userId, note: 'Warm lead', shown_assignees: '' }
    const refused = await admin.client.post(`/o/${slug}/leads/${leadId}/assign`, sent, htmx)
    expect(refused.status).toBe(409)
    const row = dom(await refused.text())
    expect(textOf(row.querySelector('[data-error-for="form"]'))).toContain('Ava Agent holds this lead now')
    expect(row.querySelector('.row-menu')?.hasAttribute('open')).toBe(true)
    expect(row.querySelector('select[name="assigneeId"] option[selected]')?.getAttribute('value')).toBe(bo.userId)
    expect(typedIn(row, '.row-menu', 'note')).toBe('Warm lead')
    expect(textOf(row.querySelector('[data-assignee-id]'))).toBe('Ava Agent')
    expect(await holdersIn(leadId)).toEqual([`primary:${ava.userId}`])
    // The row now carries Ava: sending the menu again goes ahead.
    const now = row.querySelector(shownField)?.getAttribute('value')
    expect(now).toBe(ava.userId)
    const ahead = await admin.client.post(`/o/${slug}/leads/${leadId}/assign`, { ...sent, shown_assignees: now! }, htmx)
    expect(ahead.status).toBe(200)
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
  })
})

describe('the bulk bar', () => {
  it('skips and names the ticked leads that changed hands since the list was loaded; the rest apply', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'Bulk Alpha' })
    const b = await createLead(owner.client, slug, { name: 'Bulk Beta' })
    const c = await createLead(owner.client, slug, { name: 'Bulk Gamma' })
    const loaded = formFields(await admin.client.html(`/o/${slug}/leads`), 'bulk-form')
    expect(loaded.get(`shown_${b}`)).toBe('')
    expect((await owner.client.post(`/o/${slug}/leads/${b}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    loaded.delete('leadIds')
    for (const id of [a, b, c]) loaded.append('leadIds', id)
    loaded.set('assigneeId', bo.userId)
    loaded.set('note', 'New territory')
    const res = await postForm(admin.client, `/o/${slug}/leads/bulk-assign`, loaded)
    expect(res.status).toBe(200)
    const notice = textOf(dom(await res.text()).querySelector('#bulk-notice'))
    expect(notice).toContain('2 leads assigned to Bo Agent.')
    expect(notice).toContain('1 lead changed hands since you loaded the page: Bulk Beta. It was not changed.')
    expect(await holdersIn(a)).toEqual([`primary:${bo.userId}`])
    expect(await holdersIn(b)).toEqual([`primary:${ava.userId}`])
    expect(await holdersIn(c)).toEqual([`primary:${bo.userId}`])
  })

  it('refuses (409) when every ticked lead changed hands, keeps ticks, member and note, and goes ahead from there', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'Only Alpha' })
    const loaded = formFields(await admin.client.html(`/o/${slug}/leads`), 'bulk-form')
    expect((await owner.client.post(`/o/${slug}/leads/${a}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    loaded.set('leadIds', a)
    loaded.set('note', 'Moving it')
    const res = await postForm(admin.client, `/o/${slug}/leads/bulk-unassign`, loaded)
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(alertOf(html)).toContain('1 lead changed hands since you loaded the page: Only Alpha')
    expect(await holdersIn(a)).toEqual([`primary:${ava.userId}`])
    const again = formFields(html, 'bulk-form')
    expect(again.getAll('leadIds')).toEqual([a])
    expect(again.get(`shown_${a}`)).toBe(ava.userId)
    expect(textOf(dom(html).querySelector('#bulk-form textarea[name="note"]'))).toBe('Moving it')
    again.set('note', 'Moving it')
    const ahead = await postForm(admin.client, `/o/${slug}/leads/bulk-unassign`, again)
    expect(ahead.status).toBe(200)
    expect(await holdersIn(a)).toEqual([])
    void bo
  })

  it('skips ticked leads a teammate assigned before they were put in the pool', async () => {
    const { owner, admin, ava, slug } = await team()
    const a = await createLead(owner.client, slug, { name: 'Pool Alpha' })
    const b = await createLead(owner.client, slug, { name: 'Pool Beta' })
    const loaded = formFields(await admin.client.html(`/o/${slug}/leads`), 'bulk-form')
    expect((await owner.client.post(`/o/${slug}/leads/${b}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    loaded.delete('leadIds')
    loaded.append('leadIds', a)
    loaded.append('leadIds', b)
    const res = await postForm(admin.client, `/o/${slug}/leads/bulk-pool`, loaded)
    expect(res.status).toBe(200)
    expect(textOf(dom(await res.text()).querySelector('#bulk-notice'))).toBe(
      '1 lead put in the pool. 1 lead changed hands since you loaded the page: Pool Beta. It was not changed.',
    )
    expect(await holdersIn(b)).toEqual([`primary:${ava.userId}`])
  })

  it('“select all matching” plans against the state at the moment of the action and says how many changed hands', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    await createLead(owner.client, slug, { name: 'Match One' })
    const two = await createLead(owner.client, slug, { name: 'Match Two' })
    // Loaded with both unassigned; the Owner gives one to Ava before the Admin presses Assign on all.
    await admin.client.html(`/o/${slug}/leads?q=match`)
    expect((await owner.client.post(`/o/${slug}/leads/${two}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const res = await admin.client.post(`/o/${slug}/leads/bulk-assign`, {
      all: '1',
      match_q: 'match',
      assigneeId: bo.userId,
    })
    expect(textOf(dom(await res.text()).querySelector('#bulk-notice'))).toBe(
      '1 lead assigned to Bo Agent, 1 transferred to Bo Agent from Ava Agent.',
    )
    expect(await holdersIn(two)).toEqual([`primary:${bo.userId}`])
  })
})

describe('collaborators, release and pool moves', () => {
  it('refuse adding or removing a collaborator on holders that changed meanwhile', async () => {
    const { owner, admin, ava, bo, slug } = await team({ multipleAssignees: '1' })
    const leadId = await createLead(owner.client, slug, { name: 'Team Lead' })
    const base = `/o/${slug}/leads/${leadId}`
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const page = await admin.client.html(base)
    const shown = formFields(page, 'assign-form').get('shown_assignees')!
    expect(shown).toBe(ava.userId)
    // The Owner adds Bo as collaborator; the Admin's stale page (Ava alone) adds the Admin.
    expect((await owner.client.post(`${base}/assignees`, { userId: bo.userId })).status).toBe(303)
    const add = await admin.client.post(`${base}/assignees`, { userId: admin.userId, shown_assignees: shown })
    expect(add.status).toBe(409)
    expect(alertOf(await add.text())).toContain('Ava Agent and Bo Agent hold this lead now')
    expect(await holdersIn(leadId)).toEqual([`primary:${ava.userId}`, `collaborator:${bo.userId}`])
    // Removing Bo on a page that showed him, after the Owner made him primary: refused too.
    const withBo = [ava.userId, bo.userId].sort().join(',')
    expect((await owner.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    const remove = await admin.client.post(`${base}/assignees/${bo.userId}/remove`, { shown_assignees: withBo })
    expect(remove.status).toBe(409)
    expect(alertOf(await remove.text())).toContain('Bo Agent holds this lead now')
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
  })

  it('refuse a release planned on another holder, keeping the note; sending it again releases', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'Release Me' })
    const base = `/o/${slug}/leads/${leadId}`
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const page = await admin.client.html(base)
    const releaseShown = dom(page).querySelector('details.release input[name="shown_assignees"]')?.getAttribute('value')
    expect(releaseShown).toBe(ava.userId)
    expect((await owner.client.post(`${base}/assign`, { assigneeId: bo.userId })).status).toBe(303)
    const refused = await admin.client.post(`${base}/release`, { note: 'No answer', shown_assignees: releaseShown! })
    expect(refused.status).toBe(409)
    const again = dom(await refused.text())
    expect(alertOf(again)).toContain('Bo Agent holds this lead now')
    expect(typedIn(again, 'details.release', 'note')).toBe('No answer')
    expect(await holdersIn(leadId)).toEqual([`primary:${bo.userId}`])
    const now = again.querySelector('details.release input[name="shown_assignees"]')?.getAttribute('value')
    expect(now).toBe(bo.userId)
    expect((await admin.client.post(`${base}/release`, { note: 'No answer', shown_assignees: now! })).status).toBe(303)
    expect(await holdersIn(leadId)).toEqual([])
  })

  it('refuse a pool move planned on an unassigned lead a teammate assigned meanwhile, naming the holder', async () => {
    const { owner, admin, ava, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'Pool Me' })
    const base = `/o/${slug}/leads/${leadId}`
    const page = await admin.client.html(base)
    const pool = dom(page).querySelector(`form[action="${base}/pool"] input[name="shown_assignees"]`)
    expect(pool?.getAttribute('value')).toBe('')
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const refused = await admin.client.post(`${base}/pool`, { inPool: '1', shown_assignees: '' })
    expect(refused.status).toBe(409)
    expect(alertOf(await refused.text())).toContain('Ava Agent holds this lead now')
    expect(await holdersIn(leadId)).toEqual([`primary:${ava.userId}`])
  })
})

describe('the lead page’s "Assigned to" section, live', () => {
  it('reloads itself as the viewer may see it when who holds the lead changes', async () => {
    const { owner, admin, ava, slug } = await team()
    const leadId = await createLead(owner.client, slug, { name: 'Live Holder' })
    const base = `/o/${slug}/leads/${leadId}`
    const section = dom(await admin.client.html(base)).querySelector('#assignment')
    expect(section?.getAttribute('hx-get')).toBe(`${base}/assignment`)
    const watching = listen(await admin.client.get(`${base}/live`, { Upgrade: 'websocket' }))
    expect((await owner.client.post(`${base}/assign`, { assigneeId: ava.userId })).status).toBe(303)
    const reload = () =>
      watching.messages
        .map((m) => dom(m).querySelector(`#live-refresh [hx-get="${base}/assignment"]`))
        .find((el) => el !== null)
    await until(() => reload() !== undefined, 'the assignment section is asked to reload')
    expect(reload()!.getAttribute('hx-target')).toBe('#assignment')
    // What it loads: the section as the Admin sees it now, its forms carrying Ava as the holder shown.
    const fresh = await admin.client.get(`${base}/assignment`, { 'HX-Request': 'true' })
    const html = await fresh.text()
    expect(texts(html, '#assignment [data-assignee-id]')).toEqual(['Ava Agent'])
    expect(formFields(html, 'assign-form').get('shown_assignees')).toBe(ava.userId)
    // A status change does not reload it.
    const before = watching.messages.length
    expect((await owner.client.post(`${base}/status`, { status: 'contacted' })).status).toBe(303)
    await until(() => watching.messages.length > before, 'the status change arrives')
    expect(watching.messages.slice(before).join('')).not.toContain(`${base}/assignment`)
    // Without htmx, the address leads to the section on the page.
    expect((await admin.client.get(`${base}/assignment`)).headers.get('Location')).toBe(`${base}#assignment`)
    watching.socket.close(1000, 'done')
  })
})

describe('two people assigning one lead, each from what their page last showed', () => {
  it('never applies a change planned on holders other than the lead’s (generated sequences, one by one and at once)', async () => {
    const { owner, admin, ava, bo, slug } = await team()
    const people = [owner, admin]
    const targets = ['', ava.userId, bo.userId]
    const step = fc.record({
      who: fc.integer({ min: 0, max: 1 }),
      to: fc.integer({ min: 0, max: 2 }),
      reload: fc.boolean(),
      together: fc.boolean(),
    })
    const holdersNow = async (leadId: string) =>
      (await holdersIn(leadId))
        .map((h) => h.split(':')[1])
        .sort()
        .join(',')
    const changes = async (leadId: string) =>
      (
        await env.DB.prepare(
          "SELECT data FROM activities WHERE lead_id = ? AND type IN ('assigned','transferred','unassigned') ORDER BY created_at, rowid",
        )
          .bind(leadId)
          .all<{ data: string }>()
      ).results.map((r) => JSON.parse(r.data) as { from: { id: string } | null; to: { id: string } | null })
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), async (steps) => {
        const leadId = await createLead(owner.client, slug, { name: 'Model Lead' })
        const base = `/o/${slug}/leads/${leadId}`
        const showing = async (who: number) =>
          formFields(await people[who]!.client.html(base), 'assign-form').get('shown_assignees')!
        const shownBy = [await showing(0), await showing(1)]
        for (const [i, s] of steps.entries()) {
          const sends = s.together
            ? [
                { who: s.who, to: targets[s.to]! },
                { who: 1 - s.who, to: targets[(s.to + 1 + (i % 2)) % 3]! },
              ]
            : [{ who: s.who, to: targets[s.to]! }]
          const before = await holdersNow(leadId)
          const seen = (await changes(leadId)).length
          const answers = await Promise.all(
            sends.map(async (send) => ({
              ...send,
              shown: shownBy[send.who]!,
              status: (
                await people[send.who]!.client.post(`${base}/assign`, {
                  assigneeId: send.to,
                  shown_assignees: shownBy[send.who]!,
                })
              ).status,
            })),
          )
          for (const a of answers) expect([303, 409]).toContain(a.status)
          // Sent alone: refused exactly when the holders are not what that page showed.
          if (!s.together) expect(answers[0]!.status === 409).toBe(before !== answers[0]!.shown)
          // Every change written was made by an answer that succeeded, from the holders that page showed.
          for (const change of (await changes(leadId)).slice(seen)) {
            const maker = answers.find((a) => a.status === 303 && a.to === (change.to?.id ?? ''))
            expect(maker, JSON.stringify(change)).toBeDefined()
            expect(change.from?.id ?? '').toBe(maker!.shown)
          }
          // A refused person sees the page of the refusal (the holders now); a reload shows them too.
          for (const a of answers) if (a.status === 409 || s.reload) shownBy[a.who] = await showing(a.who)
        }
      }),
      { numRuns: 8 },
    )
  })
})
