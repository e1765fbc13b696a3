/**
 * Pruning the outbox's bodies (src/email/outbox-prune.ts): an email sent, captured or given up more than
 * BODIES_KEPT_DAYS ago loses its text, HTML and headers and keeps the rest; recent ones and queued ones keep
 * everything; a run prunes a bounded number of rows; the dev mailbox and the team page still show pruned emails.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { EMAIL_STATUSES } from '../src/db/schema'
import { BODIES_KEPT_MS, pruneOutboxBodies } from '../src/email/outbox-prune'
import { dom, textOf } from './dom'
import { Client, env, signUp } from './helpers'
import { orgIdOf } from './pool-fixtures'

const NOW = Date.UTC(2026, 11, 7, 9, 0)

type Row = Record<string, unknown>

/**
 * Writes an outbox row `age` ms before `now` (its last change) with `status` to `to` (of `orgId`), bodies and metadata
 * filled. @returns its id
 */
async function addEmail(
  status: string,
  age: number,
  { to = `${crypto.randomUUID()}@example.com`, orgId = null as string | null, now = NOW } = {},
) {
  const id = crypto.randomUUID()
  await env.DB.prepare(
    `INSERT INTO email_outbox (id, org_id, "to", subject, text, html, kind, headers, status, attempts, provider_id,
       last_error, created_at, updated_at, sent_at)
     VALUES (?, ?, ?, 'Ava assigned you a lead', 'Hello in text', '<p>Hello in HTML</p>', 'assigned',
       '{"List-Unsubscribe":"<https://x.example/u>"}', ?, 2, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      orgId,
      to,
      status,
      status === 'sent' ? 're_123' : null,
      status === 'failed' ? '422: invalid address' : null,
      now - age - 60_000,
      now - age,
      status === 'sent' ? now - age : null,
    )
    .run()
  return id
}

async function rowOf(id: string): Promise<Row> {
  return (await env.DB.prepare('SELECT * FROM email_outbox WHERE id = ?').bind(id).first<Row>())!
}

const BODIES = ['text', 'html', 'headers', 'bodies_pruned_at']
const withoutBodies = (row: Row) => Object.fromEntries(Object.entries(row).filter(([k]) => !BODIES.includes(k)))

describe('outbox bodies', () => {
  it('are removed from sent, captured and failed emails older than the period, and kept otherwise; the rest stays', async () => {
    const db = createDb(env.DB)
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            status: fc.constantFrom(...EMAIL_STATUSES),
            age: fc.oneof(
              fc.integer({ min: 0, max: 2 * BODIES_KEPT_MS }),
              fc.constantFrom(BODIES_KEPT_MS - 1, BODIES_KEPT_MS, BODIES_KEPT_MS + 1),
            ),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (emails) => {
          const written = await Promise.all(
            emails.map(async (e) => {
              const id = await addEmail(e.status, e.age)
              return { ...e, id, before: await rowOf(id) }
            }),
          )
          await pruneOutboxBodies(db, NOW)
          for (const { id, status, age, before } of written) {
            const after = await rowOf(id)
            if (status !== 'queued' && age > BODIES_KEPT_MS) {
              expect(after).toMatchObject({ text: '', html: '', headers: null, bodies_pruned_at: NOW })
              expect(withoutBodies(after)).toEqual(withoutBodies(before))
            } else {
              expect(after).toEqual(before)
            }
          }
        },
      ),
      { numRuns: 15 },
    )
  })

  it('are pruned at most 5,000 a run, oldest first, through the index of the rows still holding them', async () => {
    const db = createDb(env.DB)
    await pruneOutboxBodies(db, NOW)
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5100)
       INSERT INTO email_outbox (id, "to", subject, text, html, kind, status, attempts, created_at, updated_at)
       SELECT 'bulk-' || i, 'bulk@example.com', 's', 'text', '<p>html</p>', 'assigned', 'sent', 1, ?1 - i, ?1 - i
       FROM n`,
    )
      .bind(NOW - BODIES_KEPT_MS - 10_000)
      .run()
    expect(await pruneOutboxBodies(db, NOW)).toBe(5000)
    // The newest 100 are left for the next run.
    const left = await env.DB.prepare(
      `SELECT min(updated_at) AS oldest, count(*) AS n FROM email_outbox WHERE "to" = 'bulk@example.com' AND bodies_pruned_at IS NULL`,
    ).first<{ oldest: number; n: number }>()
    expect(left).toEqual({ oldest: NOW - BODIES_KEPT_MS - 10_000 - 100, n: 100 })
    expect(await pruneOutboxBodies(db, NOW)).toBe(100)

    // The plan of the statement a run sends (its SQL and parameters recorded on the way to D1).
    const seen: { query: string; params: unknown[] }[] = []
    const recording = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== 'prepare') return Reflect.get(target, prop, target) as unknown
        return (query: string) => ({
          bind: (...params: unknown[]) => (seen.push({ query, params }), target.prepare(query).bind(...params)),
        })
      },
    })
    await pruneOutboxBodies(createDb(recording), NOW)
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${seen[0]!.query}`)
      .bind(...seen[0]!.params)
      .all<{ detail: string }>()
    const details = plan.results.map((r) => r.detail).join('\n')
    expect(details).toContain('email_outbox_bodies_kept_idx')
    expect(details).not.toMatch(/SCAN email_outbox\b(?! USING)/)
  })

  it('of a pruned email are missing from the dev mailbox, which still lists it; the team page still shows its failure', async () => {
    const { client, slug, email } = await signUp('Pruned Mail Co')
    const captured = `pruned.${crypto.randomUUID()}@example.com`
    // Written just now (so among the mailbox's latest), pruned as if two weeks had passed.
    await addEmail('captured', 0, { to: captured, now: Date.now() })
    await addEmail('failed', 0, { to: email, orgId: await orgIdOf(slug), now: Date.now() })
    expect(await pruneOutboxBodies(createDb(env.DB), Date.now() + BODIES_KEPT_MS + 1000)).toBeGreaterThanOrEqual(2)

    const mailbox = dom(await new Client().html('/_dev/mail'))
    const card = mailbox.querySelector(`article[data-email-to="${captured}"]`)
    expect(card?.getAttribute('data-status')).toBe('captured')
    expect(textOf(card)).toContain('Ava assigned you a lead')
    expect(card?.querySelector('[data-bodies-pruned]')).not.toBeNull()
    expect(card?.querySelector('.email-html')).toBeNull()

    const team = dom(await client.html(`/o/${slug}/team`))
    const problem = team.querySelector(`tr[data-member-email="${email}"] [data-delivery-problem]`)
    expect(problem?.getAttribute('data-delivery-problem')).toBe('failed')
    expect(textOf(problem)).toContain('422: invalid address')
  })
})
