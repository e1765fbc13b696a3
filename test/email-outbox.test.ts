/**
 * The outbox around the consumer: rows written atomically with the change that causes them,
 * dispatch onto the queue in batches the platform accepts, the sweep that re-enqueues rows whose
 * queue message was lost, and the retry schedule.
 */
import { eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { emailOutbox } from '../src/db/schema'
import { retryDelaySeconds } from '../src/email/email-consumer'
import { dispatchEmails, outboxInsert, type NewEmail } from '../src/email/outbox'
import type { EmailMessage } from '../src/lib/queue-messages'
import { STUCK_AFTER_MS, sweepOutbox } from '../src/email/sweep'
import { env, uniqueEmail } from './helpers'

const db = () => createDb(env.DB)
const MINUTE = 60_000

const email = (): NewEmail => ({
  orgId: null,
  to: uniqueEmail('someone'),
  subject: 'Hello',
  text: 'Hi',
  html: '<p>Hi</p>',
  kind: 'test',
})

/** A Queue that records each sendBatch call instead of delivering. */
function recordingQueue() {
  const calls: MessageSendRequest<EmailMessage>[][] = []
  const queue = {
    sendBatch: (messages: Iterable<MessageSendRequest<EmailMessage>>) =>
      Promise.resolve(void calls.push([...messages])),
  }
  const bodies = () => calls.flat().map((m) => m.body)
  return { queue: queue as unknown as Queue<EmailMessage>, calls, bodies, ids: () => bodies().map((b) => b.outboxId) }
}

describe('writing to the outbox', () => {
  it('writes a `queued` row with 0 attempts in the caller’s batch, and nothing when that batch fails', async () => {
    const now = Date.UTC(2026, 10, 30, 14, 5)
    const ok = outboxInsert(db(), email(), now)
    await db().batch([ok.statement])
    expect(await db().select().from(emailOutbox).where(eq(emailOutbox.id, ok.id)).get()).toMatchObject({
      status: 'queued',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      providerId: null,
    })
    expect(ok.message).toEqual({ outboxId: ok.id, orgId: null })
    const ofOrg = outboxInsert(db(), { ...email(), orgId: 'org-1' }, now) // not executed: its message only
    expect(ofOrg.message).toEqual({ outboxId: ofOrg.id, orgId: 'org-1' })

    // The email's cause fails (here: an unknown organization), so the email must not exist either.
    const first = outboxInsert(db(), email())
    const broken = outboxInsert(db(), { ...email(), orgId: 'no-such-organization' })
    await expect(db().batch([first.statement, broken.statement])).rejects.toThrow()
    expect(
      await db()
        .select()
        .from(emailOutbox)
        .where(inArray(emailOutbox.id, [first.id, broken.id]))
        .all(),
    ).toEqual([])
    // Without the failing cause, the same email is written and the same query finds it.
    await db().batch([first.statement])
    expect(
      (
        await db()
          .select()
          .from(emailOutbox)
          .where(inArray(emailOutbox.id, [first.id, broken.id]))
          .all()
      ).map((r) => r.id),
    ).toEqual([first.id])
    await db().delete(emailOutbox).where(eq(emailOutbox.id, first.id)) // not left queued for the sweep tests
  })

  it('dispatches one `{ outboxId, orgId }` message per email, at most 100 per sendBatch', async () => {
    const { queue, calls, bodies } = recordingQueue()
    const all = Array.from({ length: 250 }, (_, i) => ({ outboxId: `id-${i}`, orgId: i % 2 ? `org-${i}` : null }))
    await dispatchEmails(queue, all)
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50])
    expect(bodies()).toEqual(all)
    expect(calls[0]![0]).toEqual({ body: { outboxId: 'id-0', orgId: null }, contentType: 'json' })

    await dispatchEmails(queue, [])
    expect(calls).toHaveLength(3)
  })
})

describe('the outbox sweep', () => {
  it('re-enqueues only rows left `queued` for over 10 minutes, once per 10 minutes', async () => {
    const now = Date.UTC(2026, 10, 30, 12, 0)
    const write = async (at: number, status?: 'sent' | 'captured' | 'failed') => {
      const mail = outboxInsert(db(), email(), at)
      await db().batch([mail.statement])
      if (status) await db().update(emailOutbox).set({ status }).where(eq(emailOutbox.id, mail.id))
      return mail.id
    }
    const stuck = await write(now - 11 * MINUTE)
    const recent = await write(now - 5 * MINUTE)
    const done = [
      await write(now - 60 * MINUTE, 'sent'),
      await write(now - 60 * MINUTE, 'captured'),
      await write(now - 60 * MINUTE, 'failed'),
    ]

    const first = recordingQueue()
    expect(await sweepOutbox({ ...env, EMAIL_QUEUE: first.queue }, now)).toEqual([stuck])
    expect(first.bodies()).toEqual([{ outboxId: stuck, orgId: null }])
    expect(await db().select().from(emailOutbox).where(eq(emailOutbox.id, stuck)).get()).toMatchObject({
      status: 'queued',
      updatedAt: now,
    })
    for (const id of [recent, ...done]) {
      expect((await db().select().from(emailOutbox).where(eq(emailOutbox.id, id)).get())!.updatedAt).toBeLessThan(now)
    }

    // The next tick finds nothing new: the re-enqueued row was touched, the recent one is not old enough.
    const next = recordingQueue()
    expect(await sweepOutbox({ ...env, EMAIL_QUEUE: next.queue }, now + 5 * MINUTE)).toEqual([])
    expect(next.calls).toEqual([])

    // Still queued 10 minutes later (its message was lost again): both are enqueued, oldest first.
    const later = recordingQueue()
    expect(await sweepOutbox({ ...env, EMAIL_QUEUE: later.queue }, now + STUCK_AFTER_MS + MINUTE)).toEqual([
      recent,
      stuck,
    ])
    expect(later.ids()).toEqual([recent, stuck])
  })
})

describe('the retry schedule', () => {
  it('doubles from 10 seconds and stops growing at 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 320])
    expect(retryDelaySeconds(8)).toBe(900)
    expect(retryDelaySeconds(40)).toBe(900)
  })
})
