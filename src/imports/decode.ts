/**
 * Reading an uploaded file's bytes as text, with the platform's TextDecoder: UTF-8 (with or without a
 * byte-order mark), UTF-16 LE or BE (with a byte-order mark, as Excel's "Unicode Text" writes it), and
 * Windows-1252 (Excel's "CSV (Comma delimited)" on Windows) when the bytes are not valid UTF-8. The
 * encoding is detected from the bytes, never guessed from the file name, and named in the report.
 */
import { Refusal } from '../lib/errors'

export type FileEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252'

/** Control characters no header line has (all of C0 but tab, line feed, form feed, CR). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/

/** How far into the file `decodeUpload` looks for signs of a binary file (characters). */
const SNIFF = 4096

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b)

function decode(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/**
 * The text of an uploaded file and the encoding it was read in (a byte-order mark is removed).
 * @throws Refusal 422 on `file`: "not a CSV file" for binary content (an image, a PDF, an .xlsx
 *   workbook); a UTF-16 file without a byte-order mark is named as such
 */
export function decodeUpload(bytes: Uint8Array): { text: string; encoding: FileEncoding } {
  let result: { text: string; encoding: FileEncoding } | null = null
  if (startsWith(bytes, [0xff, 0xfe])) {
    const text = decode('utf-16le', bytes)
    if (text !== null) result = { text, encoding: 'UTF-16LE' }
  } else if (startsWith(bytes, [0xfe, 0xff])) {
    const text = decode('utf-16be', bytes)
    if (text !== null) result = { text, encoding: 'UTF-16BE' }
  }
  if (!result) {
    const utf8 = decode('utf-8', bytes)
    result =
      utf8 !== null
        ? { text: utf8, encoding: 'UTF-8' }
        : { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252' }
  }
  const head = result.text.slice(0, SNIFF)
  const firstLine = /^[^\r\n]*/.exec(head)![0]
  // UTF-16 without its byte-order mark: a NUL beside every ASCII letter of the header line.
  // eslint-disable-next-line no-control-regex
  if (/^(?:[^\u0000]\u0000|\u0000[^\u0000])+/.test(firstLine) && firstLine.length > 2) {
    throw new Refusal(
      422,
      'The file looks like UTF-16 text without a byte-order mark. Save it as "CSV UTF-8" (or "Unicode Text") and try again.',
      { field: 'file' },
    )
  }
  // A NUL near the start, or a control character in the header line (a cell's control character is
  // that row's problem, reported with the row).
  if (head.includes('\u0000') || CONTROL.test(firstLine)) {
    throw new Refusal(
      422,
      'This is not a CSV file (it looks like an image, a PDF or an Excel workbook). Save the sheet as CSV and try again.',
      { field: 'file' },
    )
  }
  return result
}
