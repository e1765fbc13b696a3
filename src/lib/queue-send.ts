/** Putting many messages on a Cloudflare Queue: the email outbox and the webhook outbox send through it. */
import { chunk } from './chunk'

/** Queues accept at most 100 messages per `sendBatch`. */
const MAX_SEND_BATCH = 100

/**
 * Puts `bodies` on `queue` as JSON messages, at most 100 per `sendBatch` call, in order.
 * @throws whatever `Queue.sendBatch` throws (the batches before it were sent)
 */
export async function sendAll<M>(queue: Queue<M>, bodies: M[]): Promise<void> {
  for (const part of chunk(bodies, MAX_SEND_BATCH)) {
    await queue.sendBatch(part.map((body) => ({ body, contentType: 'json' as const })))
  }
}
