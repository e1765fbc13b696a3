/**
 * Types shared by every route: the Worker's bindings (wrangler.toml) and the per-request variables
 * set by middleware. `App` is the Hono generic used by every router.
 */
import type { Context } from 'hono'
import type { Database } from './db/client'
import type { Membership, Organization } from './db/schema'
import type { OrgLink, SessionUser } from './access/viewer'
import type { Unit } from './access/unit'
import type { EmailMessage, ImportChunkMessage, WebhookMessage } from './lib/queue-messages'
import type { Refusal } from './lib/errors'
import type { FormValues } from './lib/validation'

/**
 * The Worker's bindings. Generated from wrangler.toml into worker-configuration.d.ts
 * (`WorkerBindings`, regenerate with `npm run types`; `npm test` fails when it is stale), with what
 * generation cannot know: the queues' message types, and secrets being optional.
 * - `APP_URL`: public base URL used in links inside emails, e.g. `https://leadpool.example.com`.
 * - `APP_ENV`: `development` enables /_dev/mail and non-Secure cookies; anything else is production.
 * - `RESEND_API_KEY` (secret): without it email is captured locally (readable at /_dev/mail) instead of sent.
 * - `RESEND_BASE_URL`: Resend API base URL; unset = the SDK's default. Tests point it at a local fake Resend.
 * - `TENANT_DATABASES`: the binding names of the tenant databases new organizations are placed in, comma-separated
 *   (src/access/databases.ts `tenantDatabases`); `DB` is the directory.
 */
export type Env = Omit<WorkerBindings, TypedBindings> & {
  EMAIL_QUEUE: Queue<EmailMessage>
  IMPORT_QUEUE: Queue<ImportChunkMessage>
  WEBHOOK_QUEUE: Queue<WebhookMessage>
  RESEND_API_KEY?: string
  RESEND_BASE_URL?: string
}

/** Generated bindings given a narrower type above; a name no longer generated fails to compile here. */
type TypedBindings = GeneratedBinding<'EMAIL_QUEUE' | 'IMPORT_QUEUE' | 'WEBHOOK_QUEUE' | 'RESEND_API_KEY'>
type GeneratedBinding<K extends keyof WorkerBindings> = K

/** What the organization middleware resolves for `/o/{slug}/*`. */
export type OrgContext = {
  org: Organization
  membership: Membership
  /** Every organization the user is an active member of, for the switcher. */
  orgs: OrgLink[]
  /** The member's unread notifications in `org` when the request began (count), for the header badge. */
  unread: number
}

/**
 * Renders the page a refused request is answered with, from the refusal and the submitted form values; named in the
 * route's declaration (views/refusal-page.ts `refusalPage`).
 */
export type RefusalPage = (c: Context<App>, refusal: Refusal, values: FormValues) => Response | Promise<Response>

/**
 * What a refused form on the lead page shows again, as the route that refused it declares it
 * (views/refusal-page.ts `leadPageOnRefusal`): the assignment's member and note, a status and its reason, a
 * hand-off's member and note or a reassignment request's note (`handoff`), a release's note (`release`).
 */
export type LeadPageKept = {
  assigneeId?: string
  note?: string
  status?: string
  reason?: string
  handoff?: { assigneeId?: string; note?: string; request?: string }
  /** The note of a refused release to the pool. */
  release?: string
}

/**
 * How a refusal of a post on a lead shows the lead page: `keep` (what the refused form shows again) or `form`
 * (the notes, communications or tasks section, which shows every typed field and the refusal's messages itself).
 */
export type LeadPageRefusal = {
  keep?: (values: FormValues) => LeadPageKept
  form?: 'note' | 'communication' | 'task'
}

/**
 * The lead page of lead `leadId` answering a refusal, as pages/lead-page.tsx `leadPageAfterRefusal` renders it.
 * Pages sit above the features whose routes name it, so app.ts lends it to every request in `/o/{slug}`
 * (pages/lead-page.tsx `lendLeadPage`).
 */
export type LeadPageAfterRefusal = (
  c: Context<App>,
  leadId: string,
  refusal: Refusal,
  sent: { values: FormValues } & LeadPageRefusal,
) => Promise<Response>

export type Variables = {
  /** The request's D1 session of the directory (src/db/d1-session.ts); an organization's data is `unit.db`. */
  db: Database
  /** The request's D1 session of the database bound as `binding`, opened once (src/db/d1-session.ts). */
  sessionOf: (binding: string) => Database
  user: SessionUser | null
  /**
   * The plain id of the request's valid session (as in its cookie), null when signed out (src/auth/sessions.ts); a
   * live socket keeps its hash (src/access/upgrade.ts).
   */
  sessionId: string | null
  orgContext: OrgContext
  /** The request's unit of work inside `/o/{slug}` (src/access/unit.ts), built by src/orgs/middleware.ts. */
  unit: Unit
  /** The page a refusal raised by this request is answered with, named by its route (views/refusal-page.ts `refusalPage`). */
  refusalPage?: RefusalPage
  /** The lead page, for the routes that name it as their refusals' page (pages/lead-page.tsx `lendLeadPage`). */
  leadPage?: LeadPageAfterRefusal
  /** Refusals and errors of this request are answered as RFC 9457 problem JSON (views/render-error.tsx `problemAnswers`). */
  problemAnswers?: true
  /**
   * True once a batch of this request has committed (src/db/d1-session.ts), so a later failure does not unsay it;
   * unset before that middleware ran.
   */
  changeSaved?: boolean
  /**
   * The member's unread notifications, for the header badge, when a page first asks (set by
   * src/notifications/middleware.ts): for a GET, as the membership lookup read them; otherwise counted then.
   */
  unreadNotifications?: () => Promise<number>
  /** Fingerprinted paths of the static files (src/views/assets.ts). */
  assets?: Record<string, string>
}

export type App = { Bindings: Env; Variables: Variables }
