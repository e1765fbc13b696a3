/**
 * `GET /o/{slug}/leads/rows`: the rows a live lead list refetches after its organization's room named changed leads
 * (docs/ARCHITECTURE.md "Live lists"; the page's side is public/live-lists.js). Rendered for the viewer under the
 * list's own filters and sort (the list's query string), as the list renders them (`LeadResults`), with what the page
 * does with each: update a row it shows, add a new row that sorts onto its page (after which row), or mark a row it
 * shows that no longer matches; and the list's total (the page's range, "1–50", stays as it was).
 */
import type { Context } from 'hono'
import type { App } from '../env'
import { isId } from '../lib/ids'
import { assignableMembers } from '../orgs/members'
import { filtersSchema, searchProblem } from './filters'
import { countLeads } from './list-totals'
import { listLeads, listRowsById, type LeadRow } from './list-query'
import { matchExpression } from './search'
import { canAssign } from './policy'
import { LeadResults } from './list-views'
import { MAX_NAMED_LEADS } from './live-lists'
import { agingOf } from './unassigned-age'

/** The ids of query parameter `value` (comma-separated), malformed ones dropped, at most MAX_NAMED_LEADS. */
function idsOf(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(',').filter(isId))].slice(0, MAX_NAMED_LEADS)
}

/**
 * What a live list does with the leads named: `changed` (the room's ids), `shown` (the rows on the page) and
 * `catchUp` (the page reconnected or was told to recheck: every row of its page it lacks is new). A search is not
 * live beyond its shown rows: it gets no new rows.
 */
export async function liveRows(c: Context<App>) {
  const unit = c.var.unit
  const query = c.req.query()
  const filters = filtersSchema.parse(query)
  const changed = idsOf(query.ids)
  const shown = idsOf(query.shown)
  const catchUp = query.catchup === '1'
  if (searchProblem(filters)) return c.html(<div id="live-rows" hidden />)
  const searching = Boolean(filters.q && matchExpression(filters.q))
  const onPage = new Set(shown)
  const check = catchUp ? shown : shown.filter((id) => changed.includes(id))
  // The page is read only when a lead it does not show may have joined it.
  const mayJoin = !searching && (catchUp || changed.some((id) => !onPage.has(id)))
  const [matching, page, total, members] = await Promise.all([
    listRowsById(unit, filters, check),
    mayJoin ? listLeads(unit, filters) : Promise.resolve(null),
    countLeads(unit, filters),
    canAssign(unit.viewer) ? assignableMembers(unit) : Promise.resolve(null),
  ])
  const matched = new Set(matching.map((r) => r.id))
  const fresh: { lead: LeadRow; after: string }[] = []
  page?.leads.forEach((lead, i) => {
    if (!onPage.has(lead.id) && (catchUp || changed.includes(lead.id)))
      fresh.push({ lead, after: page.leads[i - 1]?.id ?? '' })
  })
  const org = c.var.orgContext.org
  const assigning = members ? { members, noteRequired: org.handoffNoteRequired } : undefined
  return c.html(
    <div id="live-rows" hidden>
      <LeadResults
        slug={org.slug}
        page={{ leads: [...matching, ...fresh.map((f) => f.lead)], nextCursor: null }}
        filters={filters}
        total={total}
        start={0}
        assigning={assigning}
        aging={agingOf(c)}
      />
      <ul>
        {fresh.map((f) => (
          <li data-new={f.lead.id} data-after={f.after} />
        ))}
        {check
          .filter((id) => !matched.has(id))
          .map((id) => (
            <li data-gone={id} />
          ))}
      </ul>
    </div>,
  )
}
