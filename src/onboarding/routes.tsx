/** `/signup`, `/login`, `/logout` (docs/ARCHITECTURE.md, "The URL and HTML-hook contract"): above auth and orgs, since they land in an organization. */
import { Hono } from 'hono'
import { authenticate, loginSchema, normalizeEmail } from '../auth/accounts'
import { clearFailures, reserveAttempt } from '../auth/login-throttle'
import { safeNext } from '../auth/safe-next'
import { signIn, signOut } from '../auth/sessions'
import { LoginPage, SignupPage } from '../auth/views'
import type { App } from '../env'
import { Refusal } from '../lib/errors'
import { lastUsedOrgSlug } from '../orgs/organizations'
import { NewOrganizationPage } from '../orgs/views'
import { parseForm } from '../views/form-input'
import { onRefusal } from '../views/render-error'
import { signUp, signupSchema } from './signup'

export const onboardingRoutes = new Hono<App>()

onboardingRoutes.get('/signup', async (c) => {
  const user = c.var.user
  if (!user) return c.render(<SignupPage />)
  const member = Boolean(await lastUsedOrgSlug(c.var.db, user.id))
  return c.render(<NewOrganizationPage user={user} member={member} />)
})

onboardingRoutes.post('/signup', async (c) => {
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    return c.render(<SignupPage values={values} errors={refusal.errors} />)
  })
  const { userId, slug } = await signUp(c.var.db, await parseForm(c, signupSchema))
  await signIn(c, userId)
  return c.redirect(`/o/${slug}/leads`, 303)
})

onboardingRoutes.get('/login', async (c) => {
  const next = safeNext(c.req.query('next'))
  if (c.var.user) {
    const slug = await lastUsedOrgSlug(c.var.db, c.var.user.id)
    if (slug) return c.redirect(next ?? `/o/${slug}/leads`, 303)
  }
  return c.render(<LoginPage values={next ? { next } : {}} />)
})

onboardingRoutes.post('/login', async (c) => {
  onRefusal(c, (refusal, values) => {
    c.status(refusal.status)
    return c.render(
      <LoginPage
        values={{ email: values.email ?? '', next: values.next ?? '' }}
        errors={refusal.errors}
        alert={refusal.field || Object.keys(refusal.errors).length > 0 ? undefined : refusal.message}
      />,
    )
  })
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
