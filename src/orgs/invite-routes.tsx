/** `/invite/{token}` (CONTRACT.md): open an invitation link and join the organization. */
import { Hono, type Context } from 'hono'
import type { App } from '../env'
import { signIn } from '../auth/sessions'
import { Refusal } from '../lib/errors'
import { fieldErrors, formFields } from '../lib/validation'
import { renderError } from '../views/render-error'
import {
  acceptAsUser,
  acceptWithNewAccount,
  newAccountSchema,
  openInvitation,
  type OpenInvitation,
} from './invitations'
import { InvitePage } from './invite-views'

export const inviteRoutes = new Hono<App>()

/** The invitation behind the link, or the page explaining why the link no longer works. */
async function open(c: Context<App>): Promise<OpenInvitation | Response> {
  try {
    return await openInvitation(c.var.db, c.req.param('token') ?? '')
  } catch (error) {
    if (error instanceof Refusal) return renderError(c, error.status, error.message)
    throw error
  }
}

inviteRoutes.get('/:token', async (c) => {
  const found = await open(c)
  if (found instanceof Response) return found
  return c.html(<InvitePage open={found} token={c.req.param('token')} user={c.var.user} />)
})

inviteRoutes.post('/:token', async (c) => {
  const found = await open(c)
  if (found instanceof Response) return found
  const token = c.req.param('token')
  const user = c.var.user
  const slug = found.org.slug
  try {
    if (user) {
      await acceptAsUser(c.var.db, found, user)
    } else {
      const fields = await formFields(c)
      const parsed = newAccountSchema.safeParse(fields)
      if (!parsed.success) {
        return c.html(
          <InvitePage
            open={found}
            token={token}
            user={null}
            values={{ name: fields.name ?? '' }}
            errors={fieldErrors(parsed.error)}
          />,
          422,
        )
      }
      await signIn(c, await acceptWithNewAccount(c.var.db, found, parsed.data))
    }
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    return c.html(<InvitePage open={found} token={token} user={user} alert={error.message} />, error.status)
  }
  return c.redirect(`/o/${slug}/leads`, 303)
})
