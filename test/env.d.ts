// Types for tests: the bindings (the Worker's own plus the migrations passed by vitest.config.ts)
// and the main module, so `exports.default` from cloudflare:workers is typed.
import type { D1Migration } from 'cloudflare:test'
import type { Env as WorkerEnv } from '../src/env'

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[]
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index')
    }
  }
}
