/**
 * Account routes (docs/ARCHITECTURE.md, "The URL and HTML-hook contract"): `/forgot-password`,
 * `/reset-password/{token}`, `/account` and `POST /account/sessions/revoke`. Thin: parse, call the
 * domain function, render. Dead or malformed links are refused with 404 (an error page saying so).
 * Finishing a sign-up (`/verify-email/{token}`) creates an organization, so it is in onboarding/.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import {
  activeSessionCount,
  changePassword,
  organizationsOf,
  changePasswordSchema,
  inboundAddressesOf,
  setTimeZone,
  timeZoneSchema,
} from './account'
import { AccountPage, CheckEmailPage, ForgotPasswordPage, ResetPasswordPage } from './account-views'
import { askToLogIn } from './login-redirect'
import { mailContext } from './mail-context'
import {
  forgotPasswordSchema,
  openPasswordReset,
  requestPasswordReset,
  resetPassword,
  resetPasswordSchema,
} from './password-reset'
import { sessionIdOf, signIn, signOutEverywhere } from './sessions'

export const accountRoutes = new Hono<App>()

const token = (c: Context<App>) => c.req.param('token') ?? ''

// ---- Forgot / reset password -------------------------------------------------------------------

accountRoutes.get('/forgot-password', (c) => c.render(<ForgotPasswordPage />, { title: 'Forgot password' }))

/** The forgot-password form again, with the address typed and the refusal's messages. */
const forgotPasswordAgain: RefusalPage = (c, refusal, values) => {
  c.status(refusal.status)
  return c.render(<ForgotPasswordPage values={values} errors={refusal.errors} />, { title: 'Forgot password' })
}

accountRoutes.post('/forgot-password', refusalPage(forgotPasswordAgain), async (c) => {
  const { email } = await parseForm(c, forgotPasswordSchema)
  // The same answer for every address (password-reset.ts).
  await requestPasswordReset(c.var.db, email, mailContext(c))
  return c.render(<CheckEmailPage purpose="reset" />, { title: 'Check your email' })
})

accountRoutes.get('/reset-password/:token', async (c) => {
  const { email } = await openPasswordReset(c.var.db, token(c))
  return c.render(<ResetPasswordPage token={token(c)} email={email} />, { title: 'Set a new password' })
})

/** The new-password form again with the refusal's messages, while its link works (a dead link: the error page). */
const resetPasswordAgain: RefusalPage = async (c, refusal) => {
  const { email } = await openPasswordReset(c.var.db, token(c))
  c.status(refusal.status)
  return c.render(<ResetPasswordPage token={token(c)} email={email} errors={refusal.errors} />, {
    title: 'Set a new password',
  })
}

accountRoutes.post('/reset-password/:token', refusalPage(resetPasswordAgain), async (c) => {
  // A dead link is refused (404) before the form is read.
  await openPasswordReset(c.var.db, token(c))
  const { password } = await parseForm(c, resetPasswordSchema)
  // Every session of the account ends; this browser gets a fresh one, and `/` takes it to its organization.
  const userId = await resetPassword(c.var.db, token(c), password)
  await signIn(c, userId)
  return c.redirect('/', 303)
})

// ---- /account ------------------------------------------------------------------------------------

/** Sends a signed-out visitor to log in (auth/login-redirect.ts). */
const signedIn: MiddlewareHandler<App> = async (c, next) => (c.var.user ? next() : askToLogIn(c))
accountRoutes.use('/account', signedIn)
accountRoutes.use('/account/*', signedIn)

/** What /account shows besides the user: their sessions and organizations. */
async function accountFacts(c: Context<App>) {
  const user = c.var.user!
  const [sessionCount, orgs, inbound] = await Promise.all([
    activeSessionCount(c.var.db, user.id),
    organizationsOf(c.var.db, user.id),
    inboundAddressesOf(c.env, c.var.db, user.id, c.env.INBOUND_EMAIL_DOMAIN),
  ])
  return { user, sessionCount, orgs, inbound, timeZone: user.timeZone }
}

accountRoutes.get('/account', async (c) => {
  const facts = await accountFacts(c)
  return c.render(<AccountPage {...facts} done={c.req.query('done')} />, { title: 'Your account', chrome: 'user' })
})

/** /account again with a refusal's messages (status kept). */
const accountAgain: RefusalPage = async (c, refusal) => {
  const facts = await accountFacts(c)
  c.status(refusal.status)
  return c.render(<AccountPage {...facts} errors={refusal.errors} />, { title: 'Your account', chrome: 'user' })
}

accountRoutes.post('/account/time-zone', refusalPage(accountAgain), async (c) => {
  const { timeZone } = await parseForm(c, timeZoneSchema)
  await setTimeZone(c.env, c.var.db, c.var.user!.id, timeZone)
  return c.redirect('/account?done=time-zone', 303)
})

accountRoutes.post('/account', refusalPage(accountAgain), async (c) => {
  const user = c.var.user!
  await changePassword(c.var.db, user.id, await parseForm(c, changePasswordSchema), sessionIdOf(c))
  return c.redirect('/account?done=password', 303)
})

accountRoutes.post('/account/sessions/revoke', async (c) => {
  await signOutEverywhere(c, c.var.user!.id)
  return c.redirect('/login', 303)
})
