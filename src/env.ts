/**
 * Types shared by every route: the Worker's bindings (wrangler.toml) and the per-request variables
 * set by middleware. `App` is the Hono generic used by every router.
 */
import type { Database } from './db/client'
import type { Membership, Organization } from './db/schema'
import type { OrgLink } from './orgs/organizations'
import type { SessionUser } from './auth/sessions'
import type { ImportChunkMessage } from './leads/import-queue'
import type { EmailMessage } from './notifications/outbox'

export type Env = {
  DB: D1Database
  ASSETS: Fetcher
  LEAD_ROOM: DurableObjectNamespace
  POOL_ROOM: DurableObjectNamespace
  EMAIL_QUEUE: Queue<EmailMessage>
  IMPORT_QUEUE: Queue<ImportChunkMessage>
  /** Rate limiters (wrangler.toml `[[ratelimits]]`, used by src/rate-limits.ts). */
  SIGNUP_LIMITER: RateLimit
  LOGIN_LIMITER: RateLimit
  PASSWORD_RESET_LIMITER: RateLimit
  INVITATION_LIMITER: RateLimit
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

export type Variables = {
  db: Database
  user: SessionUser | null
  orgContext: OrgContext
}

export type App = { Bindings: Env; Variables: Variables }
