/**
 * Tests run inside workerd through @cloudflare/vitest-plugin, with the bindings of wrangler.toml
 * (real local D1, Durable Objects, Queues). D1 migrations are read here and applied by
 * test/setup.ts before each test file; storage is isolated per test file. The email tests talk to a
 * fake Resend that globalSetup starts in Node (test/fake-resend-server.ts); the webhook tests post to a local
 * receiver it starts too (test/fake-webhook-receiver.ts).
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url)))

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // Tests run as local development does (`npm start`): see wrangler.toml [vars].
        bindings: { TEST_MIGRATIONS: migrations, APP_ENV: 'development' },
      },
    }),
  ],
  test: {
    // Starts the fake Resend server (Node) whose URL the email tests read with inject('fakeResendUrl'), and the
    // OpenAPI linter test/api-description.test.ts posts the API's document to (inject('openapiLintUrl')), and the
    // local webhook receiver test/webhooks.test.ts registers endpoints at (inject('webhookReceiverUrl')).
    globalSetup: [
      './test/global-setup-fake-resend.ts',
      './test/global-setup-openapi-lint.ts',
      './test/global-setup-webhook-receiver.ts',
    ],
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['./test/setup.ts'],
    // The plugin inlines every dependency, so each test file would load linkedom (test/dom.ts, imported by
    // test/helpers.ts) and fast-check module by module: pre-bundled once, each is one module (about 1 s less
    // import per test file on this machine).
    deps: { optimizer: { ssr: { enabled: true, include: ['linkedom', 'fast-check'] } } },
    testTimeout: 30_000,
  },
})
