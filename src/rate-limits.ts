/**
 * Leadpool's rate limits (bindings and limits in wrangler.toml `[[ratelimits]]`, applied in app.ts). Public forms
 * count per client address, invitations per organization. Per-email log-in lock-out (auth/login-throttle.ts) comes
 * on top of the per-address log-in limit.
 *
 * Rate limiting uses Cloudflare's Workers Rate Limiting binding: one middleware factory (`rateLimit`) that any
 * route can be wrapped in. Counts are per Cloudflare location and approximate, kept by the platform (never in an
 * isolate's memory); locally miniflare keeps them.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { App, Env } from './env'
import { Refusal } from './lib/errors'

/** Names of the Env bindings that are rate limiters. */
export type RateLimitBinding = { [K in keyof Env]-?: Env[K] extends RateLimit ? K : never }[keyof Env]

export type RateLimitOptions = {
  /** The binding to count with, e.g. `'LOGIN_LIMITER'`. */
  binding: RateLimitBinding
  /** Its `simple.period` in wrangler.toml (seconds): the binding does not tell, and `Retry-After` needs it. */
  period: 10 | 60
  /** What is counted per key, or null to let the request through uncounted. */
  key: (c: Context<App>) => string | null
  /** What the person tried too often, in the plural, for the 429 message: e.g. `'log-in attempts'`. */
  what: string
}

/**
 * The client's address as Cloudflare saw it (`CF-Connecting-IP`; miniflare sets it locally too), an IPv6 address
 * reduced to its /64 (one subscriber usually holds a whole /64). `'unknown'` when the header is missing.
 */
export function clientAddress(c: Context): string {
  const ip = c.req.header('CF-Connecting-IP')?.trim().toLowerCase()
  if (!ip) return 'unknown'
  if (!ip.includes(':') || ip.includes('.')) return ip
  const [head = '', tail] = ip.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`
}

/**
 * Middleware: counts the request under `key(c)` with `binding`; over the limit it answers 429 with `Retry-After`
 * (the period) and a page (or htmx fragment, or JSON) saying when to try again. If the binding itself fails,
 * the request goes through (logged): a limiter outage must not lock everyone out or answer 5xx.
 *
 * Apply it before the route it protects, to the methods that should count (usually POST), e.g. in app.ts:
 * @example
 * app.on('POST', ['/forgot-password', '/reset-password/*'], rateLimit({
 *   binding: 'PASSWORD_RESET_LIMITER', period: 60, key: (c) => `ip:${clientAddress(c)}`, what: 'password-reset requests',
 * }))
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<App> {
  return async (c, next) => {
    const key = options.key(c)
    if (key !== null) {
      let allowed = true
      try {
        allowed = (await c.env[options.binding].limit({ key })).success
      } catch (error) {
        console.error('rate limiter failed; letting the request through', options.binding, error)
      }
      if (!allowed) {
        c.header('Retry-After', String(options.period))
        const when = options.period === 60 ? 'a minute' : `${options.period} seconds`
        throw new Refusal(429, `Too many ${options.what} in a short time. Try again in ${when}.`)
      }
    }
    await next()
  }
}

/** POST /signup, /invite/*, /verify-email/*: accounts created, 10 a minute per address. */
export const signUpLimit = rateLimit({
  binding: 'SIGNUP_LIMITER',
  period: 60,
  key: (c) => `ip:${clientAddress(c)}`,
  what: 'sign-up attempts',
})

/** POST /login: 20 a minute per address. */
export const logInLimit = rateLimit({
  binding: 'LOGIN_LIMITER',
  period: 60,
  key: (c) => `ip:${clientAddress(c)}`,
  what: 'log-in attempts',
})

/** POST /forgot-password, /reset-password/*: 5 a minute per address (each may send an email). */
export const passwordResetLimit = rateLimit({
  binding: 'PASSWORD_RESET_LIMITER',
  period: 60,
  key: (c) => `ip:${clientAddress(c)}`,
  what: 'password-reset requests',
})

/** POST /o/{slug}/team/invitations (after the organization middleware): 20 a minute per organization. */
export const invitationLimit = rateLimit({
  binding: 'INVITATION_LIMITER',
  period: 60,
  key: (c) => `org:${c.var.orgContext.org.id}`,
  what: 'invitations',
})

/** POST /f/{formKey} (the public web form): 30 a minute per client address. */
export const webFormLimit = rateLimit({
  binding: 'INTAKE_LIMITER',
  period: 60,
  key: (c) => `ip:${clientAddress(c)}`,
  what: 'form submissions',
})

/** /api/v1 (the JSON API): 120 requests a minute per client address. */
export const apiLimit = rateLimit({
  binding: 'API_LIMITER',
  period: 60,
  key: (c) => `ip:${clientAddress(c)}`,
  what: 'API requests',
})
