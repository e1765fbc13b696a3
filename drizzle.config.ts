/** drizzle-kit: generates SQL migrations from src/db/schema.ts into migrations/ (applied by wrangler). */
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
