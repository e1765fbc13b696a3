/**
 * Drizzle schema: every table of Leadpool.
 *
 * Conventions: ids are UUIDv7 strings (random, time-sortable); every time is UTC epoch milliseconds
 * in an integer column; every tenant row carries `org_id` and every query on it filters by the
 * organization of the signed-in membership (docs/ARCHITECTURE.md).
 */
import { sql, type SQL } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core'

export const ROLES = ['owner', 'admin', 'agent'] as const
export type Role = (typeof ROLES)[number]

export const MEMBERSHIP_STATUSES = ['active', 'deactivated'] as const
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number]

export const ROUTING_MODES = ['unassigned', 'pool', 'round_robin'] as const
export type RoutingMode = (typeof ROUTING_MODES)[number]

/** What a routing rule does with a lead it matches (leads/routing-rules.ts). */
export const RULE_ACTIONS = ['round_robin', 'member', 'pool'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]

/** What a routing rule's condition can ask of a lead's field (leads/routing-rules.ts). */
export const RULE_TESTS = ['equals', 'contains', 'is_empty'] as const
export type RuleTest = (typeof RULE_TESTS)[number]

/** The lead fields a routing rule can ask about; `via`: how the lead came in (form, api, import, typed). */
export const RULE_FIELDS = ['source', 'via', 'name', 'email', 'phone', 'company', 'status'] as const
export type RuleField = (typeof RULE_FIELDS)[number]

/** One condition of a routing rule: `field` `test` `value` (no value for `is_empty`). */
export type RuleCondition = { field: RuleField; test: RuleTest; value: string }

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
    /** Setting: hours a new owner has to acknowledge a handoff before they are reminded (once). */
    handoffAckHours: integer('handoff_ack_hours').notNull().default(24),
    /** Setting "Agents may hand their own leads to a teammate" (else they ask for reassignment). */
    agentsMayHandOff: integer('agents_may_hand_off', { mode: 'boolean' }).notNull().default(false),
    /** Setting: open leads an Agent may hold that they claimed from the pool (0 = no cap). */
    poolClaimCap: integer('pool_claim_cap').notNull().default(0),
    /** Setting: the pool page shows only the oldest N leads (0 = all). */
    poolShowOldest: integer('pool_show_oldest').notNull().default(0),
    /** Setting: a lead waiting in the pool this many hours is stale (0 = never). */
    poolStaleHours: integer('pool_stale_hours').notNull().default(0),
    /** Setting: a claimed lead its assignee has not touched for this many days returns to the pool (0 = never). */
    poolReturnDays: integer('pool_return_days').notNull().default(0),
    /** When the aging cron last sent the managers' digest of stale pool and unassigned leads (pool/aging.ts); NULL = never. */
    poolDigestSentAt: integer('pool_digest_sent_at'),
    /**
     * Setting: an unassigned lead waiting this many hours is marked in the list and named in the managers' daily
     * digest (0 = never; leads/unassigned.ts).
     */
    unassignedWarnHours: integer('unassigned_warn_hours').notNull().default(4),
    /**
     * Setting: business hours (src/lib/business-time.ts), in which speed to lead is counted: their IANA time zone
     * (NULL: none, every hour counts), the working weekdays (`0`–`6`, Sunday first, comma-separated) and the local
     * times `HH:mm` they start and end.
     */
    businessTimeZone: text('business_time_zone'),
    businessDays: text('business_days').notNull().default('1,2,3,4,5'),
    businessStart: text('business_start').notNull().default('09:00'),
    businessEnd: text('business_end').notNull().default('17:00'),
    /**
     * Setting: a lead's first touch is due this many minutes (business time) after it was first assigned (0 = no
     * target); its assignee is told at 80 %, Owners and Admins when missed (pool/first-touch-target.ts), and with
     * `firstTouchReturn` a missed lead goes back to the pool.
     */
    firstTouchTargetMinutes: integer('first_touch_target_minutes').notNull().default(0),
    firstTouchReturn: integer('first_touch_return', { mode: 'boolean' }).notNull().default(false),
    /** Setting: where new leads from the form, the API, imports and managers' manual entry go. */
    routing: text('routing', { enum: ROUTING_MODES }).notNull().default('unassigned'),
    /** Round-robin position: the member given the last routed lead (advanced by the PoolRoom only). */
    routingLastUserId: text('routing_last_user_id'),
    /**
     * The weighted rotation's stretch: who could take a lead and at what weight when its credits were last
     * advanced (`userId:weight,…`, leads/weighted-rotation.ts); another shape starts the credits again at zero.
     */
    routingShape: text('routing_shape').notNull().default(''),
    /** When routing last found nobody to take a lead and told the managers (`routing_no_one`); NULL once someone took one. */
    routingStuckAt: integer('routing_stuck_at'),
    /** Key of the public web-to-lead form `/f/{formKey}` (rotated in settings). */
    formKey: text('form_key'),
    /** Where the web-to-lead form sends the visitor after a post (empty = Leadpool's own thank-you page). */
    thankYouUrl: text('thank_you_url').notNull().default(''),
    /**
     * The D1 binding (wrangler.toml) of the database holding the organization's data (src/access/databases.ts):
     * `TENANT_1` … or `DB`, the directory itself, for an organization created before there were tenant databases.
     */
    database: text('database').notNull().default('DB'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('organizations_slug_uq').on(t.slug), uniqueIndex('organizations_form_key_uq').on(t.formKey)],
)

/** The members round-robin routing chooses among, in rotation order (leads/routing.ts). */
export const routingMembers = sqliteTable(
  'routing_members',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Place in the rotation (ascending). */
    position: integer('position').notNull(),
    /** Smooth weighted round-robin credit (leads/weighted-rotation.ts), in weight units; 0 at a stretch's start. */
    credit: integer('credit').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
)

/**
 * Routing rules (leads/routing-rules.ts), tried in `position` order before the organization's routing, which is
 * their fallback: the first whose conditions all hold takes the lead. A `round_robin` rule has its own weighted
 * rotation (`routing_rule_members`, `last_user_id`, `shape`, as the organization's), advanced only in a routing turn.
 */
export const routingRules = sqliteTable(
  'routing_rules',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** Place in the order (ascending). */
    position: integer('position').notNull(),
    /** Conditions that must all hold (`RuleCondition[]`, JSON); none: every lead matches. */
    conditions: text('conditions', { mode: 'json' }).$type<RuleCondition[]>().notNull(),
    action: text('action', { enum: RULE_ACTIONS }).notNull(),
    /** For `member`: who is given the lead. */
    memberId: text('member_id').references(() => users.id),
    /** The rule's rotation: who took its last lead, and its stretch (leads/weighted-rotation.ts). */
    lastUserId: text('last_user_id'),
    shape: text('shape').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('routing_rules_org_position_idx').on(t.orgId, t.position)],
)

/** The members a `round_robin` routing rule chooses among, in rotation order, with their credit in its rotation. */
export const routingRuleMembers = sqliteTable(
  'routing_rule_members',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    ruleId: text('rule_id')
      .notNull()
      .references(() => routingRules.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    position: integer('position').notNull(),
    credit: integer('credit').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.userId] }),
    // A routing turn reads every rule's rotation of the organization at once, in order.
    index('routing_rule_members_org_idx').on(t.orgId, t.ruleId, t.position),
  ],
)

/**
 * When a member is away (orgs/away.ts): from `startsAt` until `endsAt` (NULL: until they say they are back), epoch
 * ms. Routing skips them, they cannot claim, and the return timers of their leads from the pool stand still.
 */
export const awayPeriods = sqliteTable(
  'away_periods',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at'),
  },
  (t) => [index('away_periods_member_idx').on(t.orgId, t.userId, t.startsAt)],
)

/**
 * What an API key may do: `read` leads and members, `write` (create and change leads, add notes and
 * communications), `assign` (assign, unassign, put in the pool).
 */
export const API_SCOPES = ['read', 'write', 'assign'] as const
export type ApiScope = (typeof API_SCOPES)[number]

/**
 * Organization API keys for `/api/v1` (intake/api-keys.ts): stored hashed, shown once. Each key acts as an
 * integration: a `users` row with the key's id and name (no password, no membership), so the timeline names it.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the key; the key itself is never stored. */
    keyHash: text('key_hash').notNull(),
    /** The key's last four characters, to tell keys apart in the list. */
    lastFour: text('last_four').notNull(),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    /** What the key may do (`API_SCOPES`); keys made before scopes existed keep all three. */
    scopes: text('scopes', { mode: 'json' })
      .$type<ApiScope[]>()
      .notNull()
      .default(sql`'["read","write","assign"]'`),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_org_idx').on(t.orgId, t.createdAt)],
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
    /** Routing weight, 1-5: a member of weight 2 is given twice the leads of weight 1 (leads/routing.ts). */
    routingWeight: integer('routing_weight').notNull().default(1),
    /** Most open leads routing gives this member (0 = no cap). */
    routingCap: integer('routing_cap').notNull().default(0),
    /**
     * Working hours (src/lib/business-time.ts) in the member's own time zone (`users.time_zone`), outside which
     * routing skips them: the working weekdays (`0`–`6`, Sunday first, comma-separated; NULL: none set, routing
     * may give them a lead at any hour) and the local times `HH:mm` they start and end (orgs/working-hours.ts).
     */
    workDays: text('work_days'),
    workStart: text('work_start').notNull().default('09:00'),
    workEnd: text('work_end').notNull().default('17:00'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_uq').on(t.orgId, t.userId),
    index('memberships_user_idx').on(t.userId, t.lastUsedAt),
  ],
)

/** The "First touch" sort's key of a lead not touched yet: after every touched one (ms; the largest safe integer). */
export const UNTOUCHED_KEY = Number.MAX_SAFE_INTEGER

/**
 * SQL: the "First touch" sort's key of the lead whose columns are given: its stored working wait (ms), or until that
 * is written the wall-clock ms from arrival to first touch, or `UNTOUCHED_KEY`. A CASE, not coalesce: drizzle-kit
 * splits an index's expression at its commas.
 */
export const firstTouchKey = (
  touchedAt: SQL | AnySQLiteColumn,
  waitMs: SQL | AnySQLiteColumn,
  createdAt: SQL | AnySQLiteColumn,
) =>
  sql`CASE WHEN ${touchedAt} IS NULL THEN ${sql.raw(String(UNTOUCHED_KEY))} WHEN ${waitMs} IS NULL THEN ${touchedAt} - ${createdAt} ELSE ${waitMs} END`

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
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    /**
     * For a lead without assignee: true = in the pool (open to the team for claiming), false =
     * unassigned (triage, Owners/Admins only). Ignored while the lead has an assignee.
     */
    inPool: integer('in_pool', { mode: 'boolean' }).notNull().default(false),
    /**
     * Derived, kept by SQL triggers on `lead_assignees` (migrations/*_lead_derived_state.sql), never
     * written by the application: the primary assignee's user id (NULL: none) and how many assignees
     * (primary and collaborators) the lead has, so lists filter on an index instead of `EXISTS`.
     */
    primaryAssigneeId: text('primary_assignee_id'),
    assigneeCount: integer('assignee_count').notNull().default(0),
    /** Derived by a trigger on `activities`: the time (epoch ms) of the lead's newest activity. */
    lastActivityAt: integer('last_activity_at'),
    /** When the lead last entered the pool (epoch ms; NULL = never, or before this was recorded). */
    pooledAt: integer('pooled_at'),
    /** When the aging cron warned that the lead's assignee has not touched it (pool/aging.ts); NULL = not warned. */
    returnWarnedAt: integer('return_warned_at'),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** When the lead was archived (epoch ms); NULL while it is not. Archived leads leave lists, counts, pool, export. */
    archivedAt: integer('archived_at'),
    /** Who archived it (an Owner/Admin, or the undo of an import). */
    archivedBy: text('archived_by').references(() => users.id),
    /**
     * Speed to lead, derived by SQL triggers (migrations/0024_speed_to_lead.sql), never written by the application:
     * when the lead first got a holder (epoch ms), and when and by whom it was first worked by someone holding it
     * (an activity of `WORKED_ACTIVITIES`, src/activity/activities.ts). NULL: not yet. It arrived at `createdAt`.
     */
    firstAssignedAt: integer('first_assigned_at'),
    firstTouchedAt: integer('first_touched_at'),
    firstTouchedBy: text('first_touched_by').references(() => users.id),
    /**
     * The wait from arrival to first touch (ms) in the organization's business hours with the toucher's away time taken
     * out (`workingWait`, src/lib/business-time.ts), written by the application in the batch of the first touch
     * (src/orgs/first-touch-wait.ts) or by the cron's sweep; NULL while not touched or not written yet.
     */
    firstTouchWaitMs: integer('first_touch_wait_ms'),
    /** When the first-touch target's cron told the assignee the target is near, and when it was missed (epoch ms). */
    firstTouchWarnedAt: integer('first_touch_warned_at'),
    firstTouchMissedAt: integer('first_touch_missed_at'),
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
    // Unassigned (0, false) and pool (0, true) filters, newest first, without scanning the organization.
    index('leads_org_unassigned_id_idx').on(t.orgId, t.assigneeCount, t.inPool, t.id),
    // Sorts and filters of the list (created, name, last activity, source), each ending in id for keyset pages.
    index('leads_org_created_idx').on(t.orgId, t.createdAt, t.id),
    // Names in the list's order: case-insensitive (`alma` before `Bea`), as src/leads/filters.ts sorts them.
    index('leads_org_name_idx').on(t.orgId, sql`${t.name} COLLATE NOCASE`, t.id),
    index('leads_org_activity_idx').on(t.orgId, t.lastActivityAt, t.id),
    index('leads_org_source_id_idx').on(t.orgId, t.source, t.id),
    // The "First touch" sort: time from arrival to first touch, untouched leads as the longest (src/leads/filters.ts).
    index('leads_org_first_touch_idx').on(
      t.orgId,
      firstTouchKey(t.firstTouchedAt, t.firstTouchWaitMs, t.createdAt),
      t.id,
    ),
    // The cron's sweep: touched leads whose working wait is not written yet (src/orgs/first-touch-wait.ts).
    index('leads_org_wait_unwritten_idx')
      .on(t.orgId)
      .where(sql`${t.firstTouchedAt} IS NOT NULL AND ${t.firstTouchWaitMs} IS NULL`),
    // The team page's times to first touch over the last 30 days (src/orgs/first-touch-times.ts).
    // The first-touch target's cron: assigned leads not touched yet whose target has not been missed yet.
    index('leads_org_touch_due_idx')
      .on(t.orgId, t.firstAssignedAt)
      .where(sql`${t.firstTouchedAt} IS NULL AND ${t.firstTouchMissedAt} IS NULL`),
    index('leads_org_first_touched_idx')
      .on(t.orgId, t.firstTouchedAt)
      .where(sql`${t.firstTouchedAt} IS NOT NULL`),
    // The "Archived" filter's list and count: only archived leads are in it, so it is never chosen otherwise.
    index('leads_org_archived_id_idx')
      .on(t.orgId, t.id)
      .where(sql`${t.archivedAt} IS NOT NULL`),
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

/**
 * Derived, kept by SQL triggers on `lead_assignees` (migrations/*_lead_derived_state.sql), never written by
 * the application: how many leads each member is assigned to (primary or collaborator), so the list's
 * assignee filter shows its counts without counting an organization's assignments on every page.
 */
export const assigneeLeadCounts = sqliteTable(
  'assignee_lead_counts',
  {
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    leads: integer('leads').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
)

/**
 * Derived, kept by SQL triggers on `leads` (migrations/*_lead_counts.sql), never written by the application:
 * how many of an organization's leads (archived ones left out) are in each `bucket`: `all`, `status:{status}`,
 * `pool` (in the pool, no assignee) and `unassigned` (no assignee, not in the pool), so the list's totals of
 * those views are read, not counted (src/leads/counts.ts).
 */
export const leadCounts = sqliteTable(
  'lead_counts',
  {
    orgId: text('org_id').notNull(),
    bucket: text('bucket').notNull(),
    leads: integer('leads').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.bucket] })],
)

/**
 * The dashboard's rollups (docs/ARCHITECTURE.md "Dashboard"), derived by SQL triggers on `leads`
 * (migrations/0025_dashboard_rollups.sql), never written by the application; archived leads are left out. `day` is
 * the UTC day (epoch ms / 86,400,000, integer). `scope` is `all` (every lead), a user id (the lead's primary
 * assignee; for first touches, who first touched it), `pool` or `unassigned` (no assignee).
 *
 * `lead_day_counts`: leads by the day they arrived (`created_at`), source and current status.
 */
export const leadDayCounts = sqliteTable(
  'lead_day_counts',
  {
    orgId: text('org_id').notNull(),
    scope: text('scope').notNull(),
    day: integer('day').notNull(),
    source: text('source').notNull(),
    status: text('status').notNull(),
    leads: integer('leads').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scope, t.day, t.source, t.status] })],
)

/** A member's leads (as primary assignee) by source and status, for the dashboard's workload (see `leadDayCounts`). */
export const memberLeadCounts = sqliteTable(
  'member_lead_counts',
  {
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    source: text('source').notNull(),
    status: text('status').notNull(),
    leads: integer('leads').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.source, t.status] })],
)

/**
 * First touches by the UTC day they happened (`first_touched_at`) and source, for `all` and per member who touched
 * (see `leadDayCounts`): how many, the sum of their waits from arrival (ms), and how many had missed the first-touch
 * target (`first_touch_missed_at` set).
 */
export const firstTouchDayCounts = sqliteTable(
  'first_touch_day_counts',
  {
    orgId: text('org_id').notNull(),
    scope: text('scope').notNull(),
    day: integer('day').notNull(),
    source: text('source').notNull(),
    touched: integer('touched').notNull(),
    waitMs: integer('wait_ms').notNull(),
    missed: integer('missed').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scope, t.day, t.source] })],
)

/**
 * The same rollups by quarter-hour `slot` (epoch ms / 900,000, integer) instead of UTC day
 * (migrations/0031_dashboard_local_days.sql): every time zone's offset is a whole number of quarter hours, so the
 * dashboard moves the part of a UTC day that lies in the viewer's previous or next local day with them
 * (src/dashboard/local-days.ts). `lead_slot_counts` as `leadDayCounts`.
 */
export const leadSlotCounts = sqliteTable(
  'lead_slot_counts',
  {
    orgId: text('org_id').notNull(),
    scope: text('scope').notNull(),
    slot: integer('slot').notNull(),
    source: text('source').notNull(),
    status: text('status').notNull(),
    leads: integer('leads').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scope, t.slot, t.source, t.status] })],
)

/** First touches by quarter-hour `slot` of `first_touched_at` (see `leadSlotCounts`), as `firstTouchDayCounts`. */
export const firstTouchSlotCounts = sqliteTable(
  'first_touch_slot_counts',
  {
    orgId: text('org_id').notNull(),
    scope: text('scope').notNull(),
    slot: integer('slot').notNull(),
    source: text('source').notNull(),
    touched: integer('touched').notNull(),
    waitMs: integer('wait_ms').notNull(),
    missed: integer('missed').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scope, t.slot, t.source] })],
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
    /** When the row last changed (epoch ms): its final state's time once sent, captured or failed. */
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
    /**
     * When its bodies (`text`, `html`, now '') and `headers` (now null) were removed, epoch ms; null while kept
     * (email/outbox-prune.ts). Everything else stays for troubleshooting.
     */
    bodiesPrunedAt: integer('bodies_pruned_at'),
  },
  (t) => [
    index('email_outbox_status_idx').on(t.status, t.updatedAt),
    index('email_outbox_created_idx').on(t.createdAt),
    // Only the rows whose bodies are still kept (about two weeks' worth): the prune finds the oldest at once.
    index('email_outbox_bodies_kept_idx')
      .on(t.updatedAt)
      .where(sql`${t.bodiesPrunedAt} IS NULL`),
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
    /** As typed, with each mention stored as `@{memberId}` (collaboration/mentions.ts). */
    body: text('body').notNull(),
    /** User ids of the members mentioned, each once (JSON array). */
    mentions: text('mentions', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notes_lead_idx').on(t.leadId, t.createdAt)],
)

/**
 * The handoff of a lead's latest change of hands (assignment/handoffs.ts): from whom to whom, by whom,
 * with which note, and whether the new owner acknowledged it ("Got it") or was reminded. One row per
 * lead at most; the next change of its primary assignee replaces or deletes it.
 */
export const leadHandoffs = sqliteTable(
  'lead_handoffs',
  {
    leadId: text('lead_id')
      .primaryKey()
      .references(() => leads.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    /** The previous owner, who is told when the new one acknowledges. */
    fromUserId: text('from_user_id')
      .notNull()
      .references(() => users.id),
    /** The new owner, who acknowledges. */
    toUserId: text('to_user_id')
      .notNull()
      .references(() => users.id),
    /** Who made the change (an Owner/Admin, or the previous owner handing off). */
    byUserId: text('by_user_id')
      .notNull()
      .references(() => users.id),
    /** The handoff note ('' when none was written). */
    note: text('note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    acknowledgedAt: integer('acknowledged_at'),
    /** When the one reminder was sent (the cron). */
    remindedAt: integer('reminded_at'),
  },
  (t) => [
    index('lead_handoffs_waiting_idx').on(t.orgId, t.acknowledgedAt, t.createdAt),
    index('lead_handoffs_to_idx').on(t.toUserId),
  ],
)

/**
 * An Agent's pending request that an Owner/Admin reassign their lead (assignment/handoffs.ts); one
 * per lead, deleted when the lead's primary assignee changes.
 */
export const reassignmentRequests = sqliteTable(
  'reassignment_requests',
  {
    leadId: text('lead_id')
      .primaryKey()
      .references(() => leads.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('reassignment_requests_org_idx').on(t.orgId, t.createdAt)],
)

export const COMMUNICATION_KINDS = ['call', 'email', 'meeting', 'sms', 'other'] as const
export type CommunicationKind = (typeof COMMUNICATION_KINDS)[number]
export const DIRECTIONS = ['inbound', 'outbound'] as const
export type Direction = (typeof DIRECTIONS)[number]

/**
 * A call, email, meeting, SMS or other exchange with the lead, logged by a member (collaboration/communications.ts) or
 * by an email to the organization's inbound address (inbound-email/receive.ts).
 */
export const communications = sqliteTable(
  'communications',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    /** The member who logged it, or who sent or forwarded its email; NULL: an email no member sent (inbound-email/). */
    authorId: text('author_id').references(() => users.id),
    kind: text('kind', { enum: COMMUNICATION_KINDS }).notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    summary: text('summary').notNull(),
    /** When it happened (epoch ms, UTC), entered in the author's time zone. */
    occurredAt: integer('occurred_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('communications_lead_idx').on(t.leadId, t.occurredAt)],
)

/**
 * A task on a lead, assigned to a member who can see it (tasks/tasks.ts). The due date is
 * either a calendar day (`due_date`, `YYYY-MM-DD`, the same day for everyone) or an instant
 * (`due_at`, epoch ms); never both.
 */
export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    dueDate: text('due_date'),
    dueAt: integer('due_at'),
    assigneeId: text('assignee_id')
      .notNull()
      .references(() => users.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    completedAt: integer('completed_at'),
    completedBy: text('completed_by').references(() => users.id),
    /** The assignee's calendar day (`YYYY-MM-DD`) they were last reminded of it being due (cron). */
    remindedOn: text('reminded_on'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('tasks_assignee_open_idx').on(t.orgId, t.assigneeId, t.completedAt),
    index('tasks_lead_idx').on(t.leadId, t.createdAt),
  ],
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
  (t) => [
    index('activities_lead_idx').on(t.leadId, t.createdAt),
    // The routing ledger of an organization over a period (pool/routing-balance.ts): routing's activities only.
    index('activities_org_routed_idx')
      .on(t.orgId, t.createdAt)
      .where(sql`json_extract(data, '$.via') = 'routing'`),
  ],
)

/** Failed log-ins per email, kept in D1 (not isolate memory) so throttling holds across isolates. */
export const loginAttempts = sqliteTable('login_attempts', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
  lockedUntil: integer('locked_until').notNull().default(0),
})

/** `mapping`: uploaded, waiting for the importer to confirm the columns (nothing written yet). */
export const IMPORT_STATUSES = ['mapping', 'processing', 'done'] as const

/** Where an import puts its new leads (src/imports/mapping.ts). */
export type ImportRouting =
  | { to: 'unassigned' }
  | { to: 'pool' }
  | { to: 'member'; userId: string; name: string }
  /** The organization's routing of new leads (settings: unassigned, pool or round-robin; src/leads/routing.ts). */
  | { to: 'organization' }

/** The importer's choices on the mapping step, kept on the job for the chunks and the report. */
export type ImportOptions = {
  routing: ImportRouting
  /** Fill empty phone/company/source of existing leads whose email matches a row. */
  updateEmpty: boolean
}

/** A remembered mapping: the Leadpool field of each column (`''` = not imported), status choices by value. */
export type ImportMapping = { columns: string[]; statuses: Record<string, LeadStatus> }

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
    /** Rejected rows, unknown statuses, in-file duplicates: see src/imports/jobs.ts. */
    report: text('report', { mode: 'json' }).$type<ImportReportData>().notNull(),
    /** The encoding the file was read in, e.g. `UTF-8`, `Windows-1252`. */
    encoding: text('encoding').notNull().default('UTF-8'),
    /** Routing and update choices of the mapping step (NULL while `mapping`). */
    options: text('options', { mode: 'json' }).$type<ImportOptions>(),
    /**
     * Undo: NULL (not asked), `processing`, `stopped` (chunks kept failing: the sweep no longer sends them,
     * Undo again resumes; src/imports/sweep.ts), `done`; who asked and when (epoch ms).
     */
    undoStatus: text('undo_status', { enum: ['processing', 'stopped', 'done'] }),
    undoneBy: text('undone_by').references(() => users.id),
    undoneAt: integer('undone_at'),
    /** Created leads the undo has looked at, and how many of them it archived. */
    undoProcessed: integer('undo_processed').notNull().default(0),
    undoArchived: integer('undo_archived').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('import_jobs_org_idx').on(t.orgId, t.createdAt)],
)

/**
 * An uploaded file waiting on the mapping step, as decoded text in parts (a D1 row holds at most
 * 2 MB); deleted when the import starts.
 */
export const importUploads = sqliteTable(
  'import_uploads',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    part: integer('part').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.part] })],
)

/** The last mapping an organization confirmed for a set of headers (`headers_key`: SHA-256 of them). */
export const importMappings = sqliteTable(
  'import_mappings',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    headersKey: text('headers_key').notNull(),
    mapping: text('mapping', { mode: 'json' }).$type<ImportMapping>().notNull(),
    updatedBy: text('updated_by').references(() => users.id),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.headersKey] })],
)

/** Chunks of an import already undone; makes a redelivered undo message a no-op. */
export const importUndoChunks = sqliteTable(
  'import_undo_chunks',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
)

/** What a chunk of import work is: writing rows, or undoing them. */
export const IMPORT_CHUNK_KINDS = ['import', 'undo'] as const

/**
 * Chunks of an import (or of its undo) not finished yet, with what is needed to send them again: a row
 * from the start of the job until its chunk is written, undone or given up (the same batch deletes it).
 * The sweep (src/imports/sweep.ts) sends again the chunks of a job that stopped moving.
 */
export const importPendingChunks = sqliteTable(
  'import_pending_chunks',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: IMPORT_CHUNK_KINDS }).notNull(),
    seq: integer('seq').notNull(),
    /** The chunk's rows as startImport wrote them (ImportRow, src/imports/parse.ts); `[]` for an undo chunk. */
    rows: text('rows', { mode: 'json' }).$type<unknown[]>().notNull(),
    /** How many times the chunk was handed to the queue (or written in the request): 1 at the start. */
    sends: integer('sends').notNull().default(1),
    /** When it was last handed over (epoch ms). */
    sentAt: integer('sent_at').notNull(),
    /** The last error a consumer met writing it (NULL: none seen; its messages may have been lost). */
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.kind, t.seq] })],
)

/** Chunks of an import already written; makes a redelivered queue message a no-op. */
export const importJobChunks = sqliteTable(
  'import_job_chunks',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** Ids of the leads this chunk created (JSON array), what the undo works through. */
    leadIds: text('lead_ids', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
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
  /**
   * Duplicate rows (in the file or matching a saved lead) with their email, the first 1,000 or so;
   * absent in reports of imports made before it was kept.
   */
  duplicateRows?: { row: number; email: string }[]
  /**
   * Rows handed to the writer whose one-line cells held line breaks or tabs, folded into one space
   * (src/lib/text.ts `foldedLine`); absent in reports of imports made before it was counted.
   */
  cleanedRows?: number
  /** Rows of chunks given up after every try (also listed in `rejected`); absent: none. */
  notSaved?: number
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
    /**
     * Where the first request sent the person (the created thing's path), followed by ` {fingerprint}` for a
     * token that has one (the API's `Idempotency-Key`: db/idempotency.ts).
     */
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
    /** The weekly report of the dashboard's numbers, for Owners and Admins (src/dashboard/weekly-report.ts): on by default. */
    weeklyReport: integer('weekly_report', { mode: 'boolean' }).notNull().default(true),
    /** The Monday (`YYYY-MM-DD`, in the member's time zone) of the week whose report was last sent; null = never. */
    weeklySentOn: text('weekly_sent_on'),
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

/**
 * The events a webhook endpoint may subscribe to, each sent for an activity of the lead's timeline (the trigger of
 * migration `webhook_outbox` maps the activity types; README "Webhooks" lists them).
 */
export const WEBHOOK_EVENTS = [
  'lead.created',
  'lead.assigned',
  'lead.status_changed',
  'note.added',
  'communication.logged',
  'lead.claimed',
  'lead.released',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/**
 * An organization's webhook endpoints (src/webhooks/endpoints.ts): where events are sent, signed with the endpoint's
 * own secret (Standard Webhooks, `whsec_…`; kept to sign, shown once).
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** The events sent (`WEBHOOK_EVENTS`), as a JSON array. */
    events: text('events', { mode: 'json' }).$type<WebhookEvent[]>().notNull(),
    /** False while paused (by a manager, or by Leadpool after a day of failures: `pausedForFailures`). */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Set when Leadpool paused it after failing for a day; cleared when resumed. */
    pausedForFailures: integer('paused_for_failures', { mode: 'boolean' }).notNull().default(false),
    secret: text('secret').notNull(),
    createdBy: text('created_by').references(() => users.id),
    /** When its deliveries began failing without a success since (epoch ms); null while it is answering. */
    failingSince: integer('failing_since'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.createdAt)],
)

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered'] as const

/**
 * The webhook outbox: one row per event and subscribed endpoint, written by a trigger on `activities` in the
 * statement that writes the activity (so in the change's batch), then sent by the `leadpool-webhooks` queue's
 * consumer (src/webhooks/deliver.ts). Its id is the `webhook-id` header, the same on every retry.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    activityId: text('activity_id').notNull(),
    leadId: text('lead_id').notNull(),
    type: text('type').$type<WebhookEvent>().notNull(),
    /** The lead's event number (1, 2, …, `webhook_sequences`): a receiver orders one lead's events by it. */
    seq: integer('seq').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When it is due to be sent (again), epoch ms. */
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** When its message was put on the queue; null until then. */
    dispatchedAt: integer('dispatched_at'),
    /** The JSON body, fixed at the first attempt so every retry sends the same bytes. */
    payload: text('payload'),
    lastStatusCode: integer('last_status_code'),
    lastLatencyMs: integer('last_latency_ms'),
    lastError: text('last_error'),
    lastAttemptAt: integer('last_attempt_at'),
    deliveredAt: integer('delivered_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_undispatched_idx')
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} IS NULL`),
  ],
)

/** Each lead's last webhook event number (`webhook_deliveries.seq`), advanced by the trigger. */
export const webhookSequences = sqliteTable('webhook_sequences', {
  leadId: text('lead_id').primaryKey(),
  seq: integer('seq').notNull(),
})

/**
 * The organization's inbound email address `{localPart}@{INBOUND_EMAIL_DOMAIN}` (inbound-email/address.ts), and its
 * setting "create a lead from an unknown sender". Rotating gives a new `localPart`; the old one ends.
 */
export const inboundAddresses = sqliteTable(
  'inbound_addresses',
  {
    orgId: text('org_id')
      .primaryKey()
      .references(() => organizations.id),
    /** Lower-case: `{slug}-{random}`. */
    localPart: text('local_part').notNull(),
    createLeads: integer('create_leads', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('inbound_addresses_local_part_uq').on(t.localPart)],
)

/** Why an inbound email waits in the Unmatched list (inbound-email/match.ts). */
export const UNMATCHED_REASONS = ['no_lead', 'several_leads', 'not_member', 'unverified'] as const
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number]

/** The SPF, DKIM and DMARC results the receiving platform recorded (`pass`, `fail`, …; null: none recorded). */
export type EmailAuth = { spf: string | null; dkim: string | null; dmarc: string | null }

/** An attachment as listed (never stored): its file name and size in bytes. */
export type EmailAttachment = { name: string; size: number }

/**
 * Every email the organization's inbound address took (inbound-email/receive.ts): logged on a lead
 * (`communicationId`), or waiting in the Unmatched list (`unmatchedReason`) until an Owner or Admin attaches it or
 * creates its lead. One per Message-ID (or, without one, per SHA-256 of the message), so a second delivery is ignored.
 */
export const inboundEmails = sqliteTable(
  'inbound_emails',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    /** The Message-ID header, or `sha256:{hex}` of the raw message when it has none. */
    messageKey: text('message_key').notNull(),
    /** NULL once logged on a lead. */
    unmatchedReason: text('unmatched_reason', { enum: UNMATCHED_REASONS }),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name').notNull(),
    /** The other party's addresses the lead was looked up by (lower-case). */
    parties: text('parties', { mode: 'json' }).$type<string[]>().notNull(),
    /** The member who sent or forwarded it (their address in From, or the envelope sender); NULL: none. */
    memberId: text('member_id').references(() => users.id),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The Date header (epoch ms, UTC), or when it arrived when it has none or an unreadable one. */
    sentAt: integer('sent_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    auth: text('auth', { mode: 'json' }).$type<EmailAuth>().notNull(),
    attachments: text('attachments', { mode: 'json' }).$type<EmailAttachment[]>().notNull(),
    leadId: text('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    communicationId: text('communication_id'),
  },
  (t) => [
    uniqueIndex('inbound_emails_message_uq').on(t.orgId, t.messageKey),
    index('inbound_emails_unmatched_idx')
      .on(t.orgId, t.receivedAt)
      .where(sql`${t.unmatchedReason} IS NOT NULL`),
    index('inbound_emails_communication_idx').on(t.communicationId),
  ],
)

export type Organization = typeof organizations.$inferSelect
export type Membership = typeof memberships.$inferSelect
export type Lead = typeof leads.$inferSelect
export type Activity = typeof activities.$inferSelect
export type ImportJob = typeof importJobs.$inferSelect
export type Invitation = typeof invitations.$inferSelect
export type OutboxEmail = typeof emailOutbox.$inferSelect
export type LeadHandoff = typeof leadHandoffs.$inferSelect
export type Task = typeof tasks.$inferSelect
export type Communication = typeof communications.$inferSelect
export type InboundEmail = typeof inboundEmails.$inferSelect
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect
