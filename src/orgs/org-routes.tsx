/** `POST /orgs`: a signed-in user creates another organization (they become its Owner). */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App, RefusalPage } from '../env'
import { formTokenField, formTokenOf, once } from '../db/idempotency'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { createOrganization, mirroredUser, organizationName } from './organizations'
import { NewOrganizationPage } from './views'

export const orgRoutes = new Hono<App>()

const newOrganizationSchema = z.object({ organization: organizationName, formToken: formTokenField })

/** The new-organization form again, with the name typed and the refusal's messages (signed in only). */
const newOrganizationAgain: RefusalPage = (c, refusal, values) => {
  const user = c.var.user
  if (!user) throw refusal
  c.status(refusal.status)
  const alert = Object.keys(refusal.errors).length > 0 ? undefined : refusal.message
  return c.render(<NewOrganizationPage user={user} values={values} errors={refusal.errors} alert={alert} />, {
    title: 'New organization',
  })
}

orgRoutes.post('/orgs', refusalPage(newOrganizationAgain), async (c) => {
  const user = c.var.user
  if (!user) return c.redirect('/login', 303)
  const { organization, formToken } = await parseForm(c, newOrganizationSchema)
  // The same form sent twice (one formToken) creates one organization; the repeat goes to it too.
  const path = (slug: string) => `/o/${slug}/leads`
  const owner = await mirroredUser(c.var.db, user.id)
  const location = await once(c.var.db, formTokenOf({ formToken }, `user:${user.id}`), async (remember) =>
    path(
      await createOrganization(c.env, c.var.db, owner, organization, Date.now(), {
        also: (slug) => remember(path(slug)),
      }),
    ),
  )
  return c.redirect(location, 303)
})
