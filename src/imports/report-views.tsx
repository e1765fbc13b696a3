/** An import job's page: its progress while it (or its undo) moves, then its report and the undo. */
import type { Child } from 'hono/jsx'
import type { ImportJob } from '../db/schema'
import { useShell } from '../views/layout'
import { Time } from '../views/time'
import { MAX_SENDS, stallOf } from './pending'

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** "60 created, 0 duplicates skipped, 1 rejected" */
export function summary(job: ImportJob): string {
  const duplicates = job.duplicateCount + job.report.duplicatesInFile
  return `${job.createdCount} created, ${plural(duplicates, 'duplicate')} skipped, ${job.report.rejected.length} rejected`
}

/** Duplicate rows shown in a report (the rest are counted). */
const SHOWN_DUPLICATES = 200

/** What the report shows beside the job: the leads duplicate rows match, whether the viewer may undo. */
export type ReportExtras = {
  /** Lead id by normalized email, for the duplicate rows' links. */
  duplicateLeads: Map<string, string>
  /** Why the viewer cannot undo the import now (null: they can). */
  undoProblem: string | null
  /** The time of the answer (epoch ms): a job that has not moved for a while is said to be stalled. */
  now: number
}

/** How often (ms) the page asks for a moving job's progress. */
const POLL_EVERY = '2s'

/** "within 7 minutes" until `at` (epoch ms) from `now`, at least one minute. */
const within = (at: number, now: number) => `within ${plural(Math.max(1, Math.ceil((at - now) / 60_000)), 'minute')}`

/**
 * A job that stopped moving at `since` (epoch ms): says so and when the sweep takes it up (by
 * `resumesBy`), with a link to look again (the page no longer polls).
 */
function Stalled({ url, since, resumesBy, now }: { url: string; since: number; resumesBy: number; now: number }) {
  return (
    <p class="notice notice-warning" role="status" data-stalled>
      Stalled: no progress since <Time at={since} />. It resumes by itself {within(resumesBy, now)}; nothing done so far
      is lost. <a href={url}>Check again</a>
    </p>
  )
}

/** A running job's line `children`, its progress bar (`done` of `of`), and without JavaScript a link to `url`. */
function Progress({ url, done, of, children }: { url: string; done: number; of: number; children: Child }) {
  return (
    <>
      <p>{children}</p>
      <progress max={of} value={done}>
        {Math.round((100 * done) / Math.max(1, of))}%
      </progress>
      <noscript>
        <p>
          <a href={url}>Refresh</a> to see the progress.
        </p>
      </noscript>
    </>
  )
}

/**
 * Progress bar while the job (or its undo) moves, polling itself with htmx every 2 s; "Stalled" and no
 * polling once it has not moved for a while (src/imports/pending.ts `stallOf`); then the report.
 */
export function ImportProgress({ slug, job, extras }: { slug: string; job: ImportJob; extras: ReportExtras }) {
  const url = `/o/${slug}/leads/import/${job.id}`
  const { stalled, resumesBy } = stallOf(job.updatedAt, extras.now)
  if (job.status !== 'done') {
    return (
      <div
        id="import-status"
        hx-get={stalled ? undefined : url}
        hx-trigger={stalled ? undefined : `every ${POLL_EVERY}`}
        hx-swap={stalled ? undefined : 'outerHTML'}
        data-status={stalled ? 'stalled' : 'processing'}
      >
        <Progress url={url} done={job.processedRows} of={job.totalRows}>
          {stalled ? 'Import stalled:' : 'Importing…'} {job.processedRows} of {job.totalRows} rows processed.
        </Progress>
        {stalled && <Stalled url={url} since={job.updatedAt} resumesBy={resumesBy} now={extras.now} />}
      </div>
    )
  }
  const duplicates = job.duplicateCount + job.report.duplicatesInFile
  const duplicateRows = (job.report.duplicateRows ?? []).slice().sort((a, b) => a.row - b.row)
  const cleaned = job.report.cleanedRows ?? 0
  const undoing = job.undoStatus === 'processing' && !stalled
  const notSaved = job.report.notSaved ?? 0
  return (
    <div
      id="import-status"
      data-status="done"
      hx-get={undoing ? url : undefined}
      hx-trigger={undoing ? `every ${POLL_EVERY}` : undefined}
      hx-swap={undoing ? 'outerHTML' : undefined}
    >
      {notSaved > 0 && (
        <p class="notice notice-error alert" role="alert" data-not-saved={notSaved}>
          {plural(notSaved, 'row was', 'rows were')} not saved: the server failed on them {MAX_SENDS} times. They are
          listed with the rejected rows below; import a file of them again later. Undo still undoes what this import
          saved.
        </p>
      )}
      <p>
        File read as <strong data-encoding={job.encoding}>{job.encoding}</strong>.
      </p>
      <p class="report-summary">
        <strong data-count="created">{job.createdCount}</strong> created,{' '}
        <strong data-count="duplicates">{duplicates}</strong> {duplicates === 1 ? 'duplicate' : 'duplicates'} skipped,{' '}
        <strong data-count="rejected">{job.report.rejected.length}</strong> rejected.
      </p>
      {cleaned > 0 && (
        <p data-cleaned-rows>
          {/* Counted when the file is read (src/imports/parse.ts), before duplicates of existing leads are skipped. */}
          <strong data-count="cleaned">{cleaned}</strong> {cleaned === 1 ? 'row' : 'rows'} of the file had line breaks
          or tabs in one-line fields (such as a company written on two lines): a lead saved from such a row has a space
          in their place.
        </p>
      )}
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
      {duplicateRows.length > 0 && (
        <table id="import-duplicates">
          <caption>
            Duplicate rows: their email already belongs to a lead
            {duplicateRows.length > SHOWN_DUPLICATES && ` (the first ${SHOWN_DUPLICATES} of ${duplicateRows.length})`}
          </caption>
          <thead>
            <tr>
              <th>Row</th>
              <th>Email</th>
              <th>Lead</th>
            </tr>
          </thead>
          <tbody>
            {duplicateRows.slice(0, SHOWN_DUPLICATES).map((d) => {
              const leadId = extras.duplicateLeads.get(d.email.trim().toLowerCase())
              return (
                <tr data-duplicate-row={d.row}>
                  <td>{d.row}</td>
                  <td>{d.email}</td>
                  <td>{leadId ? <a href={`/o/${slug}/leads/${leadId}`}>Existing lead</a> : '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
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
      <UndoSection url={url} job={job} problem={extras.undoProblem} now={extras.now} />
      <p>
        <a href={`/o/${slug}/leads`}>See the leads</a> · <a href={`/o/${slug}/leads/import`}>Import another file</a>
      </p>
    </div>
  )
}

/**
 * The undo: its button (for 7 days, to whoever may), its progress, "Stalled" or "Stopped" with a button
 * that resumes it, then how many leads were archived and kept.
 */
function UndoSection({ url, job, problem, now }: { url: string; job: ImportJob; problem: string | null; now: number }) {
  const resume = (label: string) =>
    !problem && (
      <form method="post" action={`${url}/undo`} id="undo-import">
        <button type="submit" class="secondary">
          {label}
        </button>
      </form>
    )
  if (job.undoStatus === 'processing' || job.undoStatus === 'stopped') {
    const { stalled, resumesBy } = stallOf(job.updatedAt, now)
    const stopped = job.undoStatus === 'stopped'
    return (
      <div id="undo-status" data-undo-status={stopped ? 'stopped' : stalled ? 'stalled' : 'processing'}>
        <Progress url={url} done={job.undoProcessed} of={job.createdCount}>
          {stopped ? 'Undo stopped:' : 'Undoing…'} {job.undoProcessed} of {job.createdCount} leads looked at,{' '}
          <strong data-count="archived">{job.undoArchived}</strong> archived so far.
        </Progress>
        {stopped ? (
          <p class="notice notice-error alert" role="alert">
            The rest failed {MAX_SENDS} times, so the undo stopped: {job.createdCount - job.undoProcessed} leads of this
            import are still in the list. Try again to undo them.
          </p>
        ) : (
          stalled && <Stalled url={url} since={job.updatedAt} resumesBy={resumesBy} now={now} />
        )}
        {(stopped || stalled) && resume(stopped ? 'Undo the rest' : 'Resume the undo now')}
      </div>
    )
  }
  if (job.undoStatus === 'done') {
    const kept = job.createdCount - job.undoArchived
    return (
      <div id="undo-status" data-undo-status="done" class="notice">
        <p>
          Undone: <strong data-count="archived">{job.undoArchived}</strong> {job.undoArchived === 1 ? 'lead' : 'leads'}{' '}
          archived, <strong data-count="kept">{kept}</strong> kept because someone worked {kept === 1 ? 'it' : 'them'}{' '}
          since the import.
        </p>
      </div>
    )
  }
  if (problem || job.createdCount === 0) return null
  return (
    <form method="post" action={`${url}/undo`} id="undo-import">
      <p>
        Wrong file? Undo archives the leads this import created that nobody has worked since (they can be restored);
        leads someone assigned, noted, called or changed are kept.
      </p>
      <button type="submit" class="secondary">
        Undo this import
      </button>
    </form>
  )
}

export function ImportJobPage({ job, extras }: { job: ImportJob; extras: ReportExtras }) {
  const { org } = useShell()
  return (
    <section class="card">
      <h1>Import of {job.fileName}</h1>
      <ImportProgress slug={org.slug} job={job} extras={extras} />
    </section>
  )
}
