/**
 * An archived lead is read-only for ownership and pool changes until it is restored (issue 21): assigning,
 * releasing, the pool and collaborators answer 409 "This lead is archived: restore it first.", from the lead page
 * and from a list row's menu, its page offers none of those controls, and an archive and a release sent at the
 * same moment never both win (the release's batch guards on the lead not being archived).
 */
import { describe, expect, it } from 'vitest'
import { dom, textOf } from './dom'
import { createLead, joinAs, signUp } from './helpers'

const ARCHIVED = 'This lead is archived: restore it first.'

/** An organization with the pool and multiple assignees on, its Owner and Gus (an Agent). */
async function team() {
  const owner = await signUp('Archive Co', 'Olive Owner')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const settings = { poolEnabled: '1', multipleAssignees: '1', agentsMayHandOff: '1' }
  expect((await owner.client.post(`/o/${owner.slug}/settings`, settings)).status).toBe(303)
  return { o: owner.client, slug: owner.slug, gus }
}

/** The sentences of the lead's timeline, oldest first. */
function timeline(html: string): string[] {
  return [...dom(html).querySelectorAll('#timeline li[data-activity-type]')]
    .map((li) => li.getAttribute('data-activity-type')!)
    .reverse()
}

describe('an archived lead', () => {
  it('refuses every ownership and pool change with one reason, and its page offers none of them', async () => {
    const { o, slug, gus } = await team()
    const lead = await createLead(o, slug, { name: 'Archived Ann' })
    const path = (action = '') => `/o/${slug}/leads/${lead}${action}`
    expect((await o.post(path('/assign'), { assigneeId: gus.userId })).status).toBe(303)
    expect((await o.post(path('/archive'))).status).toBe(303)

    const refused = [
      await gus.client.post(path('/release'), { note: 'x' }),
      await o.post(path('/release'), { note: 'x' }),
      await o.post(path('/assign'), { assigneeId: '' }),
      await o.post(path('/assignees'), { userId: gus.userId }),
      await gus.client.post(path('/handoff'), { assigneeId: (await joinAs(o, slug, 'agent', 'Hal Agent')).userId }),
    ]
    for (const res of refused) {
      expect(res.status).toBe(409)
      expect(textOf(dom(await res.text()).querySelector('[role=alert]'))).toBe(ARCHIVED)
    }
    // From a list row's menu, as the bulk bar refuses it too.
    const row = await o.post(path('/assign'), { assigneeId: '', from: 'list' }, { 'HX-Request': 'true' })
    expect(row.status).toBe(409)
    expect(textOf(dom(await row.text()))).toContain(ARCHIVED)

    const page = await o.html(path())
    const shown = dom(page)
    expect(shown.querySelector('#assignment [data-assignee-id]')?.getAttribute('data-assignee-id')).toBe(gus.userId)
    expect(timeline(page)).not.toContain('released')
    for (const action of ['/assign', '/release', '/pool', '/assignees'])
      expect(shown.querySelector(`form[action="${path(action)}"]`), action).toBeNull()
    expect(shown.querySelector('[data-archive-action="restore"]')).not.toBeNull()
    const gusPage = dom(await gus.client.html(path()))
    expect(gusPage.querySelector(`form[action="${path('/handoff')}"]`)).toBeNull()
    expect(gusPage.querySelector(`form[action="${path('/release')}"]`)).toBeNull()

    // Restored, it can change hands again.
    expect((await o.post(path('/restore'))).status).toBe(303)
    expect((await gus.client.post(path('/release'), { note: 'x' })).status).toBe(303)
  })

  it('is neither put in nor taken out of the pool, and says so', async () => {
    const { o, slug } = await team()
    const lead = await createLead(o, slug, { name: 'Pooled Pat' })
    const path = (action = '') => `/o/${slug}/leads/${lead}${action}`
    expect((await o.post(path('/archive'))).status).toBe(303)
    const res = await o.post(path('/pool'), { inPool: '1' })
    expect(res.status).toBe(409)
    const page = dom(await res.text())
    expect(textOf(page.querySelector('[role=alert]'))).toBe(ARCHIVED)
    expect(textOf(page.querySelector('#assignment'))).not.toContain('Put in the pool')
    expect(timeline(await o.html(path()))).not.toContain('moved_to_pool')
  })
})

describe('archiving and releasing a lead at the same moment', () => {
  it('never both win: a release is either before the archive or refused', async () => {
    const { o, slug, gus } = await team()
    const ids = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => createLead(o, slug, { name: `Race ${n}` })))
    await Promise.all(ids.map((id) => o.post(`/o/${slug}/leads/${id}/assign`, { assigneeId: gus.userId })))
    await Promise.all(
      ids.map(async (id) => {
        const [archived, released] = await Promise.all([
          o.post(`/o/${slug}/leads/${id}/archive`),
          gus.client.post(`/o/${slug}/leads/${id}/release`, { note: 'Not for me.' }),
        ])
        expect(archived.status).toBe(303)
        const page = await o.html(`/o/${slug}/leads/${id}`)
        const types = timeline(page)
        if (released.status === 409) {
          expect(textOf(dom(await released.text()).querySelector('[role=alert]'))).toBe(ARCHIVED)
          expect(types).not.toContain('released')
        } else {
          expect(released.status).toBe(303)
          expect(types.indexOf('released')).toBeLessThan(types.indexOf('archived'))
        }
      }),
    )
  })
})
