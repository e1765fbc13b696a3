/** `/signup`, `/login`, `/logout` (CONTRACT.md "Public"); the account routes are in account-routes.tsx. */
import { Hono, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { fieldErrors, formFields, validForm } from '../lib/validation'
import { createOrganization, lastUsedOrgSlug, organizationName } from '../orgs/organizations'
import { NewOrganizationPage } from '../orgs/views'
import { mailContext } from './account-routes'
import { CheckEmailPage } from './account-views'
import { authenticate, loginSchema, normalizeEmail, signupSchema } from './accounts'
import { clearFailures, reserveAttempt } from './login-throttle'
import { signIn, signOut } from './sessions'
import { requestSignup } from './signup-verification'
import { LoginPage, SignupPage } from './views'

export const authRoutes = new Hono<App>()

authRoutes.get('/signup', async (c) => {
  const user = c.var.user
  if (!user) return c.html(<SignupPage />)
  const member = Boolean(await lastUsedOrgSlug(c.var.db, user.id))
  return c.html(<NewOrganizationPage user={user} member={member} />)
})

/**
 * A signed-in person posting /signup gets the new organization at once (as `POST /orgs`): only the
 * `organization` field is read. Signed-out visitors go on to the sign-up form.
 */
const newOrganizationWhenSignedIn = (): MiddlewareHandler<App> => async (c, next) => {
  const user = c.var.user
  if (!user) return next()
  const fields = await formFields(c)
  const parsed = z.object({ organization: organizationName }).safeParse(fields)
  if (!parsed.success) {
    const values = { organization: fields.organization ?? '' }
    return c.html(<NewOrganizationPage user={user} values={values} errors={fieldErrors(parsed.error)} />, 422)
  }
  const slug = await createOrganization(c.var.db, user.id, parsed.data.organization)
  return c.redirect(`/o/${slug}/leads`, 303)
}

authRoutes.post(
  '/signup',
  newOrganizationWhenSignedIn(),
  validForm(signupSchema, (c, values, errors) => c.html(<SignupPage values={values} errors={errors} />, 422)),
  async (c) => {
    // The same answer for every address: the email says what happens next (signup-verification.ts).
    await requestSignup(c.var.db, c.req.valid('form'), mailContext(c))
    return c.html(<CheckEmailPage purpose="signup" />)
  },
)

/**
 * A path inside Leadpool to return to after log-in (`/o/...` or `/invite/...`, URL-safe characters
 * only, so never another site, a header break or a backslash trick), or null.
 */
export function safeNext(next: string | undefined): string | null {
  return next && next.length <= 500 && /^\/(o|invite)\/[A-Za-z0-9][A-Za-z0-9\-._~%/?=&+]*$/.test(next) ? next : null
}

authRoutes.get('/login', async (c) => {
  const next = safeNext(c.req.query('next'))
  if (c.var.user) {
    const slug = await lastUsedOrgSlug(c.var.db, c.var.user.id)
    if (slug) return c.redirect(next ?? `/o/${slug}/leads`, 303)
  }
  return c.html(<LoginPage values={next ? { next } : {}} />)
})

authRoutes.post(
  '/login',
  validForm(loginSchema, (c, values, errors) => c.html(<LoginPage values={values} errors={errors} />, 422)),
  async (c) => {
    const { email, password, next } = c.req.valid('form')
    const db = c.var.db
    const key = normalizeEmail(email)
    const values = { email, next: next ?? '' }
    const until = await reserveAttempt(db, key)
    if (until) {
      const minutes = Math.ceil((until - Date.now()) / 60_000)
      c.header('Retry-After', String(Math.ceil((until - Date.now()) / 1000)))
      const alert = `Too many failed attempts for this email. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
      return c.html(<LoginPage values={values} alert={alert} />, 429)
    }
    const userId = await authenticate(db, email, password)
    if (!userId) {
      return c.html(<LoginPage values={values} alert="That email and password do not match an account." />, 401)
    }
    await clearFailures(db, key)
    await signIn(c, userId)
    const slug = await lastUsedOrgSlug(db, userId)
    return c.redirect(safeNext(next) ?? (slug ? `/o/${slug}/leads` : '/'), 303)
  },
)

authRoutes.post('/logout', async (c) => {
  await signOut(c)
  return c.redirect('/login', 303)
})
