/**
 * Is a form or JSON body UTF-8 text? `URLSearchParams`, `Request.formData()`, `Request.json()` and
 * Hono's `parseBody` silently turn invalid UTF-8 (and the bytes behind a broken percent-escape such
 * as `%FF` or `%E2%82`) into U+FFFD, so the check looks at the raw bytes before they are parsed.
 * Files in a multipart body are left alone (the CSV import checks its file itself); every other part
 * must be UTF-8.
 */

/** The sentence a person gets when their form body is refused (422). */
export const INVALID_FORM_ENCODING =
  'This form was sent with characters that are not valid UTF-8 text (for example a broken percent-escape such as %FF), so nothing was saved. Retype the text and send the form again.'

/** The sentence an API client or a site posting JSON gets when the body is refused (422). */
export const INVALID_JSON_ENCODING =
  'The body holds bytes that are not valid UTF-8 text, so nothing was saved. Send the JSON encoded as UTF-8.'

const utf8 = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** True when `bytes` are valid UTF-8 (a JSON body must be: RFC 8259). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8().decode(bytes)
    return true
  } catch {
    return false
  }
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

/**
 * True when an `application/x-www-form-urlencoded` body decodes to UTF-8 text: every `%` starts
 * two hex digits, and the bytes they and the raw characters stand for are valid UTF-8.
 */
export function urlencodedIsUtf8(body: Uint8Array): boolean {
  const bytes = new Uint8Array(body.length)
  let n = 0
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!
    if (byte === 0x25) {
      const high = hexValue(body[i + 1])
      const low = hexValue(body[i + 2])
      if (high < 0 || low < 0) return false
      bytes[n++] = high * 16 + low
      i += 2
    } else {
      bytes[n++] = byte
    }
  }
  return isUtf8(bytes.subarray(0, n))
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!
  for (let i = haystack.indexOf(first, from); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

/**
 * True when every part header and every non-file part of a `multipart/form-data` body with
 * `boundary` is UTF-8. A body that is not well-formed multipart is left to the parser (true).
 */
export function multipartIsUtf8(body: Uint8Array, boundary: string): boolean {
  const encoder = new TextEncoder()
  const dashBoundary = encoder.encode(`--${boundary}`)
  const delimiter = encoder.encode(`\r\n--${boundary}`)
  const blank = encoder.encode('\r\n\r\n')
  for (let at = indexOfBytes(body, dashBoundary, 0); at >= 0;) {
    const after = at + dashBoundary.length
    if (body[after] !== 0x0d || body[after + 1] !== 0x0a) return true // closing delimiter (or not multipart)
    const headerEnd = body[after + 2] === 0x0d && body[after + 3] === 0x0a ? after : indexOfBytes(body, blank, after)
    if (headerEnd < 0) return true
    const contentStart = headerEnd + blank.length
    const next = indexOfBytes(body, delimiter, contentStart)
    if (next < 0) return true
    const headers = body.subarray(after + 2, headerEnd)
    if (!isUtf8(headers)) return false
    const isFile = /;\s*filename\*?=/i.test(new TextDecoder().decode(headers))
    if (!isFile && !isUtf8(body.subarray(contentStart, next))) return false
    at = next + 2
  }
  return true
}

/**
 * True when a form body of `contentType` is UTF-8 text (see the module comment); true for any
 * other content type.
 */
export function formBodyIsUtf8(contentType: string | undefined, body: Uint8Array): boolean {
  const type = (contentType ?? '').toLowerCase()
  if (type.startsWith('application/x-www-form-urlencoded')) return urlencodedIsUtf8(body)
  if (type.startsWith('multipart/form-data')) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
    const value = boundary?.[1] ?? boundary?.[2]
    return value ? multipartIsUtf8(body, value) : true
  }
  return true
}
