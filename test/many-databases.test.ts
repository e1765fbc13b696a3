/**
 * Organizations on different databases (docs/ARCHITECTURE.md "Many databases"); this file runs in the vitest project
 * "many databases" (vitest.config.ts), with two tenant databases. Each binding is queried directly: data written for
 * one organization is in its database only, pages under another organization's slug do not find it, a scan finds each
 * organization's rows in its own database, and a database that missed a migration is refused with a clear page.
 */
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { repairMirrors } from '../src/access/mirror'
import { NEWEST_MIGRATION } from '../src/db/migrations'
import { sweepOutbox } from '../src/email/sweep'
import { dom, textOf } from './dom'
import { Client, createLead, env, joinAs, ORIGIN, signUp } from './helpers'

const bindings = env as unknown as Record<string, D1Database>

/** The directory's answer: the database the organization at `slug` lives in. */
async function databaseOf(slug: string): Promise<string> {
  const row = await env.DB.prepare('SELECT database FROM organizations WHERE slug = ?')
    .bind(slug)
    .first<string>('database')
  return row!
}

/** How many rows of `table` with `column` = `value` database `name` holds. */
async function countIn(name: string, table: string, column: string, value: string): Promise<number> {
  const n = await bindings[name]!.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`)
    .bind(value)
    .first<number>('n')
  return n ?? 0
}

describe('organizations on many databases', () => {
  // First in the file: the isolate has not yet found TENANT_1 migrated (access/databases.ts checks once per isolate).
  it('refuses an organization whose database missed a migration with a page naming the command, until migrated', async () => {
    const newest = await env.TENANT_1.prepare('SELECT id, name FROM d1_migrations ORDER BY id DESC LIMIT 1').first<{
      id: number
      name: string
    }>()
    expect(newest!.name).toBe(NEWEST_MIGRATION)
    await env.TENANT_1.prepare('UPDATE d1_migrations SET name = ? WHERE id = ?')
      .bind('0000_older.sql', newest!.id)
      .run()
    try {
      const { client, slug } = await signUp('Behind Org')
      expect(await databaseOf(slug)).toBe('TENANT_1')
      const res = await exports.default.fetch(
        new Request(`${ORIGIN}/o/${slug}/leads`, { headers: { Cookie: client.cookieHeader() } }),
      )
      expect(res.status).toBe(503)
      const text = textOf(dom(await res.text()).querySelector('main'))
      expect(text).toContain('TENANT_1')
      expect(text).toContain('npm run db:migrate')
    } finally {
      await env.TENANT_1.prepare('UPDATE d1_migrations SET name = ? WHERE id = ?').bind(newest!.name, newest!.id).run()
    }
  })

  it('names the newest migration of migrations/ as the one the Worker needs', () => {
    const names = env.TEST_MIGRATIONS.map((m) => m.name).sort()
    expect(names.at(-1)).toBe(NEWEST_MIGRATION)
  })

  it('places consecutive organizations on different databases and keeps each one’s leads in its own', async () => {
    const a = await signUp('Alpha Org')
    const b = await signUp('Beta Org')
    const [dbA, dbB] = [await databaseOf(a.slug), await databaseOf(b.slug)]
    expect(['TENANT_1', 'TENANT_2']).toContain(dbA)
    expect(['TENANT_1', 'TENANT_2']).toContain(dbB)
    expect(dbA).not.toBe(dbB)
    const leadA = await createLead(a.client, a.slug, { name: 'Only In Alpha', email: 'alpha.lead@example.com' })
    expect(await countIn(dbA, 'leads', 'id', leadA)).toBe(1)
    expect(await countIn(dbB, 'leads', 'id', leadA)).toBe(0)
    expect(await countIn('DB', 'leads', 'id', leadA)).toBe(0)
    expect(await countIn(dbA, 'activities', 'lead_id', leadA)).toBeGreaterThan(0)
    expect(await countIn(dbB, 'activities', 'lead_id', leadA)).toBe(0)
    // The lead page under the other organization's slug: 404, also for a person who is a member of both.
    expect((await b.client.get(`/o/${b.slug}/leads/${leadA}`)).status).toBe(404)
    const both = await joinAs(b.client, b.slug, 'admin', 'Bo Both')
    const invited = await a.client.post(`/o/${a.slug}/team/invitations`, { email: both.email, role: 'agent' })
    expect(invited.status).toBe(303)
    expect((await both.client.get(`/o/${b.slug}/leads/${leadA}`)).status).toBe(404)
    // Beta's list does not show Alpha's lead; Alpha's does.
    expect(await b.client.html(`/o/${b.slug}/leads`)).not.toContain('Only In Alpha')
    expect(await a.client.html(`/o/${a.slug}/leads`)).toContain('Only In Alpha')
  })

  it('keeps a membership in the organization’s database and its copy in the directory, in step after a role change', async () => {
    const { client, slug } = await signUp('Mirror Org')
    const home = await databaseOf(slug)
    const agent = await joinAs(client, slug, 'agent', 'Ada Agent')
    const role = (name: string) =>
      bindings[name]!.prepare(
        'SELECT m.role FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE o.slug = ? AND m.user_id = ?',
      )
        .bind(slug, agent.userId)
        .first<string>('role')
    expect(await role(home)).toBe('agent')
    expect(await role('DB')).toBe('agent')
    // The tenant database mirrors the person's name and email (never the password hash).
    const mirrored = await bindings[home]!.prepare('SELECT name, email, password_hash FROM users WHERE id = ?')
      .bind(agent.userId)
      .first<{ name: string; email: string; password_hash: string }>()
    expect(mirrored).toEqual({ name: 'Ada Agent', email: agent.email, password_hash: '' })
    const changed = await client.post(`/o/${slug}/team/${agent.userId}/role`, { role: 'admin' })
    expect(changed.status).toBe(303)
    expect(await role(home)).toBe('admin')
    expect(await role('DB')).toBe('admin')
    // The member reads their organization (the membership middleware reads the tenant copy).
    expect((await agent.client.get(`/o/${slug}/leads`)).status).toBe(200)
  })

  it('repairs a copy left behind by a failure between the two writes: the membership’s and the person’s', async () => {
    const { client, slug } = await signUp('Repair Org')
    const home = await databaseOf(slug)
    const agent = await joinAs(client, slug, 'agent', 'Rae Repair')
    const since = Date.now() - 60_000
    // The directory lost the membership's copy, and the tenant an old time zone (as if each second write failed).
    await env.DB.prepare('DELETE FROM memberships WHERE user_id = ?').bind(agent.userId).run()
    await env.DB.prepare(`UPDATE users SET time_zone = 'Europe/Berlin', updated_at = ? WHERE id = ?`)
      .bind(Date.now(), agent.userId)
      .run()
    await repairMirrors(env, since, Date.now())
    expect(await countIn('DB', 'memberships', 'user_id', agent.userId)).toBe(1)
    const zone = await bindings[home]!.prepare('SELECT time_zone FROM users WHERE id = ?')
      .bind(agent.userId)
      .first<string>('time_zone')
    expect(zone).toBe('Europe/Berlin')
    // Signing in lands the person in the organization again (the directory lists it).
    const login = await new Client().post('/login', { email: agent.email, password: agent.password })
    expect(login.headers.get('Location')).toBe(`/o/${slug}/leads`)
  })

  it('sweeps each organization’s stuck emails from its own database in one cron run', async () => {
    const a = await signUp('Sweep Alpha')
    const b = await signUp('Sweep Beta')
    const ids: string[] = []
    for (const { slug } of [a, b]) {
      const home = await databaseOf(slug)
      const row = await bindings[home]!.prepare(
        `SELECT e.id FROM email_outbox e JOIN organizations o ON o.id = e.org_id WHERE o.slug = ? LIMIT 1`,
      )
        .bind(slug)
        .first<string>('id')
      const id =
        row ??
        (await (async () => {
          // A notification-free organization: invite someone so its outbox holds a row.
          await (slug === a.slug ? a : b).client.post(`/o/${slug}/team/invitations`, {
            email: `swept.${slug}@example.com`,
            role: 'agent',
          })
          return (await bindings[home]!.prepare(
            `SELECT e.id FROM email_outbox e JOIN organizations o ON o.id = e.org_id WHERE o.slug = ? LIMIT 1`,
          )
            .bind(slug)
            .first<string>('id'))!
        })())
      await bindings[home]!.prepare(`UPDATE email_outbox SET status = 'queued', updated_at = 0 WHERE id = ?`)
        .bind(id)
        .run()
      ids.push(id)
    }
    const swept = await sweepOutbox(env, Date.now())
    expect(swept).toEqual(expect.arrayContaining(ids))
  })

  it('shows every database’s emails at /_dev/mail', async () => {
    const a = await signUp('Mail Alpha')
    const b = await signUp('Mail Beta')
    for (const { client, slug } of [a, b])
      await client.post(`/o/${slug}/team/invitations`, { email: `mail.${slug}@example.com`, role: 'agent' })
    const page = await new Client().html('/_dev/mail')
    expect(page).toContain(`mail.${a.slug}@example.com`)
    expect(page).toContain(`mail.${b.slug}@example.com`)
  })
})
