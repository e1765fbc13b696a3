/** `POST /orgs`: a signed-in user creates another organization (they become its Owner). */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { formTokenOf, once } from '../db/idempotency'
import { formFields, validForm } from '../lib/validation'
import { createOrganization, organizationName } from './organizations'
import { NewOrganizationPage } from './views'

export const orgRoutes = new Hono<App>()

orgRoutes.post(
  '/orgs',
  async (c, next) => (c.var.user ? next() : c.redirect('/login', 303)),
  validForm(z.object({ organization: organizationName }), (c, values, errors) =>
    c.html(<NewOrganizationPage user={c.var.user!} values={values} errors={errors} />, 422),
  ),
  async (c) => {
    const userId = c.var.user!.id
    // The same form sent twice (one formToken) creates one organization; the repeat goes to it too.
    const token = formTokenOf(await formFields(c), `user:${userId}`)
    const path = (slug: string) => `/o/${slug}/leads`
    const location = await once(c.var.db, token, async (remember) =>
      path(
        await createOrganization(c.var.db, userId, c.req.valid('form').organization, Date.now(), (slug) =>
          remember(path(slug)),
        ),
      ),
    )
    return c.redirect(location, 303)
  },
)
