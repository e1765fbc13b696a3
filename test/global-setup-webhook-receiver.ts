/**
 * vitest globalSetup (runs in Node, once per run): starts the local webhook receiver and provides its URL to the
 * tests as `inject('webhookReceiverUrl')`; stops it when the run ends.
 */
import type { TestProject } from 'vitest/node'
import { startFakeReceiver } from './fake-webhook-receiver'

/** Starts the receiver; @returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startFakeReceiver()
  project.provide('webhookReceiverUrl', receiver.url)
  return receiver.close
}
