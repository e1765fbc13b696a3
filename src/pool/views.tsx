/** The pool page: claimable leads, each with a Claim button. */
import { isManager } from '../access/viewer'
import type { LeadPage } from '../leads/leads'
import { Layout, useShell } from '../views/layout'
import { Time } from '../views/time'

export function PoolPage({ page, cursor }: { page: LeadPage; cursor?: string }) {
  const shell = useShell()
  const base = `/o/${shell.org.slug}`
  const manager = isManager(shell)
  return (
    <Layout title="Pool">
      <h1>Pool</h1>
      <p>
        Leads opened to the team. Claim one to make it yours; the first claim wins.
        {manager && !shell.org.poolEnabled && (
          <>
            {' '}
            Agents cannot see the pool yet: turn it on in <a href={`${base}/settings`}>Settings</a>.
          </>
        )}
      </p>
      <table id="pool-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Company</th>
            <th>Source</th>
            <th>Created</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {page.leads.map((lead) => (
            <tr data-lead-id={lead.id}>
              <td>
                <a href={`${base}/leads/${lead.id}`}>{lead.name}</a>
              </td>
              <td>{lead.company}</td>
              <td>{lead.source}</td>
              <td>
                <Time at={lead.createdAt} />
              </td>
              <td>
                <form method="post" action={`${base}/leads/${lead.id}/claim`}>
                  <button type="submit">Claim</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.leads.length === 0 && <p class="empty">The pool is empty.</p>}
      <nav class="pager">
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
