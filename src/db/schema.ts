/**
 * Drizzle schema: every table of Leadpool.
 *
 * Conventions: ids are UUIDv7 strings (random, time-sortable); every time is UTC epoch milliseconds
 * in an integer column; every tenant row carries `org_id` and every query on it filters by the
 * organization of the signed-in membership (docs/ARCHITECTURE.md).
 */
import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const ROLES = ['owner', 'admin', 'agent'] as const
export type Role = (typeof ROLES)[number]

export const MEMBERSHIP_STATUSES = ['active', 'deactivated'] as const
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number]

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'won', 'lost'] as const
export type LeadStatus = (typeof LEAD_STATUSES)[number]

export const organizations = sqliteTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** URL slug, unique across Leadpool: `/o/{slug}`. */
    slug: text('slug').notNull(),
    /** Setting "Agents can see and claim the unassigned pool". */
    poolEnabled: integer('pool_enabled', { mode: 'boolean' }).notNull().default(false),
    /** Setting: a lead may have collaborators besides its primary assignee. */
    multipleAssignees: integer('multiple_assignees', { mode: 'boolean' }).notNull().default(false),
    /** Setting: reassigning an assigned lead requires a handoff note. */
    handoffNoteRequired: integer('handoff_note_required', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('organizations_slug_uq').on(t.slug)],
)

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Trimmed and lower-cased, so addresses compare case-insensitively. */
    email: text('email').notNull(),
    /** PHC-style self-describing KDF string, see auth/password.ts. */
    passwordHash: text('password_hash').notNull(),
    /** IANA time zone name (e.g. `Europe/Berlin`), from the browser at sign-up; edited on /account. */
    timeZone: text('time_zone').notNull().default('UTC'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
)

/**
 * Lucia sessions; `expires_at` in epoch ms like every other time. `id` holds the SHA-256 (hex) of the
 * session id in the cookie, never the cookie value itself (auth/session-adapter.ts hashes it).
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

/**
 * A sign-up waiting for its email link (onboarding/signup.ts): no `users` row exists until the
 * link is followed, so nobody can hold an address they cannot read. Deleted when used (with every
 * other pending sign-up of the address) or by the cron once expired.
 */
export const pendingSignups = sqliteTable(
  'pending_signups',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Normalized (trimmed, lower-cased) address the link was sent to. */
    email: text('email').notNull(),
    /** PHC-style KDF string of the chosen password (auth/password.ts); the password is never stored. */
    passwordHash: text('password_hash').notNull(),
    organizationName: text('organization_name').notNull(),
    /** SHA-256 (hex) of the token in the link. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('pending_signups_token_uq').on(t.tokenHash),
    index('pending_signups_email_idx').on(t.email),
    index('pending_signups_expires_idx').on(t.expiresAt),
  ],
)

/** One-time password reset links (auth/password-reset.ts); deleted when used or by the cron once expired. */
export const passwordResets = sqliteTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the token in the link. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('password_resets_token_uq').on(t.tokenHash),
    index('password_resets_user_idx').on(t.userId),
    index('password_resets_expires_idx').on(t.expiresAt),
  ],
)

export const memberships = sqliteTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ROLES }).notNull(),
    status: text('status', { enum: MEMBERSHIP_STATUSES }).notNull().default('active'),
    /** When the member last opened this organization; log-in lands in the most recent one. */
    lastUsedAt: integer('last_used_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_uq').on(t.orgId, t.userId),
    index('memberships_user_idx').on(t.userId, t.lastUsedAt),
  ],
)

export const leads = sqliteTable(
  'leads',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** As entered (may be empty). */
    email: text('email').notNull().default(''),
    /** Lower-cased email for case-insensitive de-duplication; NULL when there is none. */
    emailNormalized: text('email_normalized'),
    phone: text('phone').notNull().default(''),
    company: text('company').notNull().default(''),
    source: text('source').notNull().default(''),
    /** Lower-cased (Unicode-aware) "name email company", what the list search matches. */
    searchText: text('search_text').notNull().default(''),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    /**
     * For a lead without assignee: true = in the pool (open to the team for claiming), false =
     * unassigned (triage, Owners/Admins only). Ignored while the lead has an assignee.
     */
    inPool: integer('in_pool', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // The list is keyset-paginated on id (UUIDv7, so newest first = id descending).
    index('leads_org_id_idx').on(t.orgId, t.id),
    index('leads_org_status_id_idx').on(t.orgId, t.status, t.id),
    // One lead per email address in an organization (imports and the form de-duplicate on it).
    uniqueIndex('leads_org_email_uq')
      .on(t.orgId, t.emailNormalized)
      .where(sql`${t.emailNormalized} IS NOT NULL`),
    index('leads_org_creator_idx').on(t.orgId, t.createdBy),
  ],
)

export const leadAssignees = sqliteTable(
  'lead_assignees',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** `primary` owner of the lead, or a `collaborator` (multiple-assignee setting). */
    kind: text('kind', { enum: ['primary', 'collaborator'] })
      .notNull()
      .default('primary'),
    assignedBy: text('assigned_by').references(() => users.id),
    assignedAt: integer('assigned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.leadId, t.userId] }),
    index('lead_assignees_org_user_idx').on(t.orgId, t.userId, t.leadId),
    // One primary owner per lead, whatever races: a second concurrent assignment fails and retries.
    uniqueIndex('lead_assignees_one_primary_uq')
      .on(t.leadId)
      .where(sql`${t.kind} = 'primary'`),
  ],
)

/** People who were assigned a lead before; they keep view access after a transfer. */
export const formerAssignees = sqliteTable(
  'former_assignees',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** When they stopped being an assignee (epoch ms). */
    endedAt: integer('ended_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.leadId, t.userId] }),
    index('former_assignees_org_user_idx').on(t.orgId, t.userId, t.leadId),
  ],
)

/** Pending invitations to join an organization; deleted when accepted, revoked or replaced. */
export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    /** Lower-cased invited address. */
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** SHA-256 (hex) of the token in the link; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('invitations_org_email_uq').on(t.orgId, t.email),
    uniqueIndex('invitations_token_uq').on(t.tokenHash),
  ],
)

export const EMAIL_STATUSES = ['queued', 'sent', 'failed', 'captured'] as const

/**
 * Transactional outbox: every email is first a row here, written in the same D1 batch as the change
 * that causes it; the queue consumer sends it (docs/ARCHITECTURE.md).
 */
export const emailOutbox = sqliteTable(
  'email_outbox',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').references(() => organizations.id),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    /** What the email is about, e.g. `invitation`. */
    kind: text('kind').notNull(),
    /** Display name of the sender (e.g. "Dana via Leadpool"), null for Leadpool alone; any Unicode. */
    fromName: text('from_name'),
    /** Extra headers (e.g. `List-Unsubscribe`), as a JSON object; null for none. */
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    status: text('status', { enum: EMAIL_STATUSES }).notNull().default('queued'),
    /** Delivery attempts made (calls to the provider). */
    attempts: integer('attempts').notNull().default(0),
    providerId: text('provider_id'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('email_outbox_status_idx').on(t.status, t.updatedAt),
    index('email_outbox_created_idx').on(t.createdAt),
  ],
)

/** Notes on a lead (handoff notes of transfers, and later the team's notes with @mentions). */
export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    authorId: text('author_id').references(() => users.id),
    /** `handoff` (written with a transfer) or `note`. */
    kind: text('kind', { enum: ['note', 'handoff'] })
      .notNull()
      .default('note'),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notes_lead_idx').on(t.leadId, t.createdAt)],
)

/** Append-only log of everything that happened to a lead: the timeline. */
export const activities = sqliteTable(
  'activities',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').references(() => users.id),
    /** e.g. `created`, `imported`, `assigned`; see ActivityType in src/activity/activities.ts. */
    type: text('type').notNull(),
    /** JSON object with the before/after values of the change. */
    data: text('data', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('activities_lead_idx').on(t.leadId, t.createdAt)],
)

/** Failed log-ins per email, kept in D1 (not isolate memory) so throttling holds across isolates. */
export const loginAttempts = sqliteTable('login_attempts', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
  lockedUntil: integer('locked_until').notNull().default(0),
})

export const IMPORT_STATUSES = ['processing', 'done'] as const

/** One CSV import: its progress counters and its report. */
export const importJobs = sqliteTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull(),
    /** Rows handed to the writer (valid, de-duplicated within the file). */
    totalRows: integer('total_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    duplicateCount: integer('duplicate_count').notNull().default(0),
    /** Rejected rows, unknown statuses, in-file duplicates: see src/leads/import-jobs.ts. */
    report: text('report', { mode: 'json' }).$type<ImportReportData>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('import_jobs_org_idx').on(t.orgId, t.createdAt)],
)

/** Chunks of an import already written; makes a redelivered queue message a no-op. */
export const importJobChunks = sqliteTable(
  'import_job_chunks',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
)

export type ImportReportData = {
  /** Rows refused, with 1-based data row number (header excluded) and the reason. */
  rejected: { row: number; reason: string }[]
  /** Status values that were not recognised and became `new`, with how many rows had each. */
  unknownStatuses: { value: string; count: number }[]
  /** Rows skipped because an earlier row of the same file had the same email. */
  duplicatesInFile: number
}

/**
 * One-time form tokens (idempotency keys) already used by a create: a form sent twice with the same
 * token creates one thing, and the repeat answers with the first result (`location`). Written in the
 * same D1 batch as the create; pruned by the cron after a day (db/idempotency.ts).
 */
export const formTokens = sqliteTable(
  'form_tokens',
  {
    /** The organization the create happened in, or `user:{userId}` for creates outside one (a new organization). */
    scope: text('scope').notNull(),
    /** The token the form carried (`formToken`). */
    key: text('key').notNull(),
    /** Where the first request sent the person (the created thing's path). */
    location: text('location').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('form_tokens_created_idx').on(t.createdAt)],
)

/**
 * Never holds a row. A batch planned on state it read starts with an INSERT here that selects a row
 * only when that state has changed since; the CHECK then fails the whole batch, which is retried
 * against the new state (optimistic concurrency; db/guard.ts).
 */
export const staleWriteGuard = sqliteTable('stale_write_guard', { stale: integer('stale').notNull() }, (t) => [
  check('stale_write', sql`${t.stale} = 0`),
])

/**
 * In-app notifications (src/notifications/fan-out.ts): one row per recipient per event, written in the
 * same D1 batch as the change. `data` holds what the sentence needs, as it was then (names, leads);
 * the event registry (src/notifications/events.ts) turns it into words.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    /** The recipient. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Event type, a key of the registry (e.g. `assigned`). */
    type: text('type').notNull(),
    actorId: text('actor_id').references(() => users.id),
    /** The lead when the event is about one lead; null for several (they are in `data.leads`). */
    leadId: text('lead_id').references(() => leads.id, { onDelete: 'cascade' }),
    data: text('data', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    readAt: integer('read_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    // The feed: newest first (UUIDv7 id descending), keyset-paginated on the id.
    index('notifications_user_feed_idx').on(t.userId, t.orgId, t.id),
    // The badge: unread of one member in one organization.
    index('notifications_user_unread_idx')
      .on(t.userId, t.orgId)
      .where(sql`${t.readAt} IS NULL`),
  ],
)

/**
 * A member's choice for one event type and channel pair, only where it differs from the registry's
 * default (src/notifications/events.ts).
 */
export const notificationPreferences = sqliteTable(
  'notification_preferences',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type').notNull(),
    inApp: integer('in_app', { mode: 'boolean' }).notNull(),
    email: integer('email', { mode: 'boolean' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.type] })],
)

/** A member's email switches in one organization: pause all email, daily digest hour. Absent row = defaults. */
export const notificationSettings = sqliteTable(
  'notification_settings',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** "Pause all email": no notification email at all (in-app stays). */
    emailPaused: integer('email_paused', { mode: 'boolean' }).notNull().default(false),
    /** Hour (0–23) of the daily digest in the member's time zone; null = no digest. */
    digestHour: integer('digest_hour'),
    /** When the last digest was made (epoch ms); items after it go into the next one. */
    digestSentAt: integer('digest_sent_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('notification_settings_digest_idx').on(t.digestHour)],
)

/**
 * One-click unsubscribe links (RFC 8058): each notification email carries its own token, stored only
 * as a SHA-256 hash, which turns off that event type's email for that member (written by src/notifications/fan-out.ts).
 */
export const unsubscribeTokens = sqliteTable(
  'unsubscribe_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Event type whose email the link turns off. */
    type: text('type').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('unsubscribe_tokens_created_idx').on(t.createdAt)],
)

export type Organization = typeof organizations.$inferSelect
export type Membership = typeof memberships.$inferSelect
export type Lead = typeof leads.$inferSelect
export type Activity = typeof activities.$inferSelect
export type ImportJob = typeof importJobs.$inferSelect
export type Invitation = typeof invitations.$inferSelect
export type OutboxEmail = typeof emailOutbox.$inferSelect
