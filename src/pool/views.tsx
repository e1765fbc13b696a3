/** The pool page: claimable leads, each with a Claim button (cards on narrow screens). */
import { isManager } from '../access/viewer'
import type { LeadPage } from '../leads/leads'
import { FormAlert } from '../views/forms'
import { Layout, useShell } from '../views/layout'
import { Time } from '../views/time'

export function PoolPage({ page, cursor, alert }: { page: LeadPage; cursor?: string; alert?: string }) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}`
  const manager = isManager(shell)
  return (
    <Layout title="Pool">
      <h1>Pool</h1>
      <FormAlert message={alert} />
      <p>
        Leads opened to the team. Claim one to make it yours; the first claim wins.
        {manager && !shell.org.poolEnabled && (
          <>
            {' '}
            Agents cannot see the pool yet: turn it on in <a href={`${base}/settings`}>Settings</a>.
          </>
        )}
      </p>
      <table id="pool-list" class="cards">
        <thead>
          <tr>
            <th>Name</th>
            <th>Company</th>
            <th>Source</th>
            <th>Created</th>
            <th>
              <span class="visually-hidden">Claim</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {page.leads.map((lead) => (
            <tr data-lead-id={lead.id}>
              <td class="lead-name">
                <a href={`${base}/leads/${lead.id}`}>{lead.name}</a>
              </td>
              <td data-label="Company">{lead.company}</td>
              <td data-label="Source">{lead.source}</td>
              <td data-label="Created">
                <Time at={lead.createdAt} day />
              </td>
              <td class="row-action">
                {/* From the pool: a refused claim shows the pool again, refreshed, with the reason. */}
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
          ))}
        </tbody>
      </table>
      {page.leads.length === 0 && <p class="empty">The pool is empty.</p>}
      <nav class="pager" aria-label="Pages">
        {cursor && <a href={`${base}/pool`}>← First page</a>}
        {page.nextCursor && (
          <a href={`${base}/pool?cursor=${page.nextCursor}`} rel="next">
            Next page →
          </a>
        )}
      </nav>
    </Layout>
  )
}
