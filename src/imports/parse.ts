/**
 * Turns an uploaded CSV file into lead rows for the import, with papaparse.
 *
 * Accepts Salesforce exports (UTF-8 BOM, JSON in quoted cells, dozens of columns) and HubSpot /
 * Pipedrive style headers by alias ("First Name"/"Last Name", "Email", "Company Name", "Phone
 * Number", "Lead Status", …); CRLF or LF; quoted commas, quotes and newlines. Rows are validated
 * here (a line break in a one-line cell, as CRM exports hold in a Company, is folded into a space
 * and the row kept and counted as cleaned) and de-duplicated by email (case-insensitive) within the
 * file; de-duplication against leads already saved happens when rows are written (src/imports/writer.ts).
 *
 * Leadpool's own export reads back as it was written: its extra columns (Lead ID, Assigned to,
 * Created (UTC)) match no field and are ignored, and the formula guard it adds is removed
 * (`unguardCell`).
 */
import Papa from 'papaparse'
import type { ImportReportData } from '../db/schema'
import { Refusal } from '../lib/errors'
import { hasLineBreak } from '../lib/text'
import { emailKey, foldedLeadSchema, type LeadInput } from '../leads/fields'
import type { LeadStatus } from '../db/schema'
import { FIELD_LABELS, suggestColumns, type ColumnTarget, type ImportField } from './columns'
import { mapStatus } from './status'

/** A row ready to be written: the lead fields and its spreadsheet row number (header = row 1). */
export type ImportRow = LeadInput & { row: number }

export type ParsedImport = {
  rows: ImportRow[]
  report: ImportReportData
}

/** The file as a whole cannot be imported: a refusal on the form's `file` field saying why. */
function badFile(message: string): Refusal {
  return new Refusal(422, message, { field: 'file' })
}

/** Limits of one upload. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024
export const MAX_IMPORT_ROWS = 50_000

/** Duplicate rows named in a report (beyond them, only the count). */
export const MAX_REPORTED_DUPLICATES = 1_000

/**
 * A cell without the formula guard that Leadpool's export adds (export.ts `GUARDED_CELL`): one
 * leading `'` before optional further `'`s and one of `=`, `+`, `-`, `@`, tab, CR. Any other value,
 * e.g. `'Tis the season` or `'quoted'`, is returned unchanged.
 */
export function unguardCell(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value
}

/** Cells of a record as text; papaparse gives strings, anything else counts as empty. */
const cellText = (v: unknown): string => (typeof v === 'string' ? v : '')
const isBlank = (cells: unknown[]) => cells.every((v) => cellText(v).trim() === '')

/** A parsed record (its cells by column) with the quote problem papaparse found in it, if any. */
type CsvRecord = { cells: unknown[]; quoteError: string | null }

/** The file as columns and records: what the mapping step shows and the import reads. */
export type CsvTable = { headers: string[]; records: CsvRecord[]; delimiter: string }

/** Excel's first line `sep=;` (also quoted, or padded with delimiters as Excel re-saves it). */
const EXCEL_SEP_LINE = /^"?sep=([^\r\n"])"?[^\r\n]*(?:\r\n|\n|\r|$)/i

/**
 * The delimiter papaparse detects on the header line alone: tabs, commas or semicolons inside the
 * quoted cells of the rows (a company written over lines indented with tabs) must not outvote it.
 */
function headerDelimiter(text: string): string {
  return Papa.parse(/^[^\r\n]*/.exec(text)![0], { preview: 1 }).meta.delimiter
}

/**
 * Reads `text` into headers and records with papaparse: without a BOM; Excel's `sep=` first line sets
 * the delimiter and is not a header (otherwise it is detected on the header line).
 * @throws Refusal 422 on `file` when the header line holds a NUL (UTF-16 without a byte-order mark),
 *   or there is no header or no row
 */
export function readCsv(text: string): CsvTable {
  text = text.replace(/^\uFEFF/, '')
  // UTF-16 read as UTF-8 has a NUL after every ASCII letter of the header; a NUL inside a cell further
  // on is a cell's problem, not the file's.
  if (/^[^\r\n]*/.exec(text)![0].includes('\u0000')) {
    throw badFile('The file looks like UTF-16 or binary, not UTF-8 text. Export it as "CSV UTF-8" and try again.')
  }
  const sep = EXCEL_SEP_LINE.exec(text)
  if (sep) text = text.slice(sep[0].length)
  const records: CsvRecord[] = []
  let headers: string[] | null = null
  const delimiter = sep?.[1] ?? headerDelimiter(text)
  // Step by step, so each parse error is tied to the record it belongs to.
  Papa.parse<unknown[]>(text, {
    header: false,
    delimiter,
    // Blank lines are skipped below instead, so that row numbers stay those of the file.
    skipEmptyLines: false,
    step: (result) => {
      if (headers === null) {
        headers = result.data.map((h) => cellText(h).trim())
        return
      }
      const quote = result.errors.find((e) => e.type === 'Quotes')
      records.push({ cells: result.data, quoteError: quote ? quote.code : null })
    },
  })
  const named = (headers ?? ([] as string[])).filter((h) => h !== '')
  const count = records.filter((r) => !isBlank(r.cells)).length
  if (named.length === 0 || count === 0) {
    throw badFile('The file has no rows to import. The first line must name the columns.')
  }
  if (count > MAX_IMPORT_ROWS) {
    throw badFile(`The file has ${count} rows; import at most ${MAX_IMPORT_ROWS} at a time.`)
  }
  return { headers: headers!, records, delimiter }
}

/** The importer's mapping: a target per column (by position) and a status for values `mapStatus` does not know. */
export type ColumnMapping = { columns: ColumnTarget[]; statuses: Record<string, LeadStatus> }

/** The mapping preselected for `headers` (statuses: none chosen, unknown values become New). */
export function suggestedMapping(headers: string[]): ColumnMapping {
  return { columns: suggestColumns(headers), statuses: {} }
}

/** Up to three non-blank sample values of each column, for the mapping step. */
export function columnSamples(table: CsvTable, perColumn = 3): string[][] {
  const samples = table.headers.map(() => [] as string[])
  for (const record of table.records) {
    if (record.quoteError) continue
    table.headers.forEach((_, i) => {
      const value = unguardCell(cellText(record.cells[i]).trim())
      if (value && samples[i]!.length < perColumn) samples[i]!.push(value)
    })
    if (samples.every((s) => s.length >= perColumn)) break
  }
  return samples
}

/** The distinct values of column `index` (trimmed, first seen first), at most `limit`, with their row counts. */
export function columnValues(table: CsvTable, index: number, limit = 50): { value: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const record of table.records) {
    if (record.quoteError || isBlank(record.cells)) continue
    const value = cellText(record.cells[index]).trim()
    if (!value) continue
    if (counts.has(value) || counts.size < limit) counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  return [...counts].map(([value, count]) => ({ value, count }))
}

/**
 * Parses and validates the CSV `text` with `mapping` (by default the suggested one).
 * @throws Refusal 422 on `file` when the file is empty, too large or not text (readCsv), and on
 *   `mapping` when no column goes to the lead's name or email, or two columns go to one field
 */
export function parseLeadCsv(text: string | CsvTable, mapping?: ColumnMapping): ParsedImport {
  const table = typeof text === 'string' ? readCsv(text) : text
  const { headers, records } = table
  const chosen = mapping ?? suggestedMapping(headers)
  const columns: Partial<Record<ImportField, number>> = {}
  chosen.columns.forEach((target, index) => {
    if (!target || index >= headers.length) return
    if (columns[target] !== undefined) {
      throw new Refusal(
        422,
        `Two columns go to ${FIELD_LABELS[target]} ("${headers[columns[target]]}" and "${headers[index]}"): choose one.`,
        { field: 'mapping' },
      )
    }
    columns[target] = index
  })
  if (
    columns.name === undefined &&
    columns.firstName === undefined &&
    columns.lastName === undefined &&
    columns.email === undefined
  ) {
    throw new Refusal(
      422,
      `No column for the lead's name or email was found (expected e.g. "Name", "First Name" and "Last Name", or "Email"). Columns in the file: ${headers.slice(0, 12).join(', ')}${headers.length > 12 ? ', …' : ''}.`,
      { field: 'mapping' },
    )
  }

  const rows: ImportRow[] = []
  const rejected: ImportReportData['rejected'] = []
  const unknown = new Map<string, number>()
  const seenEmails = new Set<string>()
  let duplicatesInFile = 0
  let cleanedRows = 0
  const duplicateRows: { row: number; email: string }[] = []

  records.forEach((record, index) => {
    if (isBlank(record.cells)) return
    const row = index + 2 // the header is row 1, as in a spreadsheet
    if (record.quoteError) {
      rejected.push({
        row,
        reason:
          record.quoteError === 'MissingQuotes'
            ? 'A quoted cell is never closed, so the rest of the file was read into this row. Fix the quote and import the rows from here again.'
            : 'Malformed quotes: a quote inside a quoted cell must be doubled ("")',
      })
      return
    }
    const cell = (field: ImportField) =>
      columns[field] === undefined ? '' : unguardCell(cellText(record.cells[columns[field]]).trim())
    const email = cell('email')
    const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ') || email
    const statusCell = cell('status')
    const chosenStatus = Object.hasOwn(chosen.statuses, statusCell) ? chosen.statuses[statusCell] : undefined
    const { status, known } = chosenStatus ? { status: chosenStatus, known: true } : mapStatus(statusCell)
    const text = { name, email, phone: cell('phone'), company: cell('company'), source: cell('source') }
    const result = foldedLeadSchema.safeParse({ ...text, status })
    if (!result.success) {
      const issue = result.error.issues[0]!
      const field = String(issue.path[0])
      // The cell rules are the form's but for line breaks (lib/text.ts), so the reason is the form's message.
      const reason =
        field === 'name' && !name
          ? 'No name and no email'
          : field === 'email' && issue.message === 'Enter a valid email address'
            ? `Invalid email "${email}"`
            : `${field}: ${issue.message}`
      rejected.push({ row, reason })
      return
    }
    const key = emailKey(result.data.email)
    if (key) {
      if (seenEmails.has(key)) {
        duplicatesInFile++
        if (duplicateRows.length < MAX_REPORTED_DUPLICATES) duplicateRows.push({ row, email: result.data.email })
        return
      }
      seenEmails.add(key)
    }
    if (!known) unknown.set(statusCell, (unknown.get(statusCell) ?? 0) + 1)
    if (Object.values(text).some(hasLineBreak)) cleanedRows++
    rows.push({ ...result.data, row })
  })

  return {
    rows,
    report: {
      rejected,
      unknownStatuses: [...unknown].map(([value, count]) => ({ value, count })),
      duplicatesInFile,
      duplicateRows,
      cleanedRows,
    },
  }
}
