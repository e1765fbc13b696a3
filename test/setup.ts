// Applies the D1 migrations from migrations/ to the directory and to every tenant database of each test file's
// isolated storage (docs/ARCHITECTURE.md "Many databases": every database gets every migration).
import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { orgDatabaseNames } from '../src/access/databases'

const bindings = env as unknown as Record<string, D1Database>
await Promise.all(orgDatabaseNames(env).map((name) => applyD1Migrations(bindings[name]!, env.TEST_MIGRATIONS)))
