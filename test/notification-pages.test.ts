/**
 * Notifications in the product: the feed and its badge, preferences, one-click unsubscribe (RFC 8058).
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { emailOutbox, organizations, unsubscribeTokens, users } from '../src/db/schema'
import { sendDigests } from '../src/notifications/digest'
import { pruneUnsubscribeTokens, UNSUBSCRIBE_TOKEN_TTL_MS } from '../src/notifications/unsubscribe'
import { hashToken } from '../src/lib/tokens'
import { dom, textOf, texts } from './dom'
import { Client, createLead, emailedLink, env, joinAs, ORIGIN, signUp, uniqueEmail } from './helpers'

const db = () => createDb(env.DB)

async function team(name = 'Feed Co') {
  const owner = await signUp(name, 'Olive Owner')
  const gus = await joinAs(owner.client, owner.slug, 'agent', 'Gus Agent')
  const hal = await joinAs(owner.client, owner.slug, 'agent', 'Hal Agent')
  const org = (await db().select().from(organizations).where(eq(organizations.slug, owner.slug)).get())!
  return { owner, gus, hal, slug: owner.slug, org }
}

const assign = (client: Client, slug: string, lead: string, assigneeId: string) =>
  client.post(`/o/${slug}/leads/${lead}/assign`, { assigneeId })

/** The number in the header badge of `html`. */
function badge(html: string): number {
  const match = /<span id="notification-count"[^>]*>(\d+)<\/span>/.exec(html)
  if (!match) throw new Error('no badge on the page')
  return Number(match[1])
}

/** The newest notification email to `address`. */
async function newestEmail(address: string) {
  const rows = await db().select().from(emailOutbox).where(eq(emailOutbox.to, address)).orderBy(emailOutbox.id).all()
  return rows.at(-1)!
}

describe('the feed and the badge', () => {
  it('shows the unread count on every page, lists newest first with the lead linked, and marks read', async () => {
    const { owner, gus, slug } = await team()
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(0)
    const first = await createLead(owner.client, slug, { name: 'First Lead' })
    const second = await createLead(owner.client, slug, { name: 'Second Lead' })
    await assign(owner.client, slug, first, gus.userId)
    await assign(owner.client, slug, second, gus.userId)
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(2)
    expect(badge(await gus.client.html(`/o/${slug}/team`))).toBe(2)
    const count = await gus.client.get(`/o/${slug}/notifications/count`, { 'HX-Request': 'true' })
    expect(badge(await count.text())).toBe(2)

    const feed = await gus.client.html(`/o/${slug}/notifications`)
    const items = [...feed.matchAll(/<li data-notification-id="([^"]+)" data-unread="(true|false)"/g)]
    expect(items.map((m) => m[2])).toEqual(['true', 'true'])
    expect(feed.indexOf('Second Lead')).toBeLessThan(feed.indexOf('First Lead'))
    expect(feed).toContain(`Olive Owner assigned you <a href="/o/${slug}/leads/${second}">Second Lead</a>`)

    await gus.client.post(`/o/${slug}/notifications/read`, { id: items[0]![1]! })
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(1)
    const all = await gus.client.post(`/o/${slug}/notifications/read`, { all: '1' })
    expect(all.status).toBe(303)
    const after = await gus.client.html(`/o/${slug}/notifications`)
    expect(badge(after)).toBe(0)
    expect(after).not.toContain('data-unread="true"')
  })

  it('pages the feed with a cursor, and one member cannot mark another’s notification read', async () => {
    const { owner, gus, hal, slug, org } = await team('Paging Co')
    const now = Date.now()
    const lead = await createLead(owner.client, slug, { name: 'Paged' })
    const statements = []
    for (let i = 0; i < 35; i++) {
      statements.push(
        env.DB.prepare(
          "INSERT INTO notifications (id, org_id, user_id, type, actor_id, lead_id, data, created_at) VALUES (?, ?, ?, 'assigned', NULL, ?, ?, ?)",
        ).bind(
          `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
          org.id,
          gus.userId,
          lead,
          JSON.stringify({ actor: null, leads: [{ id: lead, name: `Paged ${i}` }], count: 1 }),
          now,
        ),
      )
    }
    await env.DB.batch(statements)
    const page1 = await gus.client.html(`/o/${slug}/notifications`)
    expect(page1.match(/data-notification-id=/g)).toHaveLength(30)
    const older = /href="(\/o\/[^"]+\/notifications\?cursor=[^"]+)"/.exec(page1)![1]!
    const page2 = await gus.client.html(older)
    expect(page2.match(/data-notification-id=/g)).toHaveLength(5)
    expect(dom(page2).querySelector('[data-notification-id="01900000-0000-7000-8000-000000000000"]')).not.toBeNull()
    expect((await gus.client.get(`/o/${slug}/notifications?cursor=nope`)).status).toBe(422)

    await hal.client.post(`/o/${slug}/notifications/read`, { id: '01900000-0000-7000-8000-000000000000' })
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(35)
  })

  it('shows a notification about a lead the member can no longer see without its name or link', async () => {
    const { owner, gus, hal, slug } = await team('Gone Co')
    const lead = await createLead(owner.client, slug, { name: 'Moved On' })
    await assign(owner.client, slug, lead, gus.userId)
    // Gus keeps view access as a former assignee; deleting that relation hides the lead from him.
    await assign(owner.client, slug, lead, hal.userId)
    await env.DB.prepare('DELETE FROM former_assignees WHERE lead_id = ?').bind(lead).run()
    const feed = await gus.client.html(`/o/${slug}/notifications`)
    const entries = texts(feed, '#notification-list > li > p:first-child')
    expect(entries).toContain('Unread: Olive Owner assigned you a lead you can no longer see')
    expect(textOf(dom(feed).querySelector('#notification-list'))).not.toContain('Moved On')
    expect(dom(feed).querySelector(`a[href$="/leads/${lead}"]`)).toBeNull()
    const filtered = await gus.client.html(`/o/${slug}/notifications?lead=${lead}`)
    expect(textOf(dom(filtered).querySelector('main'))).not.toContain('Moved On')
  })
})

describe('preferences', () => {
  it('shows the defaults, saves event × channel, pause and digest hour; pool events only for Owners and Admins', async () => {
    const { owner, gus, hal, slug } = await team('Prefs Co')
    const page = await gus.client.html(`/o/${slug}/preferences`)
    expect(page).toMatch(/name="inApp_assigned" value="1" checked/)
    expect(page).toMatch(/name="email_assigned" value="1" checked/)
    expect(page).toMatch(/name="email_status_changed" value="1"(?! checked)/)
    expect(page).not.toContain('data-event-type="claimed"')
    expect(await owner.client.html(`/o/${slug}/preferences`)).toContain('data-event-type="claimed"')

    // Gus turns the assignment email off (in-app stays on).
    const saved = await gus.client.post(`/o/${slug}/preferences`, { inApp_assigned: '1', digestHour: '7' })
    expect(saved.status).toBe(303)
    const again = await gus.client.html(`/o/${slug}/preferences?saved=1`)
    expect(again).toMatch(/name="email_assigned" value="1"(?! checked)/)
    expect(again).toContain('<option value="7" selected="">')
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'Quiet' }), gus.userId)
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(1)
    expect(
      (await db().select().from(emailOutbox).where(eq(emailOutbox.to, gus.email)).all()).map((e) => e.kind),
    ).not.toContain('assigned')

    // Hal pauses all email: told in the app, no email.
    await hal.client.post(`/o/${slug}/preferences`, { inApp_assigned: '1', email_assigned: '1', emailPaused: '1' })
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'Paused' }), hal.userId)
    expect(badge(await hal.client.html(`/o/${slug}/leads`))).toBe(1)
    expect(
      (await db().select().from(emailOutbox).where(eq(emailOutbox.to, hal.email)).all()).map((e) => e.kind),
    ).not.toContain('assigned')

    const bad = await gus.client.post(`/o/${slug}/preferences`, { digestHour: '25' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('data-error-for="digestHour"')
  })
})

describe('emails and one-click unsubscribe', () => {
  it('sends text and HTML with the sender named, List-Unsubscribe headers and a preferences link', async () => {
    const { owner, gus, slug } = await team('Mail Co')
    const lead = await createLead(owner.client, slug, { name: 'Émile Zoë' })
    await assign(owner.client, slug, lead, gus.userId)
    const mail = await newestEmail(gus.email)
    expect(mail.subject).toBe('Olive Owner assigned you Émile Zoë')
    expect(mail.fromName).toBe('Olive Owner via Leadpool')
    expect(mail.text).toContain(`/o/${slug}/preferences`)
    expect(mail.html).toContain(`/o/${slug}/leads/${lead}`)
    expect(mail.html).toContain('Émile Zoë')
    expect(mail.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(mail.headers!['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:8787\/unsubscribe\/[A-Za-z0-9_-]{43}>$/)
  })

  it('works without a session, only for its own person and event', async () => {
    const { owner, gus, hal, slug } = await team('Unsub Co')
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'U1' }), gus.userId)
    const mail = await newestEmail(gus.email)
    const url = new URL(/<([^>]+)>/.exec(mail.headers!['List-Unsubscribe']!)![1]!)

    // A mail provider's one-click POST: no session, no Origin.
    const stranger = new Client()
    const confirm = await stranger.get(url.pathname)
    expect(confirm.status).toBe(200)
    expect(await confirm.text()).toContain('Stop “A lead is assigned to you” emails from Unsub Co?')
    const res = await stranger.request(url.pathname, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
      headers: { Origin: 'null' },
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('You are unsubscribed')
    const noOrigin = await exportsFetch(url.pathname)
    expect(noOrigin.status).toBe(200)

    // Gus: no more assignment email, still in-app; status-change and transfer-away emails untouched.
    const before = (await db().select().from(emailOutbox).where(eq(emailOutbox.to, gus.email)).all()).length
    const lead2 = await createLead(owner.client, slug, { name: 'U2' })
    await assign(owner.client, slug, lead2, gus.userId)
    expect((await db().select().from(emailOutbox).where(eq(emailOutbox.to, gus.email)).all()).length).toBe(before)
    expect(badge(await gus.client.html(`/o/${slug}/leads`))).toBe(2)
    await assign(owner.client, slug, lead2, hal.userId)
    expect((await newestEmail(gus.email)).kind).toBe('transferred_away')
    // Hal, another person: still emailed about assignments.
    expect((await newestEmail(hal.email)).kind).toBe('transferred_to')
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'U3' }), hal.userId)
    expect((await newestEmail(hal.email)).kind).toBe('assigned')

    expect((await stranger.get(`/unsubscribe/${'x'.repeat(43)}`)).status).toBe(404)
  })

  it('works for a year: then the cron deletes the token and the link says where to choose instead', async () => {
    const { owner, gus, slug } = await team('Old Mail Co')
    await assign(owner.client, slug, await createLead(owner.client, slug, { name: 'Old' }), gus.userId)
    const mail = await newestEmail(gus.email)
    const path = new URL(/<([^>]+)>/.exec(mail.headers!['List-Unsubscribe']!)![1]!).pathname
    // This email's token (the file's other tests leave tokens of their own, older, which the cron may delete too).
    const tokenHash = await hashToken(path.split('/').pop()!)
    const token = () => db().select().from(unsubscribeTokens).where(eq(unsubscribeTokens.tokenHash, tokenHash)).get()
    const createdAt = (await token())!.createdAt
    await pruneUnsubscribeTokens(db(), createdAt + UNSUBSCRIBE_TOKEN_TTL_MS - 1)
    expect(await token()).toBeDefined()
    expect((await new Client().get(path)).status).toBe(200)
    expect(await pruneUnsubscribeTokens(db(), createdAt + UNSUBSCRIBE_TOKEN_TTL_MS + 1)).toBeGreaterThan(0)
    expect(await token()).toBeUndefined()
    for (const method of ['GET', 'POST']) {
      const gone = await new Client().request(path, { method, headers: { Origin: 'null' } })
      expect(gone.status).toBe(404)
      expect(await gone.text()).toContain('notification preferences')
    }
  })
})

/** A POST to `path` as a mail provider sends it: no cookie, no Origin, no Sec-Fetch-Site. */
async function exportsFetch(path: string): Promise<Response> {
  const { exports } = await import('cloudflare:workers')
  return exports.default.fetch(
    new Request(new URL(path, ORIGIN), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  )
}

describe('the daily digest', () => {
  it('sends one email with the unread items at the chosen hour of the member’s time zone, and none when empty', async () => {
    const { owner, gus, hal, slug, org } = await team('Digest Co')
    expect((await gus.client.post('/account/time-zone', { timeZone: 'Asia/Tokyo' })).status).toBe(303)
    await gus.client.post(`/o/${slug}/preferences`, { inApp_assigned: '1', digestHour: '9' })
    await hal.client.post(`/o/${slug}/preferences`, { inApp_assigned: '1', digestHour: '9' }) // Hal, UTC, nothing unread
    for (const name of ['D1', 'D2', 'D3']) {
      await assign(owner.client, slug, await createLead(owner.client, slug, { name }), gus.userId)
    }
    const nineInTokyo = Date.UTC(2030, 0, 15, 0, 30) // 09:30 in Tokyo, 00:30 UTC
    expect(await sendDigests(env, nineInTokyo - 60 * 60 * 1000)).toBe(0) // 08:30 there: not yet
    expect(await sendDigests(env, nineInTokyo)).toBe(1)
    const digests = await db().select().from(emailOutbox).where(eq(emailOutbox.kind, 'digest')).all()
    const mine = digests.filter((d) => d.orgId === org.id)
    expect(mine).toHaveLength(1)
    expect(mine[0]!.to).toBe(gus.email)
    expect(mine[0]!.subject).toBe('Your daily digest: 3 unread in Digest Co')
    for (const name of ['D1', 'D2', 'D3']) expect(mine[0]!.text).toContain(`Olive Owner assigned you ${name}`)
    expect(mine[0]!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(await sendDigests(env, nineInTokyo + 5 * 60 * 1000)).toBe(0) // once a day
    expect(await sendDigests(env, nineInTokyo + 24 * 60 * 60 * 1000)).toBe(0) // nothing new since
  })

  it('does not name a lead the member can no longer see, as the feed does not', async () => {
    const { owner, gus, hal, slug, org } = await team('Digest Gone Co')
    await gus.client.post(`/o/${slug}/preferences`, { inApp_assigned: '1', digestHour: '9' })
    const kept = await createLead(owner.client, slug, { name: 'Still Mine' })
    const gone = await createLead(owner.client, slug, { name: 'Moved On' })
    await assign(owner.client, slug, kept, gus.userId)
    await assign(owner.client, slug, gone, gus.userId)
    // Gus keeps view access as a former assignee; deleting that relation hides the lead from him.
    await assign(owner.client, slug, gone, hal.userId)
    await env.DB.prepare('DELETE FROM former_assignees WHERE lead_id = ?').bind(gone).run()
    expect(await sendDigests(env, Date.UTC(2030, 0, 16, 9, 30))).toBe(1)
    const digest = (await db().select().from(emailOutbox).where(eq(emailOutbox.orgId, org.id)).all()).find(
      (m) => m.kind === 'digest',
    )!
    expect(digest.text).toContain('Olive Owner assigned you Still Mine')
    expect(digest.text).toContain('Olive Owner assigned you a lead you can no longer see')
    expect(digest.text).not.toContain('Moved On')
    expect(digest.html).not.toContain('Moved On')
  })
})

describe('time zones', () => {
  it('takes the browser’s time zone at sign-up and invitation, UTC when unknown; /account changes it, validated', async () => {
    const client = new Client()
    const email = uniqueEmail('tz')
    await client.post('/signup', { name: 'Tia Zone', email, password: 'correct-horse-1', organization: 'TZ Co' })
    const done = await client.post(await emailedLink(email, '/verify-email/'), { timeZone: 'Europe/Berlin' })
    expect(done.status).toBe(303)
    expect(await timeZoneOf(email)).toBe('Europe/Berlin')
    const slug = done.headers.get('Location')!.split('/')[2]!

    const invited = uniqueEmail('tz-agent')
    await client.post(`/o/${slug}/team/invitations`, { email: invited, role: 'agent' })
    const joiner = new Client()
    const link = await emailedLink(invited, '/invite/')
    expect(await joiner.html(link)).toContain('name="timeZone" value="UTC" data-browser-time-zone')
    await joiner.post(link, { name: 'Ned York', password: 'correct-horse-2', timeZone: 'America/New_York' })
    expect(await timeZoneOf(invited)).toBe('America/New_York')

    const other = new Client()
    const bogus = uniqueEmail('tz-bogus')
    await other.post('/signup', { name: 'No Zone', email: bogus, password: 'correct-horse-1', organization: 'TZ2' })
    await other.post(await emailedLink(bogus, '/verify-email/'), { timeZone: 'Mars/Olympus' })
    expect(await timeZoneOf(bogus)).toBe('UTC')

    expect(await client.html('/account')).toContain('<option value="Europe/Berlin" selected="">')
    const refused = await client.post('/account/time-zone', { timeZone: 'Mars/Olympus' })
    expect(refused.status).toBe(422)
    expect(await refused.text()).toContain('data-error-for="timeZone"')
    expect(await timeZoneOf(email)).toBe('Europe/Berlin')
    expect((await client.post('/account/time-zone', { timeZone: 'Asia/Kolkata' })).status).toBe(303)
    expect(await timeZoneOf(email)).toBe('Asia/Kolkata')
  })
})

async function timeZoneOf(email: string) {
  return (await db().select().from(users).where(eq(users.email, email)).get())!.timeZone
}
