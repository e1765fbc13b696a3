/**
 * Tests run inside workerd through @cloudflare/vitest-plugin, with the bindings of wrangler.toml
 * (real local D1, Durable Objects, Queues). D1 migrations are read here and applied by
 * test/setup.ts before each test file to every database; storage is isolated per test file. The email tests talk to a
 * fake Resend that globalSetup starts in Node (test/fake-resend-server.ts); the webhook tests post to a local
 * receiver it starts too (test/fake-webhook-receiver.ts).
 *
 * Two configurations (docs/ARCHITECTURE.md "Many databases"): this one runs with the directory as the only database
 * (`TENANT_DATABASES = "DB"`, a one-database deployment), as the files that read and write organizations' data
 * through `env.DB` expect; vitest.many-databases.config.ts runs `MANY_DATABASES` with organizations placed on two
 * tenant databases (two keep the per-file migration cost low).
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url)))

/** The files that run with organizations on two tenant databases: they reach the data through the Worker. */
export const MANY_DATABASES = [
  'test/many-databases.test.ts',
  'test/api-live.test.ts',
  'test/api-problems.test.ts',
  'test/archived-lead.test.ts',
  'test/due-dates.test.ts',
  'test/htmx-edges.test.ts',
  'test/mentions.test.ts',
  'test/page-shell.test.ts',
  'test/refusal-pages.test.ts',
  'test/socket-access.test.ts',
  'test/state-messages.test.ts',
  'test/tenancy.test.ts',
  'test/team.test.ts',
]

/** The test configuration with organizations placed on `tenants` (TENANT_DATABASES), running `files`. */
export function testConfig(tenants: string, files: { include: string[]; exclude: string[] }) {
  return defineConfig({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // Tests run as local development does (`npm start`): see wrangler.toml [vars].
          bindings: { TEST_MIGRATIONS: migrations, APP_ENV: 'development', TENANT_DATABASES: tenants },
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
      include: files.include,
      exclude: ['**/node_modules/**', ...files.exclude],
      setupFiles: ['./test/setup.ts'],
      // The plugin inlines every dependency, so each test file would load linkedom (test/dom.ts, imported by
      // test/helpers.ts) and fast-check module by module: pre-bundled once, each is one module (about 1 s less
      // import per test file on this machine).
      deps: { optimizer: { ssr: { enabled: true, include: ['linkedom', 'fast-check'] } } },
      testTimeout: 30_000,
    },
  })
}

export default testConfig('DB', { include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: MANY_DATABASES })
