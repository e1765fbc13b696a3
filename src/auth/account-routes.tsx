/**
 * Account routes (CONTRACT.md "Public"): `/verify-email/{token}` (finish a sign-up), `/forgot-password`,
 * `/reset-password/{token}`, `/account` and `POST /account/sessions/revoke`. Thin: parse, call the
 * domain function, render. Dead or malformed links answer 404 with a page saying so.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { validForm } from '../lib/validation'
import { lastUsedOrgSlug } from '../orgs/organizations'
import { renderError } from '../views/render-error'
import { activeSessionCount, changePassword, changePasswordSchema } from './account'
import { AccountPage, CheckEmailPage, FinishSignupPage, ForgotPasswordPage, ResetPasswordPage } from './account-views'
import {
  forgotPasswordSchema,
  openPasswordReset,
  requestPasswordReset,
  resetPassword,
  resetPasswordSchema,
} from './password-reset'
import { sessionIdOf, signIn, signOutEverywhere } from './sessions'
import { completeSignup, openPendingSignup, type MailContext } from './signup-verification'

export const accountRoutes = new Hono<App>()

/** Where emailed links point and the queue that sends them, from the request's bindings. */
export function mailContext(c: Context<App>): MailContext {
  return { appUrl: c.env.APP_URL, queue: c.env.EMAIL_QUEUE }
}

/** Runs `work`; a Refusal it raises (e.g. a dead link: 404) is answered as an error page with its message. */
async function refusalAsPage(c: Context<App>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Refusal) return renderError(c, error.status, error.message)
    throw error
  }
}

const token = (c: Context<App>) => c.req.param('token') ?? ''

// ---- Finishing a sign-up ----------------------------------------------------------------------

accountRoutes.get('/verify-email/:token', (c) =>
  refusalAsPage(c, async () => {
    const pending = await openPendingSignup(c.var.db, token(c))
    return c.html(<FinishSignupPage token={token(c)} email={pending.email} organization={pending.organizationName} />)
  }),
)

accountRoutes.post('/verify-email/:token', (c) =>
  refusalAsPage(c, async () => {
    const { userId, slug } = await completeSignup(c.var.db, token(c))
    await signIn(c, userId)
    return c.redirect(`/o/${slug}/leads`, 303)
  }),
)

// ---- Forgot / reset password -------------------------------------------------------------------

accountRoutes.get('/forgot-password', (c) => c.html(<ForgotPasswordPage />))

accountRoutes.post(
  '/forgot-password',
  validForm(forgotPasswordSchema, (c, values, errors) =>
    c.html(<ForgotPasswordPage values={values} errors={errors} />, 422),
  ),
  async (c) => {
    await requestPasswordReset(c.var.db, c.req.valid('form').email, mailContext(c))
    return c.html(<CheckEmailPage purpose="reset" />)
  },
)

/** 404 page for a malformed, unknown, used or expired reset link, before the form is read. */
const liveResetLink = (): MiddlewareHandler<App> => async (c, next) =>
  refusalAsPage(c, async () => {
    await openPasswordReset(c.var.db, token(c))
    await next()
    return c.res
  })

accountRoutes.get('/reset-password/:token', (c) =>
  refusalAsPage(c, async () => {
    const { email } = await openPasswordReset(c.var.db, token(c))
    return c.html(<ResetPasswordPage token={token(c)} email={email} />)
  }),
)

accountRoutes.post(
  '/reset-password/:token',
  liveResetLink(),
  validForm(resetPasswordSchema, async (c, _values, errors) => {
    const { email } = await openPasswordReset(c.var.db, token(c))
    return c.html(<ResetPasswordPage token={token(c)} email={email} errors={errors} />, 422)
  }),
  (c) =>
    refusalAsPage(c, async () => {
      // Every session of the account ends; this browser gets a fresh one.
      const userId = await resetPassword(c.var.db, token(c), c.req.valid('form').password)
      await signIn(c, userId)
      const slug = await lastUsedOrgSlug(c.var.db, userId)
      return c.redirect(slug ? `/o/${slug}/leads` : '/signup', 303)
    }),
)

// ---- /account ------------------------------------------------------------------------------------

/** Sends a signed-out visitor to log in. */
const signedIn = (): MiddlewareHandler<App> => async (c, next) => {
  if (!c.var.user) return c.redirect('/login', 303)
  await next()
}

accountRoutes.use('/account', signedIn())
accountRoutes.use('/account/*', signedIn())

accountRoutes.get('/account', async (c) => {
  const user = c.var.user!
  const sessionCount = await activeSessionCount(c.var.db, user.id)
  return c.html(<AccountPage user={user} sessionCount={sessionCount} done={c.req.query('done')} />)
})

accountRoutes.post(
  '/account',
  validForm(changePasswordSchema, async (c, _values, errors) => {
    const user = c.var.user!
    const sessionCount = await activeSessionCount(c.var.db, user.id)
    return c.html(<AccountPage user={user} sessionCount={sessionCount} errors={errors} />, 422)
  }),
  async (c) => {
    const user = c.var.user!
    try {
      await changePassword(c.var.db, user.id, c.req.valid('form'), sessionIdOf(c))
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      const sessionCount = await activeSessionCount(c.var.db, user.id)
      const errors = { currentPassword: error.message }
      return c.html(<AccountPage user={user} sessionCount={sessionCount} errors={errors} />, 422)
    }
    return c.redirect('/account?done=password', 303)
  },
)

accountRoutes.post('/account/sessions/revoke', async (c) => {
  await signOutEverywhere(c, c.var.user!.id)
  return c.redirect('/login', 303)
})
