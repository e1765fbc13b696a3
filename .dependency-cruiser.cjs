/**
 * Import rules for src/ (docs/ARCHITECTURE.md "Layers"), checked by `npm run lint:deps` in `npm test`.
 *
 * Layers, bottom to top; imports only point down:
 *   lib            pure helpers (errors, ids, chunking, validation messages); imports nothing from src but lib
 *   db             Drizzle schema, client, D1 error helpers
 *   access         who is acting and in what: Viewer, Shell, role predicates, requireManager, the unit of work (unit.ts)
 *   views          layout, forms, labels, error pages, form input and refusal rendering; no feature
 *   features, a DAG:
 *     email, activity                  the email outbox, templates and consumer; the activity log (nothing above views)
 *     auth                             account primitives: passwords, sessions, log-in throttle
 *     orgs                             organizations, members, invitations, team, settings (uses auth)
 *     onboarding                       sign-up / log-in / log-out: creates an account and an organization (auth + orgs)
 *     leads                            lead CRUD, lists, policy, export (uses orgs, activity)
 *     notifications                    the fan-out, feed, preferences, digest, unsubscribe (uses leads' policy, email)
 *     tasks                            tasks on a lead, My tasks, the morning reminder (uses leads, activity,
 *                                      notifications); imported by collaboration (the lead page's Tasks section,
 *                                      publishing a task's change) and by app.ts/index.ts, by no other feature
 *     assignment, collaboration, pool  actions on leads (use leads, orgs, activity, notifications); siblings
 *     intake                           web form, API keys (uses leads, orgs, activity); imported only by api
 *     imports                          CSV import, its queue, sweep and undo (uses leads, orgs, activity; may use
 *                                      notifications); imported only by app.ts and index.ts, by no feature
 *     api                              the JSON API /api/v1 (uses intake, the actions on leads, leads, orgs, activity);
 *                                      imported only by app.ts and by webhooks (the lead's representation)
 *     webhooks                         endpoints, the webhook outbox's queue and sweep, signed deliveries (uses api,
 *                                      email, orgs' tables); imported only by app.ts, index.ts and scheduled.ts
 *     dashboard                        the dashboard and its weekly email (reads the rollups; uses leads, orgs,
 *                                      notifications, email); imported only by app.ts and scheduled.ts
 *     inbound-email                    the email handler, the inbound address, Unmatched email (uses intake,
 *                                      collaboration, leads, notifications); imported only by app.ts and index.ts
 *   pages          pages composing several features (the lead page with the assignment panel)
 *   app.ts, index.ts, scheduled.ts     the Hono app, the Worker entry, the cron's chores
 * env.ts (request types) sits beside the layers: it imports types from access, db and lib (the queue
 * message types are lib/queue-messages.ts, which imports nothing), and no feature that imports it back.
 */
const FEATURES = [
  'email',
  'activity',
  'auth',
  'orgs',
  'onboarding',
  'leads',
  'notifications',
  'tasks',
  'assignment',
  'collaboration',
  'pool',
  'intake',
  'imports',
  'api',
  'webhooks',
  'dashboard',
  'inbound-email',
]

/** A rule that `from` may not import any folder of `to`. */
function forbid(name, from, to, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^src/(${from.join('|')})/` },
    to: { path: `^src/(${to.join('|')})/` },
  }
}

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Feature folders must not import each other in a circle.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
      scope: 'folder',
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'lib-is-bottom',
      comment: 'lib holds pure helpers: it imports nothing from src but lib.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'db-low',
      comment: 'db imports only lib.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db|lib)/' },
    },
    {
      name: 'access-low',
      comment: 'access (who is acting) imports only db, lib and the request types of env.ts.',
      severity: 'error',
      from: { path: '^src/access/' },
      to: { path: '^src/', pathNot: '^src/((access|db|lib)/|env\\.ts$)' },
    },
    {
      name: 'views-no-features',
      comment: 'Shared views (layout, forms, error pages) must not import features.',
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: '^src/', pathNot: '^src/((views|access|db|lib)/|env\\.ts$)' },
    },
    {
      name: 'env-types-only',
      comment: 'env.ts holds request types; it imports no feature module (queue message types are in lib).',
      severity: 'error',
      from: { path: '^src/env\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(access|db|lib)/' },
    },
    {
      name: 'queue-messages-import-nothing',
      comment: 'Queue message bodies are plain JSON types (a wire format): src/lib/queue-messages.ts imports nothing.',
      severity: 'error',
      from: { path: '^src/lib/queue-messages\\.ts$' },
      to: {},
    },
    {
      name: 'no-feature-imports-pages',
      comment: 'Pages compose features; no feature (or lower layer) imports a page.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(pages/|app\\.ts$|index\\.ts$)' },
      to: { path: '^src/pages/' },
    },
    {
      name: 'no-imports-of-the-app',
      comment: 'Only index.ts imports app.ts and scheduled.ts (the cron chores); nothing imports index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/(app|index|scheduled)\\.ts$' },
    },
    forbid(
      'email-below-features',
      ['email'],
      FEATURES.filter((f) => f !== 'email'),
    ),
    forbid(
      'activity-below-features',
      ['activity'],
      FEATURES.filter((f) => !['activity', 'email'].includes(f)),
    ),
    forbid(
      'auth-below-orgs',
      ['auth'],
      ['orgs', 'onboarding', 'leads', 'notifications', 'tasks', 'assignment', 'collaboration', 'pool'],
    ),
    forbid(
      'orgs-below-leads',
      ['orgs'],
      ['onboarding', 'leads', 'notifications', 'tasks', 'assignment', 'collaboration', 'pool'],
    ),
    forbid(
      'onboarding-beside-leads',
      ['onboarding'],
      ['leads', 'notifications', 'tasks', 'assignment', 'collaboration', 'pool'],
    ),
    forbid(
      'leads-below-lead-actions',
      ['leads'],
      ['onboarding', 'notifications', 'tasks', 'assignment', 'collaboration', 'pool'],
    ),
    forbid(
      'notifications-below-lead-actions',
      ['notifications'],
      ['onboarding', 'tasks', 'assignment', 'collaboration', 'pool'],
    ),
    forbid(
      'tasks-below-collaboration',
      ['tasks'],
      ['onboarding', 'assignment', 'collaboration', 'pool'],
      'Tasks use leads, activity and notifications; collaboration (the lead page) uses tasks, never the reverse.',
    ),
    forbid('assignment-sibling', ['assignment'], ['onboarding', 'tasks', 'collaboration', 'pool']),
    forbid('collaboration-sibling', ['collaboration'], ['onboarding', 'assignment', 'pool']),
    forbid('pool-sibling', ['pool'], ['onboarding', 'tasks', 'assignment', 'collaboration']),
    forbid(
      'intake-on-top',
      FEATURES.filter((f) => !['intake', 'api', 'inbound-email'].includes(f)),
      ['intake'],
      'Intake (web form, API keys) takes leads in through leads/ and orgs/; only the JSON API (api/) builds on it.',
    ),
    forbid('intake-beside-actions', ['intake'], ['onboarding', 'tasks', 'assignment', 'collaboration', 'pool']),
    forbid(
      'imports-on-top',
      FEATURES.filter((f) => f !== 'imports'),
      ['imports'],
      'The CSV import takes leads in through leads/, orgs/ and activity/; only app.ts and index.ts import it.',
    ),
    forbid(
      'imports-beside-actions',
      ['imports'],
      ['onboarding', 'tasks', 'assignment', 'collaboration', 'pool', 'intake'],
      'The CSV import is a sibling of the actions on leads and of intake: it imports none of them.',
    ),
    forbid(
      'api-on-top',
      FEATURES.filter((f) => !['api', 'webhooks'].includes(f)),
      ['api'],
      'The JSON API drives the lead actions and intake through their domain functions; only app.ts imports it.',
    ),
    forbid(
      'api-beside-imports',
      ['api'],
      ['onboarding', 'imports'],
      'The JSON API neither signs people up nor imports CSV files.',
    ),
    forbid(
      'webhooks-on-top',
      FEATURES.filter((f) => f !== 'webhooks'),
      ['webhooks'],
      'Webhooks out send what the activity log records, as the API represents leads; only app.ts, index.ts and scheduled.ts import them.',
    ),
    forbid(
      'dashboard-on-top',
      FEATURES.filter((f) => f !== 'dashboard'),
      ['dashboard'],
      'The dashboard reads the rollups and the features below it; only app.ts and scheduled.ts import it.',
    ),
    forbid(
      'inbound-email-on-top',
      FEATURES.filter((f) => f !== 'inbound-email'),
      ['inbound-email'],
      'Inbound email logs communications and takes leads in through collaboration/ and intake/; only app.ts and index.ts import it.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: 'node_modules' },
  },
}
