/**
 * The pool: claims through the PoolRoom (one winner of many, the cap), release, the page (oldest first, age,
 * "show only the oldest N", what is left under the cap) and its live stream.
 */
import { describe, expect, it } from 'vitest'
import { addLead, responsesInParallel, rows } from './concurrency'
import { exports } from 'cloudflare:workers'
import { NOT_SAVED } from '../src/db/errors'
import { alertOf, dom, type Page, textOf, texts } from './dom'
import { env, ORIGIN, signUp } from './helpers'
import { optIn, setOrg, signedInMembers, userIdOf } from './pool-fixtures'
import { listen, until } from './sockets'

/** The lead ids of the pool's rows on `page`, top to bottom. */
const poolRows = (page: Page) =>
  [...page.querySelectorAll('#pool-list tr[data-lead-id]')].map((tr) => tr.getAttribute('data-lead-id'))

describe('claims through the PoolRoom', () => {
  it('50 Agents claim one lead at once: one 200-path winner, 49 × 409 naming them, one claimed activity; 20 times', async () => {
    const { slug, email } = await signUp('Claim Race Org')
    await setOrg(slug, { pool_enabled: 1 })
    await optIn(slug, await userIdOf(email), 'claimed')
    const agents = await signedInMembers(slug, 50)
    for (let round = 0; round < 20; round++) {
      const lead = await addLead(slug, `Race lead ${round}`, { inPool: true })
      const answers = await responsesInParallel(agents.length, (i) =>
        agents[i]!.client.post(`/o/${slug}/leads/${lead}/claim?from=pool`),
      )
      const won = answers.filter((r) => r.status === 303)
      const lost = answers.filter((r) => r.status === 409)
      expect(won.length, `round ${round}`).toBe(1)
      expect(lost.length, `round ${round}`).toBe(49)
      const winner = agents[answers.indexOf(won[0]!)]!
      for (const r of lost) expect(alertOf(await r.text())).toContain(`Already claimed by ${winner.name}.`)
      const claimed = await rows<{ actor_id: string }>(
        "SELECT actor_id FROM activities WHERE lead_id = ? AND type = 'claimed'",
        lead,
      )
      expect(claimed).toEqual([{ actor_id: winner.userId }])
      const owners = await rows<{ user_id: string }>('SELECT user_id FROM lead_assignees WHERE lead_id = ?', lead)
      expect(owners).toEqual([{ user_id: winner.userId }])
      const told = await rows('SELECT id FROM notifications WHERE lead_id = ? AND type = ?', lead, 'claimed')
      expect(told, `round ${round}: one notification of the claim`).toHaveLength(1)
    }
  }, 600_000)

  it('an Agent at the cap is refused (409); after releasing one, the claim goes through', async () => {
    const { slug, email } = await signUp('Cap Org')
    await setOrg(slug, { pool_enabled: 1, pool_claim_cap: 2 })
    await optIn(slug, await userIdOf(email), 'released')
    const [agent] = await signedInMembers(slug, 1)
    const leads = [
      await addLead(slug, 'Cap one', { inPool: true }),
      await addLead(slug, 'Cap two', { inPool: true }),
      await addLead(slug, 'Cap three', { inPool: true }),
    ]
    expect((await agent!.client.post(`/o/${slug}/leads/${leads[0]}/claim`)).status).toBe(303)
    // The lead page the claim lands on says what happened, once.
    const landed = `/o/${slug}/leads/${leads[0]}`
    expect(texts(await agent!.client.html(landed), '[role="status"]')).toContain(
      'Claimed from the pool: it is yours now.',
    )
    expect(textOf(dom(await agent!.client.html(landed)))).not.toContain('Claimed from the pool')
    const page = dom(await agent!.client.html(`/o/${slug}/pool`))
    expect(textOf(page.querySelector('[data-claims-left]'))).toBe('You may claim 1 more lead.')
    expect((await agent!.client.post(`/o/${slug}/leads/${leads[1]}/claim`)).status).toBe(303)
    const atCap = await agent!.client.post(`/o/${slug}/leads/${leads[2]}/claim?from=pool`)
    expect(atCap.status).toBe(409)
    // Refused from the pool page, the pool page stays open with the reason above the list.
    const refused = dom(await atCap.text())
    expect(alertOf(refused)).toContain('the most allowed')
    expect(poolRows(refused)).toContain(leads[2])
    const released = await agent!.client.post(`/o/${slug}/leads/${leads[0]}/release`, { note: 'Not for me' })
    expect(released.status).toBe(303)
    expect(texts(await agent!.client.html(landed), '[role="status"]')).toContain('Released back to the pool.')
    expect((await agent!.client.post(`/o/${slug}/leads/${leads[2]}/claim`)).status).toBe(303)
    const activity = await rows<{ type: string; data: string }>(
      "SELECT type, data FROM activities WHERE lead_id = ? AND type = 'released'",
      leads[0],
    )
    expect(activity).toHaveLength(1)
    expect(JSON.parse(activity[0]!.data)).toMatchObject({ note: 'Not for me' })
    const told = await rows<{ data: string }>(
      'SELECT data FROM notifications WHERE lead_id = ? AND type = ?',
      leads[0],
      'released',
    )
    expect(told).toHaveLength(1)
    expect(JSON.parse(told[0]!.data)).toMatchObject({ note: 'Not for me' })
    // The released lead is back in the pool, and the one who released it still sees it (former assignee).
    expect(poolRows(dom(await agent!.client.html(`/o/${slug}/pool`)))).toContain(leads[0])
    expect((await agent!.client.get(`/o/${slug}/leads/${leads[0]}`)).status).toBe(200)
  })

  it('the claim lock never refuses a lead back in the pool: released, or put back by a manager, another Agent claims it at once', async () => {
    const { slug, client: owner } = await signUp('Claim Lock Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [ann, bob] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Back and forth', { inPool: true })
    const claim = (who: typeof ann) => who!.client.post(`/o/${slug}/leads/${lead}/claim`)
    expect((await claim(ann)).status).toBe(303)
    // Answered from the claim that won, the loser is told who has it.
    const lost = await claim(bob)
    expect(lost.status).toBe(409)
    // Not from the pool page: the refusal is a page of its own, headed by the reason.
    expect(textOf(dom(await lost.text()).querySelector('main h1'))).toBe(`Already claimed by ${ann!.name}.`)
    expect((await ann!.client.post(`/o/${slug}/leads/${lead}/release`)).status).toBe(303)
    expect((await claim(bob)).status).toBe(303)
    // A manager takes it from Bob and puts it back in the pool: Ann claims it again at once.
    expect((await owner.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId: '' })).status).toBe(303)
    expect((await owner.post(`/o/${slug}/leads/${lead}/pool`, { inPool: '1' })).status).toBe(303)
    expect((await claim(ann)).status).toBe(303)
    const claimed = await rows<{ actor_id: string }>(
      "SELECT actor_id FROM activities WHERE lead_id = ? AND type = 'claimed' ORDER BY created_at",
      lead,
    )
    expect(claimed.map((r) => r.actor_id)).toEqual([ann!.userId, bob!.userId, ann!.userId])
  })

  it('claims of one lead at once by Admins and by Agents the pool is closed to: one Admin wins, the Agents get 404 (not who won)', async () => {
    const { slug } = await signUp('Closed Pool Race Org')
    const admins = await signedInMembers(slug, 5, 'admin')
    const agents = await signedInMembers(slug, 5)
    const lead = await addLead(slug, 'Closed pool lead', { inPool: true })
    const everyone = [...admins, ...agents]
    const answers = await responsesInParallel(everyone.length, (i) =>
      everyone[i]!.client.post(`/o/${slug}/leads/${lead}/claim`),
    )
    const statuses = answers.map((r) => r.status)
    expect(statuses.slice(0, 5).sort()).toEqual([303, 409, 409, 409, 409])
    expect(statuses.slice(5)).toEqual([404, 404, 404, 404, 404])
    for (const r of answers.slice(5)) expect(textOf(dom(await r.text()))).not.toContain('Already claimed')
  })

  it('a D1 failure mid-claim answers 503 "This change was not saved" and leaves the lead claimable', async () => {
    const { slug } = await signUp('Failing D1 Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [agent] = await signedInMembers(slug, 1)
    const lead = await addLead(slug, 'Fragile lead', { inPool: true })
    // The claim's activity insert fails, after the assignee row in the same batch was written.
    await env.DB.prepare(
      "CREATE TRIGGER fail_claims BEFORE INSERT ON activities WHEN NEW.type = 'claimed' BEGIN SELECT RAISE(ABORT, 'D1 down'); END",
    ).run()
    const headers = new Headers({
      Origin: ORIGIN,
      Cookie: `leadpool_session=${agent!.client.cookies.get('leadpool_session')}`,
    })
    const failed = await exports.default.fetch(
      new Request(`${ORIGIN}/o/${slug}/leads/${lead}/claim`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(),
        redirect: 'manual',
      }),
    )
    await env.DB.prepare('DROP TRIGGER fail_claims').run()
    expect(failed.status).toBe(503)
    expect(textOf(dom(await failed.text()))).toContain(NOT_SAVED)
    expect(await rows('SELECT user_id FROM lead_assignees WHERE lead_id = ?', lead)).toEqual([])
    expect((await agent!.client.post(`/o/${slug}/leads/${lead}/claim`)).status).toBe(303)
  })

  it('only the assignee or a manager releases a lead', async () => {
    const { slug, client: owner } = await signUp('Release Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [ann, bob] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Held lead', { assignee: ann!.userId })
    expect((await bob!.client.post(`/o/${slug}/leads/${lead}/release`)).status).toBe(404)
    expect((await owner.post(`/o/${slug}/leads/${lead}/release`)).status).toBe(303)
    expect((await owner.post(`/o/${slug}/leads/${lead}/release`)).status).toBe(409)
  })
})

describe('the pool page', () => {
  it('lists the oldest first with how long each has waited and its source, and only the oldest N when set', async () => {
    const { slug, client } = await signUp('Order Org')
    const older = await addLead(slug, 'Older lead', { inPool: true })
    const newer = await addLead(slug, 'Newer lead', { inPool: true })
    await env.DB.prepare("UPDATE leads SET pooled_at = ?, source = 'Website' WHERE id = ?")
      .bind(Date.now() - 3 * 3_600_000 - 60_000, older)
      .run()
    await setOrg(slug, { pool_stale_hours: 2 })
    const page = dom(await client.html(`/o/${slug}/pool`))
    expect(poolRows(page)).toEqual([older, newer])
    const row = page.querySelector(`#pool-list tr[data-lead-id="${older}"]`)
    expect(textOf(row?.querySelector('td[data-label="Waiting"]'))).toBe('3 h · stale')
    expect(textOf(row?.querySelector('td[data-label="Source"]'))).toBe('Website')
    expect(row?.getAttribute('data-stale')).toBe('true')
    expect(page.querySelector(`#pool-list tr[data-lead-id="${newer}"]`)?.hasAttribute('data-stale')).toBe(false)
    expect(page.querySelector('#pool-live')?.closest('[ws-connect]')?.getAttribute('ws-connect')).toBe(
      `/o/${slug}/pool/live`,
    )
    await setOrg(slug, { pool_show_oldest: 1 })
    const limited = dom(await client.html(`/o/${slug}/pool`))
    expect(poolRows(limited)).toEqual([older])
    expect(textOf(limited.querySelector('#pool-live'))).toContain('1 more lead waits behind these')
  })

  it('streams the pool over a WebSocket: a lead claimed, or assigned by a manager, disappears for the other viewers', async () => {
    const { slug, client: owner } = await signUp('Live Org')
    await setOrg(slug, { pool_enabled: 1 })
    const [ann, bob] = await signedInMembers(slug, 2)
    const lead = await addLead(slug, 'Live lead', { inPool: true })
    const other = await addLead(slug, 'Handed out', { inPool: true })
    const socket = listen(await bob!.client.get(`/o/${slug}/pool/live`, { Upgrade: 'websocket' }))
    expect((await ann!.client.post(`/o/${slug}/leads/${lead}/claim`)).status).toBe(303)
    await until(() => socket.messages.length === 1, 'the pool after the claim')
    const live = dom(socket.messages[0]!).querySelector('#pool-live')
    expect(live?.getAttribute('hx-swap-oob')).toBe('outerHTML')
    expect(
      [...(live?.querySelectorAll('tr[data-lead-id]') ?? [])].map((tr) => tr.getAttribute('data-lead-id')),
    ).toEqual([other])
    expect((await owner.post(`/o/${slug}/leads/${other}/assign`, { assigneeId: bob!.userId })).status).toBe(303)
    await until(() => socket.messages.length === 2, 'the pool after the assignment')
    const after = dom(socket.messages[1]!)
    expect(after.querySelector('#pool-live #pool-list')).not.toBeNull()
    expect(poolRows(after)).toEqual([])
    socket.socket.close()
  })

  it('refuses the live stream to Agents while the pool is closed (404)', async () => {
    const { slug } = await signUp('Closed Live Org')
    const [ann] = await signedInMembers(slug, 1)
    expect((await ann!.client.get(`/o/${slug}/pool/live`, { Upgrade: 'websocket' })).status).toBe(404)
  })
})
