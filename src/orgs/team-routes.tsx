/** `/o/{slug}/team` (CONTRACT.md): members, invitations, role changes, deactivation. */
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { ROLES } from '../db/schema'
import type { App } from '../env'
import { formTokenOf, once } from '../db/idempotency'
import { Refusal } from '../lib/errors'
import { fieldErrors, formFields, type FormValues } from '../lib/validation'
import type { FieldErrors } from '../views/forms'
import { shellOf, viewerOf } from './context'
import { inviteMember, inviteSchema, pendingInvitations, revokeInvitation } from './invitations'
import { teamMembers } from './members'
import { changeRole, setMemberStatus } from './team'
import { TeamPage } from './team-views'

export const teamRoutes = new Hono<App>()

type PageState = {
  alert?: string
  notice?: string
  inviteValues?: FormValues
  inviteErrors?: FieldErrors
  status?: ContentfulStatusCode
}

async function teamPage(c: Context<App>, state: PageState = {}) {
  const viewer = viewerOf(c)
  const sort = c.req.query('sort') === 'open' ? 'open' : 'name'
  const manager = viewer.role !== 'agent'
  const [members, invitations] = await Promise.all([
    teamMembers(c.var.db, viewer.orgId, sort),
    manager ? pendingInvitations(c.var.db, viewer.orgId) : Promise.resolve([]),
  ])
  const { status = 200, ...rest } = state
  return c.html(
    <TeamPage
      {...shellOf(c)}
      members={members}
      invitations={invitations}
      sort={sort}
      me={viewer.userId}
      now={Date.now()}
      {...rest}
    />,
    status,
  )
}

/** Runs a team action; success redirects back (303) saying what was `done`, a refusal re-renders the page with the reason. */
async function teamAction(c: Context<App>, done: string, act: () => Promise<unknown>) {
  try {
    await act()
  } catch (error) {
    if (error instanceof Refusal && error.status !== 404)
      return teamPage(c, { alert: error.message, status: error.status })
    throw error
  }
  return c.redirect(`/o/${c.var.orgContext.org.slug}/team?done=${done}`, 303)
}

const DONE: Record<string, string> = {
  invited: 'Invitation sent. It is listed under Pending invitations until accepted.',
  role: 'Role changed.',
  deactivated: 'Member deactivated: they lose access at their next click. Their leads stay, flagged for reassignment.',
  reactivated: 'Member reactivated.',
  revoked: 'Invitation revoked: its link no longer works.',
}

teamRoutes.get('/', (c) => {
  const done = c.req.query('done') ?? ''
  return teamPage(c, Object.hasOwn(DONE, done) ? { notice: DONE[done] } : {})
})

// Reloading the page a refused form post left in the address bar lands back on the team page.
teamRoutes.get('/:userId/:action{role|deactivate|reactivate}', (c) =>
  c.redirect(`/o/${c.var.orgContext.org.slug}/team`, 303),
)

teamRoutes.post('/invitations', async (c) => {
  const parsed = inviteSchema.safeParse(await formFields(c))
  if (!parsed.success) {
    const values = await formFields(c)
    return teamPage(c, { inviteValues: values, inviteErrors: fieldErrors(parsed.error), status: 422 })
  }
  const done = `/o/${c.var.orgContext.org.slug}/team?done=invited`
  try {
    // The same form sent twice (one formToken) sends one invitation.
    const token = formTokenOf(await formFields(c), viewerOf(c).orgId)
    await once(c.var.db, token, async (remember) => {
      const context = {
        orgName: c.var.orgContext.org.name,
        inviterName: c.var.user!.name,
        appUrl: c.env.APP_URL,
        queue: c.env.EMAIL_QUEUE,
      }
      await inviteMember(c.var.db, viewerOf(c), parsed.data, context, Date.now(), remember(done))
      return done
    })
  } catch (error) {
    if (!(error instanceof Refusal) || error.status === 404) throw error
    if (error.status === 403) return teamPage(c, { alert: error.message, status: 403 })
    return teamPage(c, { inviteValues: parsed.data, inviteErrors: { email: error.message }, status: error.status })
  }
  return c.redirect(done, 303)
})

teamRoutes.post('/invitations/:id/revoke', (c) =>
  teamAction(c, 'revoked', () => revokeInvitation(c.var.db, viewerOf(c), c.req.param('id'))),
)

const roleSchema = z.object({ role: z.enum(ROLES, 'Choose a role') })

teamRoutes.post('/:userId/role', (c) =>
  teamAction(c, 'role', async () => {
    const parsed = roleSchema.safeParse(await formFields(c))
    if (!parsed.success) throw new Refusal(422, parsed.error.issues[0]!.message)
    await changeRole(c.var.db, viewerOf(c), c.req.param('userId'), parsed.data.role)
  }),
)

teamRoutes.post('/:userId/deactivate', (c) =>
  teamAction(c, 'deactivated', () => setMemberStatus(c.var.db, viewerOf(c), c.req.param('userId'), 'deactivated')),
)
teamRoutes.post('/:userId/reactivate', (c) =>
  teamAction(c, 'reactivated', () => setMemberStatus(c.var.db, viewerOf(c), c.req.param('userId'), 'active')),
)
