/**
 * `/o/{slug}/team` (docs/ARCHITECTURE.md): members, invitations, role changes, deactivation. A page
 * above orgs and leads: each member's open-lead count covers only the leads the viewer may see
 * (the lead policy's `visibleLeads`).
 */
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { ROLES } from '../db/schema'
import type { App, RefusalPage } from '../env'
import { formTokenField, formTokenOf, once } from '../db/idempotency'
import type { FormValues } from '../lib/validation'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import type { FieldErrors } from '../views/forms'
import { requireManager } from '../access/context'
import { isManager } from '../access/viewer'
import { visibleLeads } from '../leads/policy'
import { archiveScope } from '../leads/archive-scope'
import { and } from 'drizzle-orm'
import { inviteMember, inviteSchema, pendingInvitations, revokeInvitation } from '../orgs/invitations'
import { teamMembers } from '../orgs/members'
import { changeRole, managedMember, setMemberStatus } from '../orgs/team'
import { TeamPage } from '../orgs/team-views'
import { firstTouchTimes } from '../orgs/first-touch-times'
import { businessHoursOf } from '../lib/business-time'
import { deliveryProblems } from '../email/delivery-problems'
import { awayFormSchema, awayMembers, markAway, markBack, mayMarkAway } from '../orgs/away'
import { MAX_ROUTING_CAP, MAX_WEIGHT, setRoutingCapacity } from '../orgs/routing-capacity'
import { setWorkingHours, workingHoursSchema } from '../orgs/working-hours'
import { viewerTimeZone } from '../access/context'

export const teamRoutes = new Hono<App>()

type PageState = {
  alert?: string
  notice?: string
  inviteValues?: FormValues
  inviteErrors?: FieldErrors
  refusedRouting?: { userId: string; values: FormValues; days?: string[]; errors: FieldErrors }
  status?: ContentfulStatusCode
}

async function teamPage(c: Context<App>, state: PageState = {}) {
  const unit = c.var.unit
  const { db, viewer } = unit
  const sort = c.req.query('sort') === 'open' ? 'open' : 'name'
  const manager = isManager(viewer)
  const [members, invitations, away] = await Promise.all([
    teamMembers(unit, and(visibleLeads(db, viewer), archiveScope())!, sort),
    manager ? pendingInvitations(unit) : Promise.resolve([]),
    awayMembers(db, unit.org.id, unit.now),
  ])
  const [problems, firstTouch] = manager
    ? await Promise.all([
        deliveryProblems(
          db,
          unit.org.id,
          members.map((m) => m.email),
        ),
        firstTouchTimes(unit, { hours: businessHoursOf(c.var.orgContext.org) }),
      ])
    : []
  const { status = 200, ...rest } = state
  c.status(status)
  return c.render(
    <TeamPage
      members={members}
      invitations={invitations}
      sort={sort}
      me={viewer.userId}
      now={unit.now}
      deliveryProblems={problems}
      away={away}
      timeZone={viewerTimeZone(c)}
      firstTouch={firstTouch}
      {...rest}
    />,
    { title: 'Team', liveList: 'team' },
  )
}

/** The team page again after a refused action (other than 404), with the reason as its alert. */
const teamPageAgain: RefusalPage = (c, refusal) => teamPage(c, { alert: refusal.message, status: refusal.status })

/**
 * The page of a refused invitation: a refusal about the address shows on the invite form, with what was typed;
 * any other as the page's alert.
 */
const invitationRefused: RefusalPage = (c, refusal, values) =>
  Object.keys(refusal.errors).length > 0
    ? teamPage(c, { inviteValues: values, inviteErrors: refusal.errors, status: refusal.status })
    : teamPageAgain(c, refusal, values)

/**
 * Runs a team action; success redirects back (303) saying what was `done`, or `unchanged` when the action says it
 * changed nothing (returns false). A refusal: `teamPageAgain`.
 */
async function teamAction(c: Context<App>, done: string, act: () => Promise<unknown>) {
  const changed = await act()
  return c.redirect(`/o/${c.var.orgContext.org.slug}/team?done=${changed === false ? 'unchanged' : done}`, 303)
}

const DONE: Record<string, string> = {
  invited: 'Invitation sent. It is listed under Pending invitations until accepted.',
  role: 'Role changed.',
  unchanged: 'Nothing changed: the member already had that role.',
  deactivated: 'Member deactivated: they lose access at their next click. Their leads stay, flagged for reassignment.',
  reactivated: 'Member reactivated.',
  revoked: 'Invitation revoked: its link no longer works.',
  routing: 'Routing weight and cap saved.',
  away: 'Marked away: routing skips them and they cannot claim from the pool until they are back.',
  back: 'Marked back: routing gives them their share again from now on.',
  hours: 'Working hours saved: outside them routing gives their share to the others.',
}

teamRoutes.get('/', (c) => {
  const done = c.req.query('done') ?? ''
  return teamPage(c, Object.hasOwn(DONE, done) ? { notice: DONE[done] } : {})
})

// Reloading the page a refused form post left in the address bar lands back on the team page.
teamRoutes.get('/:userId/:action{role|deactivate|reactivate|routing|away|back|hours}', (c) =>
  c.redirect(`/o/${c.var.orgContext.org.slug}/team`, 303),
)
teamRoutes.get('/invitations', (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/team`, 303))
teamRoutes.get('/invitations/:id/revoke', (c) => c.redirect(`/o/${c.var.orgContext.org.slug}/team`, 303))

/** The invite form: the invitation and its one-time token. */
const inviteFormSchema = inviteSchema.extend({ formToken: formTokenField })

teamRoutes.post('/invitations', refusalPage(invitationRefused), async (c) => {
  // Authorization before validation: an Agent gets 403 whatever the form holds.
  requireManager(c, 'invite people')
  const { formToken, ...input } = await parseForm(c, inviteFormSchema)
  const unit = c.var.unit
  // The same form sent twice (one formToken) sends one invitation.
  const done = `/o/${unit.org.slug}/team?done=invited`
  await once(unit.db, formTokenOf({ formToken }, unit.org.id), async (remember) => {
    await inviteMember(unit, input, { also: remember(done) })
    return done
  })
  return c.redirect(done, 303)
})

teamRoutes.post('/invitations/:id/revoke', refusalPage(teamPageAgain), (c) =>
  teamAction(c, 'revoked', () => revokeInvitation(c.var.unit, c.req.param('id'))),
)

const roleSchema = z.object({ role: z.enum(ROLES, 'Choose a role') })

teamRoutes.post('/:userId/role', refusalPage(teamPageAgain), (c) =>
  teamAction(c, 'role', async () => {
    // Authorization before validation: 403 / 404 whatever the form holds.
    await managedMember(c.var.unit, c.req.param('userId'))
    const { role } = await parseForm(c, roleSchema)
    return changeRole(c.var.unit, c.req.param('userId'), role)
  }),
)

teamRoutes.post('/:userId/deactivate', refusalPage(teamPageAgain), (c) =>
  teamAction(c, 'deactivated', () => setMemberStatus(c.var.unit, c.req.param('userId'), 'deactivated')),
)
teamRoutes.post('/:userId/reactivate', refusalPage(teamPageAgain), (c) =>
  teamAction(c, 'reactivated', () => setMemberStatus(c.var.unit, c.req.param('userId'), 'active')),
)

/** The page of a refused routing or away form: that member's fold open, with what was typed and why. */
const routingAgain: RefusalPage = (c, refusal, values) =>
  Object.keys(refusal.errors).length > 0
    ? teamPage(c, {
        refusedRouting: { userId: c.req.param('userId') ?? '', values, errors: refusal.errors },
        status: refusal.status,
      })
    : teamPageAgain(c, refusal, values)

const routingSchema = z.object({
  weight: z.coerce
    .number('Choose a weight from 1 to 5')
    .int('Choose a weight from 1 to 5')
    .min(1, 'Choose a weight from 1 to 5')
    .max(MAX_WEIGHT, 'Choose a weight from 1 to 5'),
  cap: z.coerce
    .number('Enter a whole number of leads, 0 for no cap')
    .int('Enter a whole number of leads, 0 for no cap')
    .min(0, 'Enter a whole number of leads, 0 for no cap')
    .max(MAX_ROUTING_CAP, `Enter at most ${MAX_ROUTING_CAP}`),
})

teamRoutes.post('/:userId/routing', refusalPage(routingAgain), (c) =>
  teamAction(c, 'routing', async () => {
    // Authorization before validation: 403 / 404 whatever the form holds.
    await managedMember(c.var.unit, c.req.param('userId'))
    const input = await parseForm(c, routingSchema)
    await setRoutingCapacity(c.var.unit, c.req.param('userId'), input)
  }),
)

teamRoutes.post('/:userId/away', refusalPage(routingAgain), (c) =>
  teamAction(c, 'away', async () => {
    await mayMarkAway(c.var.unit, c.req.param('userId'))
    const { until } = await parseForm(c, awayFormSchema(viewerTimeZone(c)))
    await markAway(c.var.unit, c.req.param('userId'), { until })
  }),
)

teamRoutes.post('/:userId/back', refusalPage(teamPageAgain), (c) =>
  teamAction(c, 'back', () => markBack(c.var.unit, c.req.param('userId')).then(() => true)),
)

/** The page of a refused working-hours form: that member's fold open, with what was typed (the days ticked) and why. */
const hoursAgain: RefusalPage = async (c, refusal, values) => {
  if (Object.keys(refusal.errors).length === 0) return teamPageAgain(c, refusal, values)
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const days = [body.workDays].flat().filter((v): v is string => typeof v === 'string')
  return teamPage(c, {
    refusedRouting: { userId: c.req.param('userId') ?? '', values, days, errors: refusal.errors },
    status: refusal.status,
  })
}

teamRoutes.post('/:userId/hours', refusalPage(hoursAgain), (c) =>
  teamAction(c, 'hours', async () => {
    // Authorization before validation: 403 / 404 whatever the form holds.
    await mayMarkAway(c.var.unit, c.req.param('userId'))
    await setWorkingHours(c.var.unit, c.req.param('userId'), await parseForm(c, workingHoursSchema))
  }),
)
