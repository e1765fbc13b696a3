/** The lead list page, or its results fragment for htmx, with the assignment choices managers get. */
import type { Context } from 'hono'
import { shellOf } from '../access/context'
import type { App } from '../env'
import { known, mapPlanned, readTogether } from '../db/reads'
import { activeOnly, planMembers, type Member } from '../orgs/members'
import { searchProblem } from './filters'
import { planAssigneeChoices } from './assignee-choices'
import { planCount, planRowsBefore, type LeadTotal } from './list-totals'
import { planPage, type LeadFilters, type LeadPage } from './list-query'
import { canAssign } from './policy'
import { AssigneeFilter } from './list-filters'
import type { KeptChoice } from './list-rows'
import { LeadListPage, LeadResults, type ListNotice } from './list-views'
import { agingOf } from './unassigned-age'

/**
 * The list page (or, for htmx, the results fragment) for the filters in the query; `notice` says
 * what a bulk action just did or why it was refused, and `kept` what was chosen in a refused bulk action
 * (ticked leads, member, note, status), shown again as it was. The status is the context's (a refused
 * bulk action sets it); a search text the text rules refuse (`searchProblem`) answers 422 with its
 * message and no rows.
 */
export async function listPage(c: Context<App>, filters: LeadFilters, notice?: ListNotice, kept?: KeptChoice) {
  const unit = c.var.unit
  const { viewer } = unit
  const org = c.var.orgContext.org
  const manager = canAssign(viewer)
  const fragment = c.req.header('HX-Request') === 'true' && c.req.header('HX-Target') === 'lead-results'
  const badSearch = searchProblem(filters)
  if (badSearch && !notice) {
    notice = { text: badSearch, kind: 'error' }
    c.status(422)
  }
  // The filter's counts are shown on the full page, and refreshed after a bulk action (notice).
  const withFilter = manager && (!fragment || Boolean(notice))
  const noCounts = (members: Member[]) => ({ members, counts: new Map<string, number>() })
  // The page's reads in one round trip to D1 (a search first reads its breadth: list-query.ts `planPage`).
  const [page, total, start, { members: everyone, counts }] = await readTogether(unit.db, [
    badSearch ? known<LeadPage>({ leads: [], nextCursor: null }) : await planPage(unit, filters),
    badSearch ? known<LeadTotal>({ count: 0, more: false }) : planCount(unit, filters),
    badSearch ? known<number | null>(0) : planRowsBefore(unit, filters),
    withFilter
      ? planAssigneeChoices(unit)
      : manager
        ? mapPlanned(planMembers(unit, { includeDeactivated: true }), noCounts)
        : known(noCounts([])),
  ])
  const assigning = manager ? { members: activeOnly(everyone), noteRequired: org.handoffNoteRequired } : undefined
  const results = { page, filters, total, start, assigning, notice, kept, aging: agingOf(c) }
  if (fragment) {
    return c.html(
      <>
        <LeadResults slug={org.slug} {...results} />
        {withFilter && <AssigneeFilter shell={shellOf(c)} filters={filters} members={everyone} counts={counts} oob />}
      </>,
    )
  }
  return c.render(<LeadListPage {...results} filterMembers={everyone} counts={counts} />, {
    title: 'Leads',
    liveList: 'list',
  })
}
