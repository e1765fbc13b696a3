/** `POST /orgs`: a signed-in user creates another organization (they become its Owner). */
import { Hono } from 'hono'
import { z } from 'zod'
import type { App } from '../env'
import { validForm } from '../lib/validation'
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
    const slug = await createOrganization(c.var.db, c.var.user!.id, c.req.valid('form').organization)
    return c.redirect(`/o/${slug}/leads`, 303)
  },
)
