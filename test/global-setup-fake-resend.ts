/**
 * vitest globalSetup (runs in Node, once per run): starts the fake Resend server and provides its
 * URL to the tests as `inject('fakeResendUrl')`; stops it when the run ends.
 */
import type { TestProject } from 'vitest/node'
import { startFakeResend } from './fake-resend-server'
import { FAKE_RESEND_KEY } from './fake-resend'

/** Starts the fake; @returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeResend(FAKE_RESEND_KEY)
  project.provide('fakeResendUrl', fake.url)
  return fake.close
}
