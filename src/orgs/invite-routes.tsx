/** `/invite/{token}` (docs/ARCHITECTURE.md): open an invitation link and join the organization. */
import { Hono, type Context } from 'hono'
import { signIn } from '../auth/sessions'
import type { App, RefusalPage } from '../env'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import {
  acceptAsUser,
  acceptWithNewAccount,
  newAccountSchema,
  openInvitation,
  type InvitationDatabases,
} from './invitations'
import { InvitePage } from './invite-views'

export const inviteRoutes = new Hono<App>()

/** The request's sessions of the directory and of any database (db/d1-session.ts), as an invitation needs them. */
const databasesOf = (c: Context<App>): InvitationDatabases => ({ env: c.env, directory: c.var.db, of: c.var.sessionOf })

// A link that no longer works (404, 410) answers the error page explaining why (app.ts onError).

inviteRoutes.get('/:token', async (c) => {
  const found = await openInvitation(databasesOf(c), c.req.param('token'))
  return c.render(<InvitePage open={found} token={c.req.param('token')} user={c.var.user} />, {
    title: `Join ${found.org.name}`,
  })
})

/** The invitation again, with the name typed and the refusal's messages, while its link works. */
const invitationAgain: RefusalPage = async (c, refusal, values) => {
  const token = c.req.param('token') ?? ''
  const found = await openInvitation(databasesOf(c), token)
  c.status(refusal.status)
  return c.render(
    <InvitePage
      open={found}
      token={token}
      user={c.var.user}
      values={{ name: values.name ?? '' }}
      errors={refusal.errors}
      alert={Object.keys(refusal.errors).length > 0 ? undefined : refusal.message}
    />,
    { title: `Join ${found.org.name}` },
  )
}

inviteRoutes.post('/:token', refusalPage(invitationAgain), async (c) => {
  const token = c.req.param('token')
  const found = await openInvitation(databasesOf(c), token)
  const user = c.var.user
  if (user) await acceptAsUser(databasesOf(c), found, user)
  else await signIn(c, await acceptWithNewAccount(databasesOf(c), found, await parseForm(c, newAccountSchema)))
  return c.redirect(`/o/${found.org.slug}/leads`, 303)
})
