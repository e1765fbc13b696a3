/**
 * Leadpool's rate limits (bindings and limits in wrangler.toml `[[ratelimits]]`, applied in app.ts). Public forms
 * count per client address, invitations per organization. Per-email log-in lock-out (auth/login-throttle.ts) comes
 * on top of the per-address log-in limit.
 */
import { clientAddress, rateLimit } from './lib/rate-limit'

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
