/**
 * The dashboard's filters, read from the URL (`period`, `source`, `member`; docs/ARCHITECTURE.md "Dashboard"). A
 * value that cannot be used is not an error page: the dashboard shows its default instead and says why.
 */
import { isId } from '../lib/ids'
import type { DashboardFilters } from './numbers'

/** The periods the dashboard offers, in days. */
export const PERIODS = [7, 30, 90] as const

/** The period shown when the URL names none. */
export const DEFAULT_PERIOD = 30

/** What the source filter sends for leads without a source (a lead whose source is typed as this text cannot be chosen alone). */
export const NO_SOURCE = '(none)'

/** A source as the dashboard names it: "(no source)" for the empty one. */
export const sourceName = (source: string) => (source === '' ? '(no source)' : source)

/** The filters to apply, and a sentence for each value of the URL that was not used. */
export type DashboardQuery = { filters: DashboardFilters; problems: string[] }

/**
 * The filters of the URL's `query`: `period` one of `PERIODS` (default 30), `source` a source as stored (`(none)`:
 * none; empty: all), `member` a user id (empty: the whole team; whether it is a member is checked by the route).
 */
export function dashboardQuery(query: Record<string, string | undefined>): DashboardQuery {
  const problems: string[] = []
  const period = query.period?.trim() ?? ''
  let days: number = DEFAULT_PERIOD
  if (period !== '') {
    const asked = Number(period)
    if ((PERIODS as readonly number[]).includes(asked)) days = asked
    else problems.push(`The period can be ${PERIODS.join(', ')} days; showing the last ${DEFAULT_PERIOD} days.`)
  }
  const sourceText = query.source?.trim() ?? ''
  let source: string | null = sourceText === '' ? null : sourceText === NO_SOURCE ? '' : sourceText
  if (source !== null && source.length > 100) {
    problems.push('A source is at most 100 characters; showing every source.')
    source = null
  }
  const memberText = query.member?.trim() ?? ''
  let member: string | null = memberText === '' ? null : memberText
  if (member !== null && !isId(member)) {
    problems.push('That member is not in this organization; showing the whole team.')
    member = null
  }
  return { filters: { days, source, member }, problems }
}
