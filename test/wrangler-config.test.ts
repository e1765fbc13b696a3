// Values the code relies on that wrangler.toml sets: queue names, retries, retry delays, the cron.
// A change on one side only (e.g. `max_retries` raised in wrangler.toml) fails here.
import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import wranglerToml from '../wrangler.toml?raw'
import {
  IMPORT_DEAD_LETTER_QUEUE_NAME,
  IMPORT_QUEUE_NAME,
  IMPORT_RETRY_BASE_SECONDS,
  MAX_MESSAGE_BYTES,
} from '../src/imports/queue'
import { IMPORT_STALL_MS } from '../src/imports/pending'
import { RETRY_BASE_SECONDS, retryDelaySeconds } from '../src/email/email-consumer'
import { EMAIL_DEAD_LETTER_QUEUE_NAME, EMAIL_QUEUE_NAME } from '../src/email/outbox'
import { STUCK_AFTER_MS, SWEEP_CRON } from '../src/email/sweep'
import { WEBHOOK_QUEUE_NAME } from '../src/webhooks/deliver'
import { LOST_AFTER_MS } from '../src/webhooks/dispatch'

type Producer = { queue: string; binding: string }
type Consumer = { queue: string; max_retries?: number; retry_delay?: number; dead_letter_queue?: string }
type Config = {
  queues: { producers: Producer[]; consumers: Consumer[] }
  triggers: { crons: string[] }
}

const config = parse(wranglerToml) as unknown as Config

/** The consumer of `queue` in wrangler.toml (fails the test when there is none). */
function consumer(queue: string): Consumer {
  const found = config.queues.consumers.filter((c) => c.queue === queue)
  expect(found, `one [[queues.consumers]] for ${queue}`).toHaveLength(1)
  return found[0]!
}

describe('wrangler.toml and the code agree', () => {
  it('queue names: each producer binding sends to the queue the code consumes under that name', () => {
    expect(config.queues.producers).toEqual(
      expect.arrayContaining([
        { queue: IMPORT_QUEUE_NAME, binding: 'IMPORT_QUEUE' },
        { queue: EMAIL_QUEUE_NAME, binding: 'EMAIL_QUEUE' },
        { queue: WEBHOOK_QUEUE_NAME, binding: 'WEBHOOK_QUEUE' },
      ]),
    )
    expect(config.queues.consumers.map((c) => c.queue).sort()).toEqual(
      [
        IMPORT_QUEUE_NAME,
        IMPORT_DEAD_LETTER_QUEUE_NAME,
        EMAIL_QUEUE_NAME,
        EMAIL_DEAD_LETTER_QUEUE_NAME,
        WEBHOOK_QUEUE_NAME,
      ].sort(),
    )
    expect(consumer(EMAIL_QUEUE_NAME).dead_letter_queue).toBe(EMAIL_DEAD_LETTER_QUEUE_NAME)
    expect(consumer(IMPORT_QUEUE_NAME).dead_letter_queue).toBe(IMPORT_DEAD_LETTER_QUEUE_NAME)
  })

  it('import: its first retry waits retry_delay, and every retry is over well before a job counts as stalled', () => {
    const imports = consumer(IMPORT_QUEUE_NAME)
    expect(IMPORT_RETRY_BASE_SECONDS).toBe(imports.retry_delay)
    // 2 + 4 + 8 + 16 + 32 s: a chunk still being retried is not sent again by the sweep.
    const retrying = Array.from({ length: imports.max_retries! }, (_, i) => IMPORT_RETRY_BASE_SECONDS * 2 ** i)
    expect(retrying.reduce((a, b) => a + b, 0) * 1000).toBeLessThan(IMPORT_STALL_MS)
    // A chunk must fit one message (Queues: at most 128 KB).
    expect(MAX_MESSAGE_BYTES).toBeLessThanOrEqual(128_000)
  })

  it('email: the first retry waits retry_delay, and a message goes to the dead letters after max_retries', () => {
    const email = consumer(EMAIL_QUEUE_NAME)
    expect(RETRY_BASE_SECONDS).toBe(email.retry_delay)
    expect(retryDelaySeconds(1)).toBe(email.retry_delay)
    // README: retried after 10, 20, 40, 80 and 160 s, then dead-lettered.
    expect(email.max_retries).toBe(5)
    expect(Array.from({ length: email.max_retries! }, (_, i) => retryDelaySeconds(i + 1))).toEqual([
      10, 20, 40, 80, 160,
    ])
  })

  it('cron: the sweeps run on the schedule the code assumes, at least as often as a row or job counts as stuck', () => {
    expect(config.triggers.crons).toEqual([SWEEP_CRON])
    const everyMinutes = Number(/^\*\/(\d+) \* \* \* \*$/.exec(SWEEP_CRON)?.[1])
    expect(everyMinutes * 60_000).toBeLessThan(STUCK_AFTER_MS)
    expect(everyMinutes * 60_000).toBeLessThan(LOST_AFTER_MS)
    expect(everyMinutes * 60_000).toBeLessThanOrEqual(IMPORT_STALL_MS)
  })
})
