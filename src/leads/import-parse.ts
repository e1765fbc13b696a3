/**
 * Turns an uploaded CSV file into lead rows for the import, with papaparse.
 *
 * Accepts Salesforce exports (UTF-8 BOM, JSON in quoted cells, dozens of columns) and HubSpot /
 * Pipedrive style headers by alias ("First Name"/"Last Name", "Email", "Company Name", "Phone
 * Number", "Lead Status", …); CRLF or LF; quoted commas, quotes and newlines. Rows are validated
 * here and de-duplicated by email (case-insensitive) within the file; de-duplication against leads
 * already saved happens when rows are written (import-writer.ts).
 *
 * Leadpool's own export reads back as it was written: its extra columns (Lead ID, Assigned to,
 * Created (UTC)) match no field and are ignored, and the formula guard it adds is removed
 * (`unguardCell`).
 */
import Papa from 'papaparse'
import type { ImportReportData } from '../db/schema'
import { Refusal } from '../lib/errors'
import { emailKey, leadSchema, type LeadInput } from './fields'
import { mapStatus } from './import-status'

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

type Field = 'name' | 'firstName' | 'lastName' | 'email' | 'phone' | 'company' | 'status' | 'source'

/** Header aliases, compared after lower-casing and removing everything but letters and digits. */
const HEADER_ALIASES: Record<Field, string[]> = {
  name: ['name', 'fullname', 'leadname', 'contactname', 'contact', 'personname'],
  firstName: ['firstname', 'first', 'givenname', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname'],
  email: ['email', 'emailaddress', 'email1', 'primaryemail', 'workemail', 'businessemail'],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'mobilephone',
    'mobilephonenumber',
    'telephone',
    'workphone',
    'businessphone',
    'phone1',
    'cell',
  ],
  company: [
    'company',
    'companyname',
    'organization',
    'organisation',
    'organizationname',
    'organisationname',
    'account',
    'accountname',
  ],
  status: ['status', 'leadstatus', 'hsleadstatus'],
  source: ['source', 'leadsource', 'originalsource', 'hsanalyticssource', 'channel'],
}

/**
 * A cell without the formula guard that Leadpool's export adds (export.ts `GUARDED_CELL`): one
 * leading `'` before optional further `'`s and one of `=`, `+`, `-`, `@`, tab, CR. Any other value,
 * e.g. `'Tis the season` or `'quoted'`, is returned unchanged.
 */
export function unguardCell(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value
}

const normalizeHeader = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '')

/** Which column (original header) feeds each field; the first matching column wins. */
function mapColumns(headers: string[]): Partial<Record<Field, string>> {
  const byKey = new Map<string, string>()
  for (const header of headers) {
    const key = normalizeHeader(header)
    if (key && !byKey.has(key)) byKey.set(key, header)
  }
  const columns: Partial<Record<Field, string>> = {}
  for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [Field, string[]][]) {
    const alias = aliases.find((a) => byKey.has(a))
    if (alias) columns[field] = byKey.get(alias)
  }
  return columns
}

/** A parsed record with the parse problems papaparse found in it. */
type Record_ = { cells: Record<string, unknown>; quoteError: string | null }

/** Cells of `record` as text; papaparse puts cells beyond the header into an array. */
const cellText = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '')
const isBlank = (cells: Record<string, unknown>) => Object.values(cells).every((v) => cellText(v).trim() === '')

/**
 * Parses and validates the CSV `text`.
 * @throws Refusal 422 on `file` when the file is empty, too large, not UTF-8 text (a NUL in the header
 *   line), or has no name or email column
 */
export function parseLeadCsv(text: string): ParsedImport {
  // UTF-16 read as UTF-8 has a NUL after every ASCII letter of the header; a NUL inside a cell further
  // on is a cell's problem, not the file's.
  if (/^[^\r\n]*/.exec(text)![0].includes('\u0000')) {
    throw badFile('The file looks like UTF-16 or binary, not UTF-8 text. Export it as "CSV UTF-8" and try again.')
  }
  const records: Record_[] = []
  let headers: string[] = []
  // Step by step, so each parse error is tied to the record it belongs to.
  Papa.parse<Record<string, unknown>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    // Blank lines are skipped below instead, so that row numbers stay those of the file.
    skipEmptyLines: false,
    transformHeader: (h) => h.trim(),
    step: (result) => {
      headers = result.meta.fields ?? headers
      const quote = result.errors.find((e) => e.type === 'Quotes')
      records.push({ cells: result.data, quoteError: quote ? quote.code : null })
    },
  })
  headers = headers.filter((h) => h !== '')
  const count = records.filter((r) => !isBlank(r.cells)).length
  if (headers.length === 0 || count === 0) {
    throw badFile('The file has no rows to import. The first line must name the columns.')
  }
  if (count > MAX_IMPORT_ROWS) {
    throw badFile(`The file has ${count} rows; import at most ${MAX_IMPORT_ROWS} at a time.`)
  }
  const columns = mapColumns(headers)
  if (!columns.name && !columns.firstName && !columns.lastName && !columns.email) {
    throw badFile(
      `No column for the lead's name or email was found (expected e.g. "Name", "First Name" and "Last Name", or "Email"). Columns in the file: ${headers.slice(0, 12).join(', ')}${headers.length > 12 ? ', …' : ''}.`,
    )
  }

  const rows: ImportRow[] = []
  const rejected: ImportReportData['rejected'] = []
  const unknown = new Map<string, number>()
  const seenEmails = new Set<string>()
  let duplicatesInFile = 0

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
    const cell = (field: Field) => (columns[field] ? unguardCell(cellText(record.cells[columns[field]]).trim()) : '')
    const email = cell('email')
    const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ') || email
    const statusCell = cell('status')
    const { status, known } = mapStatus(statusCell)
    const result = leadSchema.safeParse({
      name,
      email,
      phone: cell('phone'),
      company: cell('company'),
      source: cell('source'),
      status,
    })
    if (!result.success) {
      const issue = result.error.issues[0]!
      const field = String(issue.path[0])
      const reason =
        field === 'name' && !name
          ? 'No name and no email'
          : field === 'email'
            ? `Invalid email "${email}"`
            : `${field}: ${issue.message}`
      rejected.push({ row, reason })
      return
    }
    const key = emailKey(result.data.email)
    if (key) {
      if (seenEmails.has(key)) {
        duplicatesInFile++
        return
      }
      seenEmails.add(key)
    }
    if (!known) unknown.set(statusCell, (unknown.get(statusCell) ?? 0) + 1)
    rows.push({ ...result.data, row })
  })

  return {
    rows,
    report: {
      rejected,
      unknownStatuses: [...unknown].map(([value, count]) => ({ value, count })),
      duplicatesInFile,
    },
  }
}
