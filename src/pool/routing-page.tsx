/**
 * `/o/{slug}/routing` (Owners and Admins; Agents 403): the fairness balance per member over the last 7, 30 or 90
 * days (`?days=`), from the routing ledger (pool/routing-balance.ts), with links to the routing rules and to the
 * routing settings.
 */
import { Hono } from 'hono'
import { requireManager } from '../access/context'
import type { App } from '../env'
import { useShell } from '../views/layout'
import { PERIODS, routingBalance, SKIP_REASONS, type MemberBalance, type Period } from './routing-balance'

export const routingPageRoutes = new Hono<App>()

const SKIP_LABELS: Record<(typeof SKIP_REASONS)[number], string> = {
  away: 'Away',
  at_cap: 'At cap',
  outside_hours: 'Outside hours',
  deactivated: 'Deactivated',
}

/** A fraction of a lead to one decimal, with its sign when asked: "2.7", "+0.3", "−1.5". */
function leads(n: number, signed = false): string {
  const rounded = Math.round(n * 10) / 10
  const text = Math.abs(rounded).toFixed(1)
  if (!signed || rounded === 0) return text
  return rounded > 0 ? `+${text}` : `−${text}`
}

function RoutingPage({ members, days }: { members: MemberBalance[]; days: Period }) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}`
  return (
    <>
      <h1>Routing</h1>
      <p>
        How new leads were spread over the last {days} days: each member's leads routed, by a rule or by the fallback,
        against their expected share, and how often routing passed them over. See also{' '}
        <a href={`${base}/routing/rules`}>Routing rules</a> and{' '}
        <a href={`${base}/settings/pool`}>Settings → Pool and routing</a>.
      </p>
      <p class="muted">
        A lead's expected share is each member's weight over the weights of all who could take it in the rotation that
        decided (the organization's or the rule's); a lead a rule gives to one member is expected of them whole.
      </p>
      <nav aria-label="Period" class="periods">
        {PERIODS.map((p) => (
          <a href={`${base}/routing?days=${p}`} aria-current={p === days ? 'page' : undefined}>
            {p} days
          </a>
        ))}
      </nav>
      {members.length === 0 ? (
        <p class="muted">Nobody is in the rotation and nothing was routed in this period.</p>
      ) : (
        <table id="routing-balance" class="cards">
          <caption class="visually-hidden">Routing balance per member, last {days} days</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Leads routed</th>
              <th scope="col">Weight</th>
              <th scope="col">Expected share</th>
              <th scope="col">Difference</th>
              {SKIP_REASONS.map((why) => (
                <th scope="col">Skipped: {SKIP_LABELS[why].toLowerCase()}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr data-member-id={m.userId}>
                <td class="lead-name">
                  {m.name}
                  {!m.inRotation && <span class="muted"> (in no rotation or rule now)</span>}
                </td>
                <td data-label="Leads routed" data-routed>
                  {m.routed}
                </td>
                <td data-label="Weight" data-weight>
                  {m.weight}
                </td>
                <td data-label="Expected share" data-expected>
                  {leads(m.expected)}
                </td>
                <td data-label="Difference" data-difference>
                  {leads(m.routed - m.expected, true)}
                </td>
                {SKIP_REASONS.map((why) => (
                  <td data-label={`Skipped: ${SKIP_LABELS[why].toLowerCase()}`} data-skipped={why}>
                    {m.skipped[why]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

/** `?days=7|30|90`; anything else shows 30 days. */
function periodOf(days: string | undefined): Period {
  return PERIODS.find((p) => String(p) === days) ?? 30
}

routingPageRoutes.get('/', async (c) => {
  requireManager(c, 'see how leads were routed')
  const days = periodOf(c.req.query('days'))
  const members = await routingBalance(c.var.unit, { days })
  return c.render(<RoutingPage members={members} days={days} />, { title: 'Routing' })
})
