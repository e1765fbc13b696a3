/**
 * The mapping step of an import (`GET /o/{slug}/leads/import/{jobId}` while the job is `mapping`): a
 * plain form, one row per column of the file with its header, three sample values and the field it
 * goes to; the columns not imported; how the status values map; where the new leads go.
 */
import type { ImportJob, LeadStatus, RoutingMode } from '../db/schema'
import { LEAD_STATUSES } from '../db/schema'
import type { Member } from '../orgs/members'
import { STATUS_LABELS } from '../views/labels'
import { useShell } from '../views/layout'
import { FIELD_LABELS, IMPORT_FIELDS } from './columns'
import type { ColumnMapping } from './parse'
import { mapStatus } from './status'

export type MappingPageProps = {
  job: ImportJob
  headers: string[]
  samples: string[][]
  mapping: ColumnMapping
  /** The mapping is the one the organization confirmed last time for these headers. */
  remembered: boolean
  /** Distinct values of the column mapped to status, with row counts. */
  statusValues: { value: string; count: number }[]
  /** Members the leads may be assigned to (empty for Agents, who cannot route). */
  members: Member[]
  /** How Settings route new leads; other than `unassigned`, the importer may choose it. */
  orgRouting: RoutingMode
  routing: { choice: string; assigneeId?: string; updateEmpty?: boolean }
  error?: { field: string; message: string }
}

function StatusChoice({ value, chosen }: { value: string; chosen?: LeadStatus }) {
  return (
    <>
      <input type="hidden" name="statusValue" value={value} />
      <select name="statusFor" aria-label={`Status for “${value}”`}>
        <option value="" selected={!chosen}>
          New (named in the report as not recognised)
        </option>
        {LEAD_STATUSES.map((s) => (
          <option value={s} selected={chosen === s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>
    </>
  )
}

export function ImportMappingPage(props: MappingPageProps) {
  const { job, headers, samples, mapping, remembered, statusValues, members, orgRouting, routing, error } = props
  const { org } = useShell()
  const action = `/o/${org.slug}/leads/import/${job.id}`
  const notImported = headers.filter((h, i) => h !== '' && !mapping.columns[i])
  const manager = members.length > 0
  return (
    <section class="card">
      <h1>Import of {job.fileName}: check the columns</h1>
      <p>
        Read as <strong data-encoding={job.encoding}>{job.encoding}</strong>. Nothing is saved until you press Import.{' '}
        {remembered && (
          <strong id="remembered-mapping">These choices are the ones made for a file with the same columns.</strong>
        )}
      </p>
      {error && (
        <p class="alert" role="alert" data-error-for={error.field}>
          {error.message}
        </p>
      )}
      <form method="post" action={action} id="import-mapping">
        <div class="table-scroll">
          <table id="mapping-columns" class="cards">
            <caption>Each column of the file and the Leadpool field it goes to</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Sample values</th>
                <th scope="col">Goes to</th>
              </tr>
            </thead>
            <tbody>
              {headers.map((header, i) => (
                <tr data-column={i} data-header={header}>
                  <th scope="row">{header || `(column ${i + 1}, no header)`}</th>
                  <td data-label="Sample values">
                    <ul class="samples">
                      {samples[i]!.map((s) => (
                        <li>{s}</li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Goes to">
                    <select name="column" aria-label={`Field for column “${header || i + 1}”`}>
                      <option value="" selected={!mapping.columns[i]}>
                        Don’t import
                      </option>
                      {IMPORT_FIELDS.map((f) => (
                        <option value={f} selected={mapping.columns[i] === f}>
                          {FIELD_LABELS[f]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {notImported.length > 0 && (
          <div class="notice">
            <p>Not imported (choose a field above to import them):</p>
            <ul id="not-imported">
              {notImported.map((h) => (
                <li data-not-imported={h}>{h}</li>
              ))}
            </ul>
          </div>
        )}
        {statusValues.length > 0 && (
          <table id="status-values" class="cards">
            <caption>How the status column’s values map</caption>
            <thead>
              <tr>
                <th scope="col">Value in the file</th>
                <th scope="col">Rows</th>
                <th scope="col">Leadpool status</th>
              </tr>
            </thead>
            <tbody>
              {statusValues.map(({ value, count }) => {
                const known = mapStatus(value)
                return (
                  <tr data-status-value={value}>
                    <td data-label="Value in the file">{value}</td>
                    <td data-label="Rows">{count}</td>
                    <td data-label="Leadpool status">
                      {known.known ? (
                        STATUS_LABELS[known.status]
                      ) : (
                        <StatusChoice value={value} chosen={mapping.statuses[value]} />
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
        {manager && (
          <fieldset>
            <legend>New leads go to</legend>
            <label class="check">
              <input type="radio" name="routing" value="unassigned" checked={routing.choice === 'unassigned'} />{' '}
              Unassigned (for triage)
            </label>
            <label class="check">
              <input type="radio" name="routing" value="pool" checked={routing.choice === 'pool'} /> The pool
            </label>
            <label class="check">
              <input type="radio" name="routing" value="member" checked={routing.choice === 'member'} /> Assigned to{' '}
              <select name="assigneeId" aria-label="Member to assign the new leads to">
                {members.map((m) => (
                  <option value={m.userId} selected={routing.assigneeId === m.userId}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
            {orgRouting !== 'unassigned' && (
              <label class="check">
                <input type="radio" name="routing" value="organization" checked={routing.choice === 'organization'} />{' '}
                As Settings route new leads ({orgRouting === 'pool' ? 'into the pool' : 'round-robin'})
              </label>
            )}
          </fieldset>
        )}
        <label class="check">
          <input type="checkbox" name="updateEmpty" value="1" checked={routing.updateEmpty} /> Update existing leads
          from the file: fill their empty phone, company and source (nothing is overwritten)
        </label>
        <p>
          <button type="submit">Import</button> <a href={`/o/${org.slug}/leads/import`}>Choose another file</a>
        </p>
      </form>
    </section>
  )
}
