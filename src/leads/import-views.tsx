/** Import pages: the upload form with recent imports, and a job's progress and report. */
import type { ImportJob } from '../db/schema'
import { isAgent } from '../access/viewer'
import { Layout, useShell } from '../views/layout'
import { Time } from '../views/time'
import { FormTokenField } from '../views/form-token'

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export function ImportPage({ jobs, error }: { jobs: ImportJob[]; error?: string }) {
  const shell = useShell()
  const { org } = shell
  const base = `/o/${org.slug}/leads/import`
  return (
    <Layout title="Import leads">
      <section class="card narrow">
        <h1>Import leads from CSV</h1>
        <p>
          Exports from Salesforce, HubSpot, Pipedrive or a spreadsheet work as they are. Columns are recognised by their
          header: Name (or First Name and Last Name), Email, Phone, Company, Lead Status, Lead Source. Rows whose email
          already belongs to a lead are skipped.
        </p>
        <p class="notice notice-info" data-import-destination>
          {isAgent(shell)
            ? 'Where they go: leads you import start unassigned, with you as their creator. You can see them in your list; an Owner or Admin assigns them to someone (or puts them in the pool).'
            : 'Where they go: imported leads start unassigned, for triage in the lead list (filter "Unassigned"), where you can assign them or put them in the pool.'}
        </p>
        <form method="post" action={base} enctype="multipart/form-data">
          <FormTokenField />
          <label class="field">
            <span>CSV file</span>
            <input type="file" name="file" accept=".csv,text/csv" required />
            {error && (
              <p class="error" data-error-for="file">
                {error}
              </p>
            )}
          </label>
          <button type="submit">Import</button>
        </form>
      </section>
      {jobs.length > 0 && (
        <section class="card">
          <h2>Recent imports</h2>
          <table id="import-list">
            <thead>
              <tr>
                <th>File</th>
                <th>Started</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr>
                  <td>
                    <a href={`${base}/${job.id}`}>{job.fileName}</a>
                  </td>
                  <td>
                    <Time at={job.createdAt} />
                  </td>
                  <td>
                    {job.status === 'done' ? summary(job) : `In progress (${job.processedRows}/${job.totalRows})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  )
}

/** "60 created, 0 duplicates skipped, 1 rejected" */
export function summary(job: ImportJob): string {
  const duplicates = job.duplicateCount + job.report.duplicatesInFile
  return `${job.createdCount} created, ${plural(duplicates, 'duplicate')} skipped, ${job.report.rejected.length} rejected`
}

/** Progress bar while the job runs (polling itself with htmx every second), then the report. */
export function ImportProgress({ slug, job }: { slug: string; job: ImportJob }) {
  const url = `/o/${slug}/leads/import/${job.id}`
  if (job.status === 'processing') {
    return (
      <div id="import-status" hx-get={url} hx-trigger="every 1s" hx-swap="outerHTML" data-status="processing">
        <p>
          Importing… {job.processedRows} of {job.totalRows} rows processed.
        </p>
        <progress max={job.totalRows} value={job.processedRows}>
          {Math.round((100 * job.processedRows) / Math.max(1, job.totalRows))}%
        </progress>
        <noscript>
          <p>
            <a href={url}>Refresh</a> to see the progress.
          </p>
        </noscript>
      </div>
    )
  }
  const duplicates = job.duplicateCount + job.report.duplicatesInFile
  return (
    <div id="import-status" data-status="done">
      <p class="report-summary">
        <strong data-count="created">{job.createdCount}</strong> created,{' '}
        <strong data-count="duplicates">{duplicates}</strong> {duplicates === 1 ? 'duplicate' : 'duplicates'} skipped,{' '}
        <strong data-count="rejected">{job.report.rejected.length}</strong> rejected.
      </p>
      {duplicates > 0 && (
        <p>
          Duplicates are rows whose email already belongs to a lead
          {job.report.duplicatesInFile > 0 && ` (${job.report.duplicatesInFile} repeated an earlier row of this file)`}.
        </p>
      )}
      {job.report.unknownStatuses.length > 0 && (
        <div class="notice">
          <p>These status values were not recognised; rows with them are imported as New:</p>
          <ul>
            {job.report.unknownStatuses.map((u) => (
              <li>
                “{u.value}” ({plural(u.count, 'row')})
              </li>
            ))}
          </ul>
        </div>
      )}
      {job.report.rejected.length > 0 && (
        <table id="import-rejected">
          <caption>Rejected rows (row numbers as in a spreadsheet: the header is row 1)</caption>
          <thead>
            <tr>
              <th>Row</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {job.report.rejected.map((r) => (
              <tr data-row={r.row}>
                <td>{r.row}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={`/o/${slug}/leads`}>See the leads</a> · <a href={`/o/${slug}/leads/import`}>Import another file</a>
      </p>
    </div>
  )
}

export function ImportJobPage({ job }: { job: ImportJob }) {
  const { org } = useShell()
  return (
    <Layout title={`Import of ${job.fileName}`}>
      <section class="card">
        <h1>Import of {job.fileName}</h1>
        <ImportProgress slug={org.slug} job={job} />
      </section>
    </Layout>
  )
}
