/**
 * The pool page: the leads waiting in the pool, oldest first with how long they have waited and their source,
 * each with a Claim button; the live region (`PoolLive`) is what the PoolRoom re-sends to every viewer when the
 * pool changes (an htmx out-of-band swap over the page's WebSocket).
 */
import { isManager } from '../access/viewer'
import { waited } from '../lib/waited'
import { useShell } from '../views/layout'
import { encodeHolders, SHOWN_HOLDERS } from '../leads/holders'
import type { PoolView } from './queries'
import { CannotClaimWhileAway } from '../orgs/away-views'

/** Id of the live region the PoolRoom's fragments replace. */
export const POOL_LIVE_ID = 'pool-live'

/**
 * The pool's live region: the table `#pool-list` (one row `data-lead-id` per lead, its Claim button inside) and
 * what is left out. Rendered without the request context, so the PoolRoom can render it too. `oob` marks it for
 * an htmx out-of-band swap.
 */
export function PoolLive({ slug, pool, now, oob }: { slug: string; pool: PoolView; now: number; oob?: boolean }) {
  const base = `/o/${slug}`
  const hidden = pool.total - pool.leads.length
  return (
    <div id={POOL_LIVE_ID} hx-swap-oob={oob ? 'outerHTML' : undefined}>
      <table id="pool-list" class="cards">
        <thead>
          <tr>
            <th>Name</th>
            <th>Company</th>
            <th>Source</th>
            <th>Waiting</th>
            <th>
              <span class="visually-hidden">Claim</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pool.leads.map((lead) => {
            const stale = pool.staleBefore !== null && lead.waitingSince < pool.staleBefore
            return (
              <tr data-lead-id={lead.id} data-stale={stale ? 'true' : undefined}>
                <td class="lead-name">
                  <a href={`${base}/leads/${lead.id}`}>{lead.name}</a>
                </td>
                <td data-label="Company">{lead.company}</td>
                <td data-label="Source">{lead.source || '—'}</td>
                {/* Under its "Waiting" label (header, or the card's label on a phone): "3 h", not "waiting 3 h". */}
                <td data-label="Waiting">
                  {waited(now - lead.waitingSince)}
                  {stale && <strong class="stale"> · stale</strong>}
                </td>
                <td class="row-action">
                  {/* From the pool: a refused claim is shown on the pool page, which stays open. */}
                  <form
                    method="post"
                    action={`${base}/leads/${lead.id}/claim?from=pool`}
                    hx-boost="true"
                    hx-disabled-elt="find button"
                  >
                    <button type="submit" aria-label={`Claim ${lead.name}`}>
                      Claim
                    </button>
                  </form>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {pool.total === 0 && <p class="empty">The pool is empty.</p>}
      {hidden > 0 && (
        <p>
          {hidden} more {hidden === 1 ? 'lead waits' : 'leads wait'} behind these; claim from the oldest first.
        </p>
      )}
    </div>
  )
}

/**
 * The pool page. `claimsLeft`: how many more leads the viewer may claim under the cap (null: no cap for them);
 * `away`: the viewer is away (until when, null: until back), so the Claim buttons give way to the reason;
 * `alert`: a refusal's message (a lost claim) shown above the list.
 */
export function PoolPage(props: {
  pool: PoolView
  now: number
  claimsLeft: number | null
  away: { until: number | null } | null
  alert?: string
}) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}`
  const manager = isManager(shell)
  return (
    <>
      <h1>Pool</h1>
      <p>
        Leads opened to the team, oldest first. Claim one to make it yours; the first claim wins.
        {manager && !shell.org.poolEnabled && (
          <>
            {' '}
            Agents cannot see the pool yet: turn it on in <a href={`${base}/settings`}>Settings</a>.
          </>
        )}
      </p>
      {props.away && <CannotClaimWhileAway until={props.away.until} slug={shell.org.slug} />}
      {props.claimsLeft !== null && !props.away && (
        <p data-claims-left={props.claimsLeft}>
          {props.claimsLeft === 0
            ? 'You hold as many leads claimed from the pool as allowed: release or close one to claim another.'
            : `You may claim ${props.claimsLeft} more ${props.claimsLeft === 1 ? 'lead' : 'leads'}.`}
        </p>
      )}
      {props.alert && (
        <div class="alert" role="alert" data-error-for="form">
          <p>{props.alert}</p>
          <p>The pool below is as it is now.</p>
        </div>
      )}
      {/* Away: the live region (the same for every viewer) keeps its Claim buttons, hidden here (app.css). */}
      <section
        ws-connect={`${base}/pool/live`}
        hx-ext="ws"
        aria-live="polite"
        class={props.away ? 'claims-off' : undefined}
      >
        <PoolLive slug={shell.org.slug} pool={props.pool} now={props.now} />
      </section>
    </>
  )
}

/** The live region as an htmx out-of-band fragment (HTML text), for the PoolRoom to send to the pool's viewers. */
export function poolLiveFragment(props: { slug: string; pool: PoolView; now: number }): string {
  const element: unknown = <PoolLive {...props} oob />
  if (element instanceof Promise) throw new Error('the pool fragment must render synchronously')
  return String(element) // a JSXNode: String() renders it
}

/**
 * The lead page's "Release to the pool" form (`POST .../release` with an optional `note` and the `holders` it was
 * shown with), for the lead's primary assignee, Owners and Admins while the lead has an assignee; `note`: a refused
 * release's note, shown again (the form open).
 */
export function ReleaseForm({ action, holders, note }: { action: string; holders: string[]; note?: string }) {
  return (
    <details class="release" open={note !== undefined}>
      <summary>Release to the pool</summary>
      <form method="post" action={action}>
        {/* Who held it when shown: a release after someone else's change is refused (leads/holders.ts). */}
        <input type="hidden" name={SHOWN_HOLDERS} value={encodeHolders(holders)} />
        <label class="field">
          <span>Note for the team (optional): why you are letting it go</span>
          <textarea name="note" rows={3} maxlength={2000}>
            {note ?? ''}
          </textarea>
        </label>
        <button type="submit" class="secondary">
          Release to the pool
        </button>
      </form>
    </details>
  )
}
