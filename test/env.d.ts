// Types of the bindings inside tests: the Worker's own plus the migrations passed by vitest.config.ts.
import type { D1Migration } from 'cloudflare:test'
import type { Env } from '../src/env'

declare global {
  namespace Cloudflare {
    interface Env extends import('../src/env').Env {
      TEST_MIGRATIONS: D1Migration[]
    }
  }
}
export type { Env }
