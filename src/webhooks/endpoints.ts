/**
 * An organization's webhook endpoints (docs/ARCHITECTURE.md "Webhooks out"), managed by Owners and Admins in
 * Settings: created with a URL, a description, the events sent and active or paused, each with its own signing
 * secret (Standard Webhooks `whsec_…`, shown once, rotated here); and the deliveries of each, sent again on request.
 */
import { and, desc, eq } from 'drizzle-orm'
import type { Unit } from '../access/unit'
import { runBatch } from '../db/client'
import { webhookDeliveries, webhookEndpoints, type WebhookEndpoint, type WebhookEvent } from '../db/schema'
import { notFound } from '../lib/errors'
import { newId } from '../lib/ids'

/** What the endpoint form sets. */
export type EndpointInput = { url: string; description: string; events: WebhookEvent[]; active: boolean }

/** An endpoint as the pages show it: everything but its secret. */
export type EndpointListed = Omit<WebhookEndpoint, 'secret'>

/** Deliveries the endpoint page lists, newest first. */
export const DELIVERY_LOG_SIZE = 50

/** A new signing secret: `whsec_` and 24 random bytes in base64 (the Standard Webhooks format). */
function newSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`
}

const listed = {
  id: webhookEndpoints.id,
  orgId: webhookEndpoints.orgId,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  active: webhookEndpoints.active,
  pausedForFailures: webhookEndpoints.pausedForFailures,
  createdBy: webhookEndpoints.createdBy,
  failingSince: webhookEndpoints.failingSince,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
}

/** The unit's organization's endpoints, newest first. */
export function listEndpoints({ db, org }: Unit): Promise<EndpointListed[]> {
  return db
    .select(listed)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, org.id))
    .orderBy(desc(webhookEndpoints.createdAt))
    .all()
}

/** @throws Refusal 404 when the unit's organization has no endpoint `endpointId` */
export async function findEndpoint({ db, org }: Unit, endpointId: string): Promise<EndpointListed> {
  const endpoint = await db
    .select(listed)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, org.id)))
    .get()
  if (!endpoint) throw notFound()
  return endpoint
}

/**
 * Creates an endpoint from `input` in the unit's organization, by its viewer.
 * @returns its id and its signing secret (shown once)
 */
export async function createEndpoint({ db, org, viewer, now }: Unit, input: EndpointInput) {
  const id = newId()
  const secret = newSecret()
  await db
    .insert(webhookEndpoints)
    .values({ id, orgId: org.id, ...input, secret, createdBy: viewer.userId, createdAt: now, updatedAt: now })
  return { id, secret }
}

/**
 * Saves `input` on endpoint `endpointId`. Resumed (active again), it counts as answering anew and its pending
 * deliveries are due now (sent after the request, dispatch.ts `dispatchAfterChange`).
 * @throws Refusal 404 when the unit's organization has no such endpoint
 */
export async function updateEndpoint(unit: Unit, endpointId: string, input: EndpointInput): Promise<void> {
  const { db, now } = unit
  const before = await findEndpoint(unit, endpointId)
  const resumed = input.active && !before.active
  await runBatch(db, [
    db
      .update(webhookEndpoints)
      .set({ ...input, updatedAt: now, ...(resumed ? { failingSince: null, pausedForFailures: false } : {}) })
      .where(eq(webhookEndpoints.id, endpointId)),
    ...(resumed
      ? [
          db
            .update(webhookDeliveries)
            .set({ nextAttemptAt: now, dispatchedAt: null })
            .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending'))),
        ]
      : []),
  ])
}

/**
 * Gives endpoint `endpointId` a new signing secret (the old one stops signing at once).
 * @returns the new secret (shown once) @throws Refusal 404 when the organization has no such endpoint
 */
export async function rotateSecret(unit: Unit, endpointId: string): Promise<string> {
  await findEndpoint(unit, endpointId)
  const secret = newSecret()
  await unit.db.update(webhookEndpoints).set({ secret, updatedAt: unit.now }).where(eq(webhookEndpoints.id, endpointId))
  return secret
}

/** Deletes endpoint `endpointId` and its delivery log. @throws Refusal 404 when there is no such endpoint */
export async function deleteEndpoint(unit: Unit, endpointId: string): Promise<void> {
  await findEndpoint(unit, endpointId)
  await unit.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))
}

/** The newest DELIVERY_LOG_SIZE deliveries of endpoint `endpointId` (already found in the unit's organization). */
export function deliveryLog({ db, org }: Unit, endpointId: string) {
  return db
    .select({
      id: webhookDeliveries.id,
      type: webhookDeliveries.type,
      leadId: webhookDeliveries.leadId,
      seq: webhookDeliveries.seq,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastLatencyMs: webhookDeliveries.lastLatencyMs,
      lastError: webhookDeliveries.lastError,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.orgId, org.id)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.seq))
    .limit(DELIVERY_LOG_SIZE)
    .all()
}

/** One row of an endpoint's delivery log. */
export type DeliveryLogRow = Awaited<ReturnType<typeof deliveryLog>>[number]

/**
 * Sends delivery `deliveryId` of endpoint `endpointId` again, now, with the same `webhook-id` and body (a delivered
 * one too); it goes on the queue after the request (dispatch.ts `dispatchAfterChange`).
 * @throws Refusal 404 when the organization has no such endpoint or delivery
 */
export async function redeliver(unit: Unit, endpointId: string, deliveryId: string): Promise<void> {
  await findEndpoint(unit, endpointId)
  const thisDelivery = and(
    eq(webhookDeliveries.id, deliveryId),
    eq(webhookDeliveries.endpointId, endpointId),
    eq(webhookDeliveries.orgId, unit.org.id),
  )
  const found = await unit.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(thisDelivery).get()
  if (!found) throw notFound()
  // A batch, so the request knows its change was saved and puts the delivery on the queue (db/d1-session.ts).
  await runBatch(unit.db, [
    unit.db
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: unit.now, dispatchedAt: null, deliveredAt: null })
      .where(thisDelivery),
  ])
}
