/**
 * Types shared by every route: the Worker's bindings (wrangler.toml) and the per-request variables
 * set by middleware. `App` is the Hono generic used by every router.
 */
import type { Database } from './db/client'
import type { Membership, Organization } from './db/schema'
import type { OrgLink, SessionUser } from './access/viewer'
import type { ImportChunkMessage } from './leads/import-queue'
import type { EmailMessage } from './notifications/outbox'
import type { Refusal } from './lib/errors'
import type { FormValues } from './lib/validation'

export type Env = {
  DB: D1Database
  ASSETS: Fetcher
  LEAD_ROOM: DurableObjectNamespace
  POOL_ROOM: DurableObjectNamespace
  EMAIL_QUEUE: Queue<EmailMessage>
  IMPORT_QUEUE: Queue<ImportChunkMessage>
  /** Public base URL used in links inside emails, e.g. `https://leadpool.example.com`. */
  APP_URL: string
  /** `development` enables /_dev/mail and non-Secure cookies; anything else is production. */
  APP_ENV: string
  EMAIL_FROM: string
  /** Secret; without it email is captured locally (readable at /_dev/mail) instead of sent. */
  RESEND_API_KEY?: string
  /** Resend API base URL; unset = the SDK's default. Tests point it at a local fake Resend. */
  RESEND_BASE_URL?: string
}

/** What the organization middleware resolves for `/o/{slug}/*`. */
export type OrgContext = {
  org: Organization
  membership: Membership
  /** Every organization the user is an active member of, for the switcher. */
  orgs: OrgLink[]
}

/** Renders the page a refused request is answered with, from the refusal and the submitted form values. */
export type RefusalPage = (refusal: Refusal, values: FormValues) => Response | Promise<Response>

export type Variables = {
  db: Database
  user: SessionUser | null
  orgContext: OrgContext
  /** The page a refusal raised by this request is answered with (views/render-error.tsx `onRefusal`). */
  refusalPage?: RefusalPage
}

export type App = { Bindings: Env; Variables: Variables }
