/**
 * Pruning the webhook outbox (src/webhooks/prune.ts): a delivered event leaves its endpoint's delivery log
 * DELIVERIES_KEPT_DAYS after its delivery; newer ones and those not yet delivered stay, whatever their age.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDb } from '../src/db/client'
import { DELIVERIES_KEPT_MS, pruneWebhookDeliveries } from '../src/webhooks/prune'
import { dom } from './dom'
import { env, signUp } from './helpers'
import { orgIdOf } from './pool-fixtures'

const NOW = Date.UTC(2026, 11, 7, 9, 0)

/** Writes a delivery of endpoint `endpointId` delivered `age` ms before NOW (or pending, created then). @returns its id */
async function addDelivery(orgId: string, endpointId: string, status: 'pending' | 'delivered', age: number) {
  const id = crypto.randomUUID()
  const at = NOW - age
  await env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, activity_id, lead_id, type, seq, status, attempts,
       next_attempt_at, payload, last_status_code, delivered_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'lead.created', 1, ?, 1, ?, '{}', ?, ?, ?)`,
  )
    .bind(
      id,
      orgId,
      endpointId,
      crypto.randomUUID(),
      crypto.randomUUID(),
      status,
      at,
      status === 'delivered' ? 200 : 500,
      status === 'delivered' ? at : null,
      at - 1000,
    )
    .run()
  return id
}

describe('the webhook delivery log', () => {
  it('drops delivered events after the period and keeps newer ones and those not yet delivered', async () => {
    const { client, slug } = await signUp('Webhook Prune Org')
    const orgId = await orgIdOf(slug)
    const res = await client.post(`/o/${slug}/settings/webhooks`, {
      url: 'http://localhost:9/prune',
      description: 'prune',
      active: '1',
      'event_lead.created': '1',
    })
    expect(res.status).toBe(201)
    const endpointId = dom(await res.text())
      .querySelector('tr[data-endpoint-id]')!
      .getAttribute('data-endpoint-id')!
    const listed = async () =>
      [...dom(await client.html(`/o/${slug}/settings/webhooks/${endpointId}`)).querySelectorAll('tr[data-delivery-id]')]
        .map((row) => row.getAttribute('data-delivery-id'))
        .sort()
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            status: fc.constantFrom('pending' as const, 'delivered' as const),
            age: fc.oneof(
              fc.integer({ min: 0, max: 2 * DELIVERIES_KEPT_MS }),
              fc.constantFrom(DELIVERIES_KEPT_MS - 1, DELIVERIES_KEPT_MS, DELIVERIES_KEPT_MS + 1),
            ),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (deliveries) => {
          await env.DB.prepare('DELETE FROM webhook_deliveries WHERE endpoint_id = ?').bind(endpointId).run()
          const written = await Promise.all(
            deliveries.map(async (d) => ({ ...d, id: await addDelivery(orgId, endpointId, d.status, d.age) })),
          )
          const kept = written.filter((d) => d.status === 'pending' || d.age <= DELIVERIES_KEPT_MS).map((d) => d.id)
          expect(await pruneWebhookDeliveries(createDb(env.DB), NOW)).toBe(written.length - kept.length)
          expect(await listed()).toEqual(kept.sort())
        },
      ),
      { numRuns: 15 },
    )
  })
})
