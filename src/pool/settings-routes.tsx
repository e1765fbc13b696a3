/**
 * `/o/{slug}/settings/pool` (Owners and Admins): the claim cap, "show only the oldest N", the aging warnings and
 * the return of untouched leads, and the routing of new leads (unassigned, pool, or round-robin among chosen
 * members, in the order they are listed).
 */
import { Hono } from 'hono'
import { requireManager } from '../access/context'
import type { App, RefusalPage } from '../env'
import type { FormValues } from '../lib/validation'
import { assignableMembers } from '../orgs/members'
import { parseForm } from '../views/form-input'
import { refusalPage } from '../views/refusal-page'
import { PoolSettingsPage } from './settings-page'
import { poolSettingsSchema } from './settings-schema'
import { rotationIds, savePoolSettings } from './settings-store'

export const poolSettingsRoutes = new Hono<App>()

poolSettingsRoutes.get('/', async (c) => {
  requireManager(c, 'change settings')
  const org = c.var.orgContext.org
  const [members, chosen] = await Promise.all([
    assignableMembers(c.var.unit, { includeDeactivated: true }),
    rotationIds(c.var.unit),
  ])
  const values = {
    poolClaimCap: String(org.poolClaimCap),
    poolShowOldest: String(org.poolShowOldest),
    poolStaleHours: String(org.poolStaleHours),
    poolReturnDays: String(org.poolReturnDays),
    unassignedWarnHours: String(org.unassignedWarnHours),
    routing: org.routing,
  }
  return c.render(
    <PoolSettingsPage
      values={values}
      chosen={new Set(chosen)}
      members={members}
      saved={c.req.query('saved') === '1'}
    />,
    { title: 'Pool and routing settings' },
  )
})

/** The pool settings form again, as sent, with the refusal's messages (to Owners and Admins only). */
const poolSettingsAgain: RefusalPage = async (c, refusal, values: FormValues) => {
  requireManager(c, 'change settings')
  // The members ticked for the rotation, as sent (a box is a repeated field the values keep only once).
  const body: Record<string, unknown> = await c.req.parseBody({ all: true }).catch(() => ({}))
  const sent = [body.routingMemberIds].flat().filter((v): v is string => typeof v === 'string')
  const members = await assignableMembers(c.var.unit, { includeDeactivated: true })
  c.status(refusal.status)
  return c.render(
    <PoolSettingsPage values={values} chosen={new Set(sent)} members={members} errors={refusal.errors} />,
    { title: 'Pool and routing settings' },
  )
}

poolSettingsRoutes.post('/', refusalPage(poolSettingsAgain), async (c) => {
  requireManager(c, 'change settings')
  await savePoolSettings(c.var.unit, await parseForm(c, poolSettingsSchema))
  return c.redirect(`/o/${c.var.unit.org.slug}/settings/pool?saved=1`, 303)
})
