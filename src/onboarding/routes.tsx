/**
 * `/signup`, `/verify-email/{token}`, `/login`, `/logout` (docs/ARCHITECTURE.md, "The URL and HTML-hook
 * contract"): above auth and orgs, since they land in an organization.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { CheckEmailPage } from '../auth/account-views'
import { authenticate, loginSchema, normalizeEmail } from '../auth/accounts'
import { clearFailures, reserveAttempt } from '../auth/login-throttle'
import { safeNext } from '../auth/safe-next'
import { mailContext } from '../auth/mail-context'
import { signIn, signOut } from '../auth/sessions'
import { LoginPage, SignupPage } from '../auth/views'
import type { App, RefusalPage } from '../env'
import { Refusal } from '../lib/errors'
import { createOrganization, lastUsedOrgSlug, mirroredUser, organizationName } from '../orgs/organizations'
import { NewOrganizationPage } from '../orgs/views'
import { parseForm } from '../views/form-input'
import { browserTimeZone } from '../lib/time-zones'

import { refusalPage } from '../views/refusal-page'
import { completeSignup, openPendingSignup, requestSignup, signupSchema } from './signup'
import { FinishSignupPage } from './views'

export const onboardingRoutes = new Hono<App>()

onboardingRoutes.get('/signup', async (c) => {
  const user = c.var.user
  if (!user) return c.render(<SignupPage />, { title: 'Sign up', chrome: 'anonymous' })
  const member = Boolean(await lastUsedOrgSlug(c.var.db, user.id))
  return c.render(<NewOrganizationPage user={user} member={member} />, { title: 'New organization' })
})

/**
 * A signed-in person posting /signup gets the new organization at once (as `POST /orgs`): only the
 * `organization` field is read. Signed-out visitors go on to the sign-up form.
 */
const newOrganizationWhenSignedIn = (): MiddlewareHandler<App> => async (c, next) => {
  const user = c.var.user
  if (!user) return next()
  const { organization } = await parseForm(c, z.object({ organization: organizationName }))
  const slug = await createOrganization(c.env, c.var.db, await mirroredUser(c.var.db, user.id), organization)
  return c.redirect(`/o/${slug}/leads`, 303)
}

/**
 * The form of `/signup` again, with what was typed and the refusal's messages: the new-organization form for a
 * signed-in person (`newOrganizationWhenSignedIn`), else the sign-up form.
 */
const signupAgain: RefusalPage = (c, refusal, values) => {
  const user = c.var.user
  c.status(refusal.status)
  if (user)
    return c.render(<NewOrganizationPage user={user} values={values} errors={refusal.errors} />, {
      title: 'New organization',
    })
  // A refusal no field shows (a form body that is not UTF-8 text) is the page's alert.
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return c.render(<SignupPage values={values} errors={refusal.errors} alert={alert} />, {
    title: 'Sign up',
    chrome: 'anonymous',
  })
}

onboardingRoutes.post('/signup', refusalPage(signupAgain), newOrganizationWhenSignedIn(), async (c) => {
  // The same answer for every address: the email says what happens next (signup.ts).
  await requestSignup(c.var.db, await parseForm(c, signupSchema), mailContext(c))
  return c.render(<CheckEmailPage purpose="signup" />, { title: 'Check your email' })
})

const token = (c: Context<App>) => c.req.param('token') ?? ''

/** The hidden time zone field of the "Finish sign-up" form (public/app.js fills it in). */
const browserTimeZoneSchema = z.object({ timeZone: browserTimeZone })

// A dead or malformed link is refused with 404 (an error page saying so).
onboardingRoutes.get('/verify-email/:token', async (c) => {
  const pending = await openPendingSignup(c.var.db, token(c))
  return c.render(<FinishSignupPage token={token(c)} email={pending.email} organization={pending.organizationName} />, {
    title: 'Finish sign-up',
  })
})

onboardingRoutes.post('/verify-email/:token', async (c) => {
  const { timeZone } = await parseForm(c, browserTimeZoneSchema)
  const { userId, slug } = await completeSignup(c.env, c.var.db, token(c), Date.now(), timeZone)
  await signIn(c, userId)
  return c.redirect(`/o/${slug}/leads`, 303)
})

onboardingRoutes.get('/login', async (c) => {
  const next = safeNext(c.req.query('next'))
  if (c.var.user) {
    const slug = await lastUsedOrgSlug(c.var.db, c.var.user.id)
    if (slug) return c.redirect(next ?? `/o/${slug}/leads`, 303)
  }
  return c.render(<LoginPage values={next ? { next } : {}} />, { title: 'Log in', chrome: 'anonymous' })
})

/** The log-in form again, with the address (never the password) and the refusal's messages. */
const logInAgain: RefusalPage = (c, refusal, values) => {
  c.status(refusal.status)
  return c.render(
    <LoginPage
      values={{ email: values.email ?? '', next: values.next ?? '' }}
      errors={refusal.errors}
      alert={refusal.field || Object.keys(refusal.errors).length > 0 ? undefined : refusal.message}
    />,
    { title: 'Log in', chrome: 'anonymous' },
  )
}

onboardingRoutes.post('/login', refusalPage(logInAgain), async (c) => {
  const { email, password, next } = await parseForm(c, loginSchema)
  const db = c.var.db
  const key = normalizeEmail(email)
  const until = await reserveAttempt(db, key)
  if (until) {
    const minutes = Math.ceil((until - Date.now()) / 60_000)
    c.header('Retry-After', String(Math.ceil((until - Date.now()) / 1000)))
    throw new Refusal(
      429,
      `Too many failed attempts for this email. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    )
  }
  const userId = await authenticate(db, email, password)
  if (!userId) throw new Refusal(401, 'That email and password do not match an account.')
  await clearFailures(db, key)
  await signIn(c, userId)
  const slug = await lastUsedOrgSlug(db, userId)
  return c.redirect(safeNext(next) ?? (slug ? `/o/${slug}/leads` : '/'), 303)
})

onboardingRoutes.post('/logout', async (c) => {
  await signOut(c)
  return c.redirect('/login', 303)
})
