// Imports and undos whose chunks stop arriving (lost queue messages, a chunk failing past its
// retries) are found by the cron's sweep and finished from what D1 holds, and their pages say true
// things meanwhile. Queue messages are captured here and delivered (or dropped) by hand.
import { and, eq, inArray, isNull, like, sql } from 'drizzle-orm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test'
import worker from '../src/index'
import { createDb } from '../src/db/client'
import { importJobs, importPendingChunks, leads, memberships, organizations, users } from '../src/db/schema'
import { unitFor, type Unit } from '../src/access/unit'
import { createImportDraft } from '../src/imports/drafts'
import { startImport } from '../src/imports/jobs'
import { parseLeadCsv } from '../src/imports/parse'
import { IMPORT_STALL_MS, MAX_SENDS } from '../src/imports/pending'
import { IMPORT_DEAD_LETTER_QUEUE_NAME, IMPORT_QUEUE_NAME } from '../src/imports/queue'
import type { ImportChunkMessage } from '../src/lib/queue-messages'
import { sweepImportJobs } from '../src/imports/sweep'
import { undoImport } from '../src/imports/undo'
import { type Client, env, signUp } from './helpers'
import { dom, textOf } from './dom'
import { pollUntil } from './poll'

const db = () => createDb(env.DB)

/** A queue that keeps what it is given: the test decides what arrives, when, and how often. */
function capturingQueue() {
  const sent: ImportChunkMessage[] = []
  const queue = {
    send: (body: ImportChunkMessage) => Promise.resolve(void sent.push(body)),
    sendBatch: (messages: Iterable<{ body: ImportChunkMessage }>) =>
      Promise.resolve(void sent.push(...[...messages].map((m) => m.body))),
  } as unknown as Queue<ImportChunkMessage>
  /** The messages sent since the last call, for job `jobId` only. */
  const take = (jobId: string) => sent.splice(0).filter((m) => m.jobId === jobId)
  return { queue, take }
}

/** Delivers `body` to the Worker's consumer of `queue` once; returns whether it was acknowledged. */
async function deliver(body: ImportChunkMessage, queue = IMPORT_QUEUE_NAME): Promise<boolean> {
  const batch = createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }])
  const ctx = createExecutionContext()
  await worker.queue(batch, env)
  return (await getQueueResult(batch, ctx)).explicitAcks.length === 1
}

/** As if the job had not moved for the sweep's stall time (its progress, as D1 holds it, is that old). */
async function stall(jobId: string) {
  await db()
    .update(importJobs)
    .set({ updatedAt: sql`${importJobs.updatedAt} - ${IMPORT_STALL_MS + 60_000}` })
    .where(eq(importJobs.id, jobId))
}

/** A signed-up Owner, their organization, and `unit()`: a unit of work acting as them, its clock read at the call. */
async function owner() {
  const { client, slug } = await signUp()
  const org = (await db().select().from(organizations).where(eq(organizations.slug, slug)).get())!
  const member = (await db().select().from(memberships).where(eq(memberships.orgId, org.id)).get())!
  const user = (await db().select().from(users).where(eq(users.id, member.userId)).get())!
  const viewer = {
    orgId: org.id,
    userId: member.userId,
    role: 'owner' as const,
    poolEnabled: false,
    multipleAssignees: false,
  }
  const unit = (): Unit =>
    unitFor(
      env,
      { id: org.id, name: org.name, slug, database: 'DB' },
      { viewer, actor: { id: user.id, name: user.name } },
    )
  return { client, slug, unit }
}

/** The cron's import sweep, now, with its messages kept on `queue`. */
const sweep = (queue: Queue<ImportChunkMessage>) => sweepImportJobs({ ...env, IMPORT_QUEUE: queue }, Date.now())

/** A CSV file of `n` valid rows with emails `{prefix}{i}@x.test`. */
function csvOf(prefix: string, n: number, extra: string[] = []) {
  return ['Name,Email', ...Array.from({ length: n }, (_, i) => `Person ${i},${prefix}${i}@x.test`), ...extra].join('\n')
}

/** Starts importing `csv` in `unit` with its chunk messages kept on `queue` (none delivered). */
async function startHeld(unit: Unit, csv: string, queue: Queue<ImportChunkMessage>) {
  const jobId = await createImportDraft(unit, { name: 'held.csv', text: csv, encoding: 'UTF-8' })
  const job = (await db().select().from(importJobs).where(eq(importJobs.id, jobId)).get())!
  const touch = db().update(importJobs).set({ updatedAt: job.updatedAt }).where(eq(importJobs.id, jobId))
  const choices = { routing: { to: 'unassigned' as const }, updateEmpty: false }
  expect(await startImport(unit, job, parseLeadCsv(csv), { choices, remembered: touch, queue })).toBe(true)
  return jobId
}

const jobOf = async (jobId: string) => (await db().select().from(importJobs).where(eq(importJobs.id, jobId)).get())!

/** The emails of the live (not archived) leads whose email starts with `prefix`. */
async function liveEmails(prefix: string) {
  const rows = await db()
    .select({ email: leads.email })
    .from(leads)
    .where(and(like(leads.email, `${prefix}%`), isNull(leads.archivedAt)))
    .all()
  return rows.map((r) => r.email)
}

/** The import page as a person sees it: its status element, its polling and its sentences. */
async function reportOf(client: Client, slug: string, jobId: string) {
  const page = dom(await client.html(`/o/${slug}/leads/import/${jobId}`))
  const status = page.querySelector('#import-status')!
  return {
    status: status.getAttribute('data-status'),
    polls: status.getAttribute('hx-trigger'),
    text: textOf(status),
    undo: page.querySelector('#undo-status')?.getAttribute('data-undo-status') ?? null,
    undoButton: textOf(page.querySelector('#undo-import button')),
    count: (name: string) => Number(textOf(status.querySelector(`[data-count="${name}"]`))),
    alert: textOf(status.querySelector('[role="alert"]')),
  }
}

/** Reloads the import page until `done` holds (as a person waiting on it would), and answers that report. */
function until(
  client: Client,
  slug: string,
  jobId: string,
  done: (r: Awaited<ReturnType<typeof reportOf>>) => boolean,
) {
  return pollUntil(
    'the import report reaches the expected state',
    async () => {
      const report = await reportOf(client, slug, jobId)
      if (!done(report)) throw new Error(`it says "${report.text}"`)
      return report
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  )
}

describe('an import whose chunks stop arriving', () => {
  it('says it stalled, and the sweep sends the missing chunks again: every row once, then the report', async () => {
    const { client, slug, unit } = await owner()
    const { queue, take } = capturingQueue()
    const jobId = await startHeld(unit(), csvOf('lost', 450), queue)
    const first = take(jobId)
    expect(first).toHaveLength(5)
    // Two chunks arrive, three are lost (a deploy killed the consumer); then nothing moves.
    for (const body of [first[0]!, first[2]!]) expect(await deliver(body)).toBe(true)
    expect(await reportOf(client, slug, jobId)).toMatchObject({ status: 'processing', polls: 'every 2s' })
    await stall(jobId)

    const stalled = await reportOf(client, slug, jobId)
    expect(stalled.status).toBe('stalled')
    expect(stalled.polls).toBeNull()
    expect(stalled.text).toContain('Import stalled: 200 of 450 rows processed.')
    expect(stalled.text).not.toContain('Importing…')
    expect(stalled.text).toMatch(/Stalled: no progress since .+\. It resumes by itself within \d+ minutes?;/)
    expect(stalled.undoButton).toBe('')

    expect(await sweep(queue)).toEqual({ sent: 3, givenUp: 0 })
    const again = take(jobId)
    expect(again.map((m) => m.seq).sort()).toEqual([1, 3, 4])
    // A second tick right after sends nothing: those messages are on their way.
    expect(await sweep(queue)).toEqual({ sent: 0, givenUp: 0 })
    expect(await reportOf(client, slug, jobId)).toMatchObject({ status: 'processing', polls: 'every 2s' })
    // The lost messages turn up after all, beside the new ones, twice each, at the same time.
    const late = [...first, ...again, ...again]
    expect(await Promise.all(late.map((body) => deliver(body)))).toEqual(late.map(() => true))

    const report = await reportOf(client, slug, jobId)
    expect(report).toMatchObject({ status: 'done', polls: null, alert: '' })
    expect(report.count('created')).toBe(450)
    const emails = await liveEmails('lost')
    expect(emails).toHaveLength(450)
    expect(new Set(emails).size).toBe(450)
    expect(await db().select().from(importPendingChunks).where(eq(importPendingChunks.jobId, jobId)).all()).toEqual([])
  })

  it('is taken up by the cron itself (the scheduled handler) and finished through the queue', async () => {
    const { client, slug, unit } = await owner()
    const { queue } = capturingQueue()
    const jobId = await startHeld(unit(), csvOf('cron', 250), queue) // every message lost
    await stall(jobId)
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env)
    const report = await until(client, slug, jobId, (r) => r.status === 'done')
    expect(report.count('created')).toBe(250)
    expect(await liveEmails('cron')).toHaveLength(250)
  })

  it('whose messages are lost on every send is given up after the last: it finishes and says so', async () => {
    const { client, slug, unit } = await owner()
    const { queue, take } = capturingQueue()
    const jobId = await startHeld(unit(), csvOf('gone', 250), queue)
    for (let send = 2; send <= MAX_SENDS; send++) {
      take(jobId) // dropped
      await stall(jobId)
      expect(await sweep(queue)).toEqual({ sent: 3, givenUp: 0 })
    }
    expect(take(jobId)).toHaveLength(3) // the last sends, dropped too
    await stall(jobId)
    expect(await sweep(queue)).toEqual({ sent: 0, givenUp: 3 })

    const report = await reportOf(client, slug, jobId)
    expect(report).toMatchObject({ status: 'done', polls: null })
    expect(report.count('created')).toBe(0)
    expect(report.count('rejected')).toBe(250)
    expect(report.alert).toMatch(/^250 rows were not saved:/)
    const page = dom(await client.html(`/o/${slug}/leads/import/${jobId}`))
    expect(textOf(page.querySelector('#import-rejected tr[data-row="2"] td:last-child'))).toBe(
      `Not saved: the server failed on them ${MAX_SENDS} times (its work was lost on the way).`,
    )
    expect(await liveEmails('gone')).toEqual([])
  })

  it('when a chunk fails past its retries, finishes saying which rows were not saved, and undo works', async () => {
    const { client, slug, unit } = await owner()
    // D1 refuses one row of the second chunk, whenever it is tried.
    await env.DB.exec(
      "CREATE TRIGGER poison_row BEFORE INSERT ON leads WHEN NEW.email = 'fail150@x.test' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    )
    const { queue, take } = capturingQueue()
    const jobId = await startHeld(unit(), csvOf('fail', 250), queue)
    const messages = take(jobId)
    expect(await Promise.all(messages.map((body) => deliver(body)))).toEqual([true, false, true])
    const failing = messages[1]!
    for (let send = 1; send <= MAX_SENDS; send++) {
      // Its retries ran out: the dead letter arrives. Before its last send the chunk is left to the sweep.
      expect(await deliver(failing, IMPORT_DEAD_LETTER_QUEUE_NAME)).toBe(true)
      const job = await jobOf(jobId)
      if (send < MAX_SENDS) {
        expect(job.status).toBe('processing')
        await stall(jobId)
        expect(await sweep(queue)).toEqual({ sent: 1, givenUp: 0 })
        const [resent] = take(jobId)
        expect(resent).toEqual(failing)
        expect(await deliver(resent!)).toBe(false)
      } else expect(job.status).toBe('done')
    }
    await env.DB.exec('DROP TRIGGER poison_row')

    const report = await reportOf(client, slug, jobId)
    expect(report).toMatchObject({ status: 'done', polls: null })
    expect(report.count('created')).toBe(150)
    expect(report.count('rejected')).toBe(100)
    expect(report.alert).toBe(
      `100 rows were not saved: the server failed on them ${MAX_SENDS} times. They are listed with the rejected rows below; import a file of them again later. Undo still undoes what this import saved.`,
    )
    const page = dom(await client.html(`/o/${slug}/leads/import/${jobId}`))
    const reasons = [...page.querySelectorAll('#import-rejected tr[data-row]')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => textOf(td)).join(' '),
    )
    expect(reasons).toHaveLength(100)
    expect(reasons[0]).toMatch(/^102 Not saved: the server failed on them 3 times \(.*disk I\/O error.*\)\.$/)
    expect(await liveEmails('fail')).toHaveLength(150)

    // Undo of what it did: the 150 leads it saved.
    expect((await client.post(`/o/${slug}/leads/import/${jobId}/undo`)).status).toBe(303)
    const undone = await until(client, slug, jobId, (r) => r.undo === 'done')
    expect(undone.count('archived')).toBe(150)
    expect(await liveEmails('fail')).toEqual([])
  })
})

describe('an undo whose chunks stop arriving', () => {
  /** A finished import of `n` rows, undone with its undo chunks kept on a capturing queue. */
  async function undoHeld(prefix: string, n: number) {
    const who = await owner()
    const { queue, take } = capturingQueue()
    const jobId = await startHeld(who.unit(), csvOf(prefix, n), queue)
    for (const body of take(jobId)) await deliver(body)
    expect((await jobOf(jobId)).status).toBe('done')
    await undoImport(who.unit(), await jobOf(jobId), { queue })
    return { ...who, jobId, queue, take }
  }

  it('is resumed by the sweep, and never says "already undone" while its leads are live', async () => {
    const { client, slug, jobId, queue, take } = await undoHeld('sweepundo', 450)
    const chunks = take(jobId)
    expect(chunks).toHaveLength(5)
    for (const body of chunks.slice(0, 2)) expect(await deliver(body)).toBe(true)
    await stall(jobId)

    const stalled = await reportOf(client, slug, jobId)
    expect(stalled.undo).toBe('stalled')
    expect(stalled.polls).toBeNull()
    expect(stalled.text).toContain('Undoing… 200 of 450 leads looked at, 200 archived so far.')
    expect(stalled.text).toMatch(/Stalled: no progress since .+ It resumes by itself within \d+ minutes?;/)
    expect(stalled.text).not.toContain('already undone')
    expect(stalled.undoButton).toBe('Resume the undo now')

    expect(await sweep(queue)).toEqual({ sent: 3, givenUp: 0 })
    for (const body of take(jobId)) expect(await deliver(body)).toBe(true)
    const done = await reportOf(client, slug, jobId)
    expect(done.undo).toBe('done')
    expect(done.count('archived')).toBe(450)
    expect(await liveEmails('sweepundo')).toEqual([])
  })

  it('stalled, meets two clicks on Undo and the sweep at the same time: each lead archived once', async () => {
    const { client, slug, jobId, queue, take } = await undoHeld('raceundo', 450)
    const chunks = take(jobId)
    expect(await deliver(chunks[0]!)).toBe(true)
    await stall(jobId)
    const undo = () => client.post(`/o/${slug}/leads/import/${jobId}/undo`)
    const [a, b] = await Promise.all([undo(), undo(), sweep(queue)])
    expect([a.status, b.status]).toEqual([303, 303])
    await Promise.all([...chunks, ...take(jobId)].map((body) => deliver(body)))
    const done = await until(client, slug, jobId, (r) => r.undo === 'done')
    expect(done.count('archived')).toBe(450)
    expect(done.count('kept')).toBe(0)
    const archived = await env.DB.prepare(
      "SELECT count(*) AS n FROM activities WHERE type = 'archived' AND json_extract(data, '$.importId') = ?",
    )
      .bind(jobId)
      .first<{ n: number }>()
    expect(archived!.n).toBe(450)
    expect(await liveEmails('raceundo')).toEqual([])
  })

  it('that failed every try says it stopped, and Undo again resumes it', async () => {
    const { client, slug, jobId, queue, take } = await undoHeld('stopundo', 450)
    await env.DB.exec(
      "CREATE TRIGGER poison_undo BEFORE UPDATE OF archived_at ON leads WHEN NEW.email = 'stopundo420@x.test' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    )
    const chunks = take(jobId)
    expect(await Promise.all(chunks.map((body) => deliver(body)))).toEqual([true, true, true, true, false])
    for (let send = 1; send < MAX_SENDS; send++) {
      expect(await deliver(chunks[4]!, IMPORT_DEAD_LETTER_QUEUE_NAME)).toBe(true)
      await stall(jobId)
      expect(await sweep(queue)).toEqual({ sent: 1, givenUp: 0 })
      expect(await deliver(take(jobId)[0]!)).toBe(false)
    }
    expect(await deliver(chunks[4]!, IMPORT_DEAD_LETTER_QUEUE_NAME)).toBe(true)

    const stopped = await reportOf(client, slug, jobId)
    expect(stopped.undo).toBe('stopped')
    expect(stopped.polls).toBeNull()
    expect(stopped.text).toContain('Undo stopped: 400 of 450 leads looked at, 400 archived so far.')
    expect(stopped.alert).toBe(
      `The rest failed ${MAX_SENDS} times, so the undo stopped: 50 leads of this import are still in the list. Try again to undo them.`,
    )
    expect(stopped.text).not.toContain('already undone')
    expect(stopped.undoButton).toBe('Undo the rest')
    expect(await liveEmails('stopundo')).toHaveLength(50)
    // The sweep leaves a stopped undo alone: only a person resumes it.
    await stall(jobId)
    expect(await sweep(queue)).toEqual({ sent: 0, givenUp: 0 })

    await env.DB.exec('DROP TRIGGER poison_undo')
    expect((await client.post(`/o/${slug}/leads/import/${jobId}/undo`)).status).toBe(303)
    const done = await until(client, slug, jobId, (r) => r.undo === 'done')
    expect(done.count('archived')).toBe(450)
    expect(await liveEmails('stopundo')).toEqual([])
    // Now, and only now, it is undone.
    expect((await client.post(`/o/${slug}/leads/import/${jobId}/undo`)).status).toBe(409)
  })
})

describe('lost and repeated chunk messages (property)', () => {
  it('whatever is dropped or delivered twice, the leads are the valid rows of the file exactly once', async () => {
    const { unit } = await owner()
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 201, max: 520 }),
        fc.integer({ min: 0, max: 5 }),
        // How often each message arrives, per round of sends (the last round delivers each at least once).
        fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }), {
          minLength: MAX_SENDS - 1,
          maxLength: MAX_SENDS - 1,
        }),
        fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 6, maxLength: 6 }),
        async (valid, invalid, rounds, last) => {
          const prefix = `prop${run++}-`
          const bad = Array.from({ length: invalid }, () => ',,')
          const { queue, take } = capturingQueue()
          const jobId = await startHeld(unit(), csvOf(prefix, valid, [...bad, ',,not-an-email']), queue)
          for (const times of [...rounds, last]) {
            const messages = take(jobId)
            const copies = messages.flatMap((body, i) => Array.from({ length: times[i % times.length]! }, () => body))
            await Promise.all(copies.map((body) => deliver(body)))
            if ((await jobOf(jobId)).status === 'done') break
            await stall(jobId)
            await sweep(queue)
          }
          const job = await jobOf(jobId)
          expect(job).toMatchObject({ status: 'done', createdCount: valid, processedRows: valid })
          expect(job.report.notSaved ?? 0).toBe(0)
          const emails = await liveEmails(prefix)
          expect(emails.sort()).toEqual(Array.from({ length: valid }, (_, i) => `${prefix}${i}@x.test`).sort())
          const left = await db()
            .select()
            .from(importPendingChunks)
            .where(inArray(importPendingChunks.jobId, [jobId]))
            .all()
          expect(left).toEqual([])
        },
      ),
      { numRuns: 15 },
    )
  }, 120_000)
})

describe('a chunk of an organization that no longer exists', () => {
  it('is acknowledged by both consumers, writing nothing', async () => {
    const body: ImportChunkMessage = {
      jobId: crypto.randomUUID(),
      orgId: crypto.randomUUID(),
      actorId: crypto.randomUUID(),
      seq: 0,
      rows: parseLeadCsv('Name,Email\nGhost Row,ghost-row@x.test\n').rows,
    }
    expect(await deliver(body)).toBe(true)
    expect(await deliver(body, IMPORT_DEAD_LETTER_QUEUE_NAME)).toBe(true)
    expect(await liveEmails('ghost-row@')).toEqual([])
  })
})
