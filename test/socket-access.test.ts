/**
 * A live socket ends with its access (docs/ARCHITECTURE.md "Live sockets and how access on them ends"): every upgrade
 * route checks the Origin header (src/access/upgrade.ts), every socket belongs to a member's session, the rooms close it (4403 and
 * a reason the page shows) at once when the change is on the room's own lead or pool and within 5 s otherwise, take
 * at most 10 sockets per member, and send presence when the people change, not per socket.
 */
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { Client, createLead, emailedLink, joinAs, ORIGIN, signUp } from './helpers'
import { listen, until } from './sockets'

/** The close codes the pages read (public/app.js): access ended, too many sockets. */
const ACCESS_ENDED = 4403
const TOO_MANY = 4429

/** The longest a change made elsewhere may take to end a socket. */
const ELSEWHERE_MS = 5_000

type Socket = ReturnType<typeof listen>

/** `client` connected live to `path` (a lead's or the pool's `/live`). */
async function watch(client: Client, path: string): Promise<Socket> {
  return listen(await client.get(path, { Upgrade: 'websocket' }))
}

/** An Owner, an Admin and two Agents; the pool open to Agents, with one lead in it; a lead assigned to Gus. */
async function team() {
  const owner = await signUp('Socket Co', 'Ana Owner')
  const { slug } = owner
  const [ada, gus, hal] = await Promise.all([
    joinAs(owner.client, slug, 'admin', 'Ada Admin'),
    joinAs(owner.client, slug, 'agent', 'Gus Agent'),
    joinAs(owner.client, slug, 'agent', 'Hal Agent'),
  ])
  await owner.client.post(`/o/${slug}/settings`, { poolEnabled: '1' })
  const pooled = await createLead(owner.client, slug, { name: 'Pooled Lead' })
  await owner.client.post(`/o/${slug}/leads/${pooled}/pool`, { inPool: '1' })
  const gusLead = await createLead(owner.client, slug, { name: 'Gus Lead' })
  await owner.client.post(`/o/${slug}/leads/${gusLead}/assign`, { assigneeId: gus.userId })
  const lead = (id: string) => `/o/${slug}/leads/${id}`
  return {
    owner,
    slug,
    ada,
    gus,
    hal,
    pooled: lead(pooled),
    gusLead: lead(gusLead),
    pool: `/o/${slug}/pool/live`,
    lists: `/o/${slug}/live`,
  }
}

/**
 * Waits for `socket` to close with ACCESS_ENDED and `reason`, at most `ms` after `since` (epoch ms, when the change's
 * answer came), and checks it took no longer.
 */
async function endsWithin(socket: Socket, reason: string, since: number, ms: number, who: string) {
  await until(() => socket.closed.code !== undefined, `${who}'s socket closed`, ms + 2_000)
  expect(socket.closed).toMatchObject({ code: ACCESS_ENDED, reason })
  expect(socket.closed.at! - since, `${who}'s socket closed after ${socket.closed.at! - since} ms`).toBeLessThanOrEqual(
    ms,
  )
}

/**
 * Posts a note on the lead at `base` as `author`, waits until `witness` (a socket that stays) receives it, and
 * checks that none of `ended` received anything after it closed.
 */
async function nothingAfter(author: Client, base: string, witness: Socket, ended: Socket[]) {
  const counts = ended.map((s) => s.messages.length)
  const body = `After the end ${Math.random()}`
  await author.post(`${base}/notes`, { body })
  await until(() => witness.messages.some((m) => m.includes(body)), 'the note reaches who stays')
  expect(ended.map((s) => s.messages.length)).toEqual(counts)
}

describe('every upgrade route checks Origin', () => {
  it('refuses an upgrade from another site, or with no Origin, on a lead’s, the pool’s and the lists’ /live (403)', async () => {
    const t = await team()
    for (const live of [`${t.gusLead}/live`, `${t.pooled}/live`, t.pool, t.lists]) {
      const foreign: Record<string, string>[] = [
        { Origin: 'http://evil.example' },
        { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
        { Origin: 'null' },
      ]
      for (const headers of foreign) {
        const res = await t.gus.client.get(live, { Upgrade: 'websocket', ...headers })
        expect(res.status, `${live} from ${headers.Origin}`).toBe(403)
        expect(res.webSocket).toBeNull()
      }
      // No Origin at all (a browser always sends one with an upgrade): refused too.
      const bare = new Request(new URL(live, ORIGIN), {
        headers: { Upgrade: 'websocket', Cookie: t.gus.client.cookieHeader() },
      })
      expect((await exports.default.fetch(bare)).status).toBe(403)
      // From the page's own origin (or Sec-Fetch-Site: same-origin): accepted.
      const own = await t.gus.client.get(live, { Upgrade: 'websocket', Origin: ORIGIN })
      expect(own.status).toBe(101)
      own.webSocket!.accept()
      own.webSocket!.close(1000, 'done')
    }
  })
})

/** The Client's session cookie header. */

describe('a socket ends with its access', () => {
  it('closes the pool page of Agents at once when the pool is closed to them, and their pool lead’s page within 5 s', async () => {
    const t = await team()
    const pool = await watch(t.hal.client, t.pool)
    const lead = await watch(t.hal.client, `${t.pooled}/live`)
    const ada = await watch(t.ada.client, t.pool)
    const owner = await watch(t.owner.client, `${t.pooled}/live`)
    await t.owner.client.post(`/o/${t.slug}/settings`, { poolEnabled: '' })
    const changed = Date.now()
    await endsWithin(pool, 'Access ended: you can no longer see the pool.', changed, 1_000, 'Hal’s pool page')
    await endsWithin(lead, 'Access ended: you can no longer see this lead.', changed, ELSEWHERE_MS, 'Hal’s lead page')
    expect(ada.closed.code).toBeUndefined()
    await nothingAfter(t.owner.client, t.pooled, owner, [lead])
  })

  it('closes every socket of a deactivated member within 5 s, and nothing reaches them after', async () => {
    const t = await team()
    const sockets = [
      await watch(t.gus.client, `${t.gusLead}/live`),
      await watch(t.gus.client, `${t.pooled}/live`),
      await watch(t.gus.client, t.pool),
      await watch(t.gus.client, t.lists),
    ]
    const owner = await watch(t.owner.client, `${t.gusLead}/live`)
    await t.owner.client.post(`/o/${t.slug}/team/${t.gus.userId}/deactivate`)
    const changed = Date.now()
    for (const socket of sockets) {
      await endsWithin(
        socket,
        'Access ended: you are no longer a member of this organization.',
        changed,
        ELSEWHERE_MS,
        'Gus',
      )
    }
    await nothingAfter(t.owner.client, t.gusLead, owner, sockets)
  })

  it('closes the sockets of a member whose role changed within 5 s', async () => {
    const t = await team()
    const lead = await watch(t.ada.client, `${t.gusLead}/live`)
    const pool = await watch(t.ada.client, t.pool)
    const lists = await watch(t.ada.client, t.lists)
    const owner = await watch(t.owner.client, `${t.gusLead}/live`)
    await t.owner.client.post(`/o/${t.slug}/team/${t.ada.userId}/role`, { role: 'agent' })
    const changed = Date.now()
    await endsWithin(lists, 'Access ended: your role changed.', changed, ELSEWHERE_MS, 'Ada’s lead list')
    await endsWithin(lead, 'Access ended: your role changed.', changed, ELSEWHERE_MS, 'Ada’s lead page')
    await endsWithin(pool, 'Access ended: your role changed.', changed, ELSEWHERE_MS, 'Ada’s pool page')
    await nothingAfter(t.owner.client, t.gusLead, owner, [lead])
  })

  it('closes the sockets of every session on "Log out everywhere" within 5 s', async () => {
    const t = await team()
    const phone = new Client()
    expect((await phone.post('/login', { email: t.gus.email, password: t.gus.password })).status).toBe(303)
    const sockets = [
      await watch(t.gus.client, `${t.gusLead}/live`),
      await watch(phone, `${t.gusLead}/live`),
      await watch(phone, t.pool),
      await watch(phone, t.lists),
    ]
    const owner = await watch(t.owner.client, `${t.gusLead}/live`)
    expect((await t.gus.client.post('/account/sessions/revoke')).status).toBe(303)
    const changed = Date.now()
    for (const socket of sockets) {
      await endsWithin(socket, 'Access ended: you were signed out.', changed, ELSEWHERE_MS, 'Gus')
    }
    await nothingAfter(t.owner.client, t.gusLead, owner, sockets)
  })

  it('closes the sockets of the other sessions on a password change within 5 s, and keeps this session’s', async () => {
    const t = await team()
    const phone = new Client()
    await phone.post('/login', { email: t.gus.email, password: t.gus.password })
    const here = await watch(t.gus.client, `${t.gusLead}/live`)
    const there = [await watch(phone, `${t.gusLead}/live`), await watch(phone, t.pool)]
    const changedPassword = await t.gus.client.post('/account', {
      currentPassword: t.gus.password,
      newPassword: 'changed-password-1',
    })
    expect(changedPassword.status).toBe(303)
    const changed = Date.now()
    for (const socket of there) {
      await endsWithin(socket, 'Access ended: you were signed out.', changed, ELSEWHERE_MS, 'Gus’s phone')
    }
    await nothingAfter(t.owner.client, t.gusLead, here, there)
    expect(here.closed.code).toBeUndefined()
  })

  it('closes the sockets of every session on a password reset within 5 s', async () => {
    const t = await team()
    const sockets = [await watch(t.gus.client, `${t.gusLead}/live`), await watch(t.gus.client, t.pool)]
    const owner = await watch(t.owner.client, `${t.gusLead}/live`)
    const stranger = new Client()
    await stranger.post('/forgot-password', { email: t.gus.email })
    const link = await emailedLink(t.gus.email, '/reset-password/')
    expect((await stranger.post(link, { password: 'brand-new-password' })).status).toBe(303)
    const changed = Date.now()
    for (const socket of sockets) {
      await endsWithin(socket, 'Access ended: you were signed out.', changed, ELSEWHERE_MS, 'Gus')
    }
    await nothingAfter(t.owner.client, t.gusLead, owner, sockets)
  })

  it('closes at once the socket of an Agent watching a pool lead another Agent claims', async () => {
    const t = await team()
    const hal = await watch(t.hal.client, `${t.pooled}/live`)
    const owner = await watch(t.owner.client, `${t.pooled}/live`)
    expect((await t.gus.client.post(`${t.pooled}/claim`)).status).toBe(303)
    await endsWithin(hal, 'Access ended: you can no longer see this lead.', Date.now(), 1_000, 'Hal')
    await nothingAfter(t.owner.client, t.pooled, owner, [hal])
  })
})

describe('sockets per member', () => {
  it('keeps at most 10 sockets per member in a room, 12 opened at once: 2 close with a reason; others are not counted', async () => {
    const t = await team()
    for (const path of [`${t.gusLead}/live`, t.pool]) {
      const twelve = await Promise.all(Array.from({ length: 12 }, () => watch(t.gus.client, path)))
      const over = () => twelve.filter((s) => s.closed.code !== undefined)
      await until(() => over().length >= 2, 'two sockets over the cap closed')
      for (const socket of over()) {
        expect(socket.closed).toMatchObject({
          code: TOO_MANY,
          reason: 'Too many open pages: at most 10 per person here. Close some, then reload.',
        })
      }
      const owner = await watch(t.owner.client, path)
      expect(over()).toHaveLength(2)
      expect(owner.closed.code).toBeUndefined()
      for (const s of [...twelve, owner]) s.socket.close(1000, 'done')
    }
  })
})

describe('200 sockets from 20 members on one lead', () => {
  it('sends presence per change in the people, not per socket, and delivers a note to all 200 within the bound', async () => {
    const owner = await signUp('Crowd Co', 'Ana Owner')
    const { slug } = owner
    const members = await Promise.all(
      Array.from({ length: 20 }, (_, i) => joinAs(owner.client, slug, 'admin', `Member ${i}`)),
    )
    const leadId = await createLead(owner.client, slug, { name: 'Crowded Lead' })
    const base = `/o/${slug}/leads/${leadId}`
    const sockets: Socket[] = []
    for (const member of members) {
      sockets.push(...(await Promise.all(Array.from({ length: 10 }, () => watch(member.client, `${base}/live`)))))
    }
    const presenceOf = (s: Socket) => s.messages.filter((m) => m.includes('id="presence"'))
    // Everyone sees the 19 others, once each, at the end.
    await until(() => sockets.every((s) => (presenceOf(s).at(-1)?.split('is here').length ?? 0) === 20), 'all see 19')
    // Per change in the people: each of the 20 arrivals told at most the 200 sockets, and each new socket its list.
    const presenceSent = sockets.reduce((sum, s) => sum + presenceOf(s).length, 0)
    expect(presenceSent).toBeLessThanOrEqual(20 * 200 + 200)

    const body = 'To all two hundred'
    const started = Date.now()
    await owner.client.post(`${base}/notes`, { body })
    await until(() => sockets.every((s) => s.messages.some((m) => m.includes(body))), 'all 200 have the note')
    const tookMs = Date.now() - started
    console.log(`note delivered to 200 sockets in ${tookMs} ms (post to the last socket)`)
    expect(tookMs).toBeLessThan(1_000)
    for (const s of sockets) s.socket.close(1000, 'done')
  }, 120_000)
})
