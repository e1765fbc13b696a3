/**
 * The `From` header of an email: a display name (any Unicode, e.g. "Zoë Ørsted via Leadpool") in front
 * of the address of EMAIL_FROM. The name is quoted when it is ASCII (RFC 5322 quoted-string) and written
 * as one RFC 2047 encoded-word (`=?UTF-8?B?…?=`) when it is not, so every mail system shows it as typed
 * and the address itself stays plain ASCII.
 */

/** The address part of `from` ("Leadpool <noreply@x.example>" → "noreply@x.example"; a bare address as is). */
export function addressOf(from: string): string {
  const match = /<([^<>]+)>\s*$/.exec(from)
  return (match ? match[1]! : from).trim()
}

/** `name` as a header display name: quoted ASCII, or a base64 UTF-8 encoded-word. Line breaks become spaces. */
export function displayName(name: string): string {
  const clean = name.replace(/[\r\n\t]+/g, ' ').trim()
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, '\\$1')}"`
  const bytes = new TextEncoder().encode(clean)
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`
}

/**
 * The sender of an email: `from` (EMAIL_FROM) as it is when `name` is null or blank, otherwise `name`
 * in front of `from`'s address.
 * @example senderOf('Zoë via Leadpool', 'Leadpool <noreply@leadpool.example>')
 *   // '=?UTF-8?B?Wm/DqyB2aWEgTGVhZHBvb2w=?= <noreply@leadpool.example>'
 */
export function senderOf(name: string | null | undefined, from: string): string {
  if (!name?.trim()) return from
  return `${displayName(name)} <${addressOf(from)}>`
}
