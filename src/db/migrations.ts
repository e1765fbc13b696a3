/**
 * The newest migration of migrations/ this Worker was built with: a database whose `d1_migrations` ends elsewhere
 * is refused service (src/access/databases.ts `requireMigrated`). test/many-databases.test.ts fails when a new
 * migration is added without naming it here.
 */
export const NEWEST_MIGRATION = '0032_org_databases.sql'
