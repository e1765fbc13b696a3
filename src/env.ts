/**
 * Types shared by every route: the Worker's bindings (wrangler.toml) and the per-request variables
 * set by middleware. `App` is the Hono generic used by every router.
 */
import type { Database } from './db/client'
import type { Membership, Organization } from './db/schema'
import type { OrgLink, SessionUser } from './access/viewer'
import type { Unit } from './access/unit'
import type { EmailMessage, ImportChunkMessage } from './lib/queue-messages'
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
 */
export type Env = Omit<WorkerBindings, TypedBindings> & {
  EMAIL_QUEUE: Queue<EmailMessage>
  IMPORT_QUEUE: Queue<ImportChunkMessage>
  RESEND_API_KEY?: string
  RESEND_BASE_URL?: string
}

/** Generated bindings given a narrower type above; a name no longer generated fails to compile here. */
type TypedBindings = GeneratedBinding<'EMAIL_QUEUE' | 'IMPORT_QUEUE' | 'RESEND_API_KEY'>
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

/** Renders the page a refused request is answered with, from the refusal and the submitted form values. */
export type RefusalPage = (refusal: Refusal, values: FormValues) => Response | Promise<Response>

export type Variables = {
  db: Database
  user: SessionUser | null
  orgContext: OrgContext
  /** The request's unit of work inside `/o/{slug}` (src/access/unit.ts), built by src/orgs/middleware.ts. */
  unit: Unit
  /** The page a refusal raised by this request is answered with (views/render-error.tsx `onRefusal`). */
  refusalPage?: RefusalPage
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
