/**
 * The test files that run with organizations on two tenant databases (docs/ARCHITECTURE.md "Many databases"):
 * vitest.config.ts's `MANY_DATABASES` with `TENANT_DATABASES = "TENANT_1,TENANT_2"`. Run one with
 * `npx vitest run --config vitest.many-databases.config.ts test/many-databases.test.ts`; `npm run test:unit` runs
 * both configurations.
 */
import { MANY_DATABASES, testConfig } from './vitest.config'

export default testConfig('TENANT_1,TENANT_2', { include: MANY_DATABASES, exclude: [] })
