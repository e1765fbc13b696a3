/**
 * `/o/{slug}/dashboard` (docs/ARCHITECTURE.md "Dashboard"): every member may open it; Owners and Admins see the whole
 * team or one member, Agents their own numbers (src/dashboard/numbers.ts `scopeOf`). Filters come from the URL.
 */
import { Hono } from 'hono'
import { viewerTimeZone } from '../access/context'
import { isManager } from '../access/viewer'
import type { App } from '../env'
import { dashboardQuery } from './filters'
import { dashboardNumbers } from './numbers'
import { DashboardPage } from './views'

export const dashboardRoutes = new Hono<App>()

dashboardRoutes.get('/', async (c) => {
  const unit = c.var.unit
  const manager = isManager(unit.viewer)
  const query = dashboardQuery(c.req.query())
  // Days are the viewer's own (their time zone, set on their account page).
  const options = { timeZone: viewerTimeZone(c) }
  let numbers = await dashboardNumbers(unit, query.filters, options)
  const { member } = query.filters
  if (manager && member !== null && !numbers.members.some((m) => m.userId === member)) {
    query.problems.push('That member is not in this organization; showing the whole team.')
    query.filters = { ...query.filters, member: null }
    numbers = await dashboardNumbers(unit, query.filters, options)
  }
  return c.render(
    <DashboardPage
      numbers={numbers}
      query={query}
      manager={manager}
      targetMinutes={c.var.orgContext.org.firstTouchTargetMinutes}
      now={unit.now}
    />,
    { title: 'Dashboard' },
  )
})
