/** The import page: the upload form with the recent imports (a job's progress and report: src/imports/report-views.tsx). */
import type { ImportJob } from '../db/schema'
import { isAgent } from '../access/viewer'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import { FormTokenField } from '../views/form-token'
import { summary } from './report-views'

export function ImportPage({ jobs, error }: { jobs: ImportJob[]; error?: string }) {
  const shell = useShell()
  const { org } = shell
  const base = `/o/${org.slug}/leads/import`
  return (
    <>
      <section class="card narrow">
        <h1>Import leads from CSV</h1>
        <p>
          Exports from Salesforce, HubSpot, Pipedrive or a spreadsheet work as they are (UTF-8, UTF-16 or Windows CSV).
          Next you check which field each column goes to: Name (or First Name and Last Name), Email, Phone, Company,
          Status, Source; nothing is saved before that. Rows whose email already belongs to a lead are skipped and
          listed.
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
          {/* A card per import on a phone (public/app.css `table.cards`): the Result sentence would widen the page. */}
          <table id="import-list" class="cards">
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
                  <td data-label="Started">
                    <Time at={job.createdAt} />
                  </td>
                  <td data-label="Result">
                    {job.status === 'done'
                      ? summary(job)
                      : job.status === 'mapping'
                        ? 'Waiting for the columns to be checked'
                        : `In progress (${job.processedRows}/${job.totalRows})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
