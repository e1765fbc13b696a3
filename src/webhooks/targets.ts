/**
 * Where a webhook may be sent (docs/ARCHITECTURE.md "Webhooks out"): in production an `https://` URL whose host is
 * not a literal private-network, loopback, link-local, unspecified or metadata address nor `localhost`; in local
 * development (`APP_ENV=development`, as for /_dev/mail) any http(s) URL. A Worker cannot resolve names, so a
 * hostname that resolves to a private address is not caught here (Cloudflare's `fetch` does not reach private
 * networks anyway).
 */

/** Why `url` cannot be a webhook target, or null when it can. `production`: anything but APP_ENV=development. */
export function targetProblem(url: string, production: boolean): string | null {
  const parsed = URL.parse(url)
  if (!parsed || !/^https?:$/.test(parsed.protocol)) return 'Enter a web address starting with https://'
  if (parsed.username || parsed.password) return 'Leave the user name and password out of the address'
  if (!production) return null
  if (parsed.protocol !== 'https:') return 'Use an https:// address: events are sent only over HTTPS'
  if (isPrivateHost(parsed.hostname))
    return 'This address is on a private network, loopback or link-local: Leadpool cannot send events there'
  return null
}

/**
 * True when `hostname` (as `URL` gives it: IPv4 normalized, IPv6 in brackets) is `localhost` (or under it), or a
 * literal address in 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, ::, ::1, fc00::/7, fe80::/10 (an IPv4
 * mapped into IPv6 as its IPv4).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host.startsWith('[')) return isPrivateV6(host.slice(1, -1))
  const v4 = ipv4(host)
  return v4 !== null && isPrivateV4(v4)
}

/** The four octets of a dotted IPv4 literal, or null. */
function ipv4(host: string): number[] | null {
  const parts = host.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null
  const octets = parts.map(Number)
  return octets.every((o) => o <= 255) ? octets : null
}

function isPrivateV4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168)
  )
}

/** The eight 16-bit groups of an IPv6 literal (without brackets; a trailing dotted IPv4 allowed), or null. */
function ipv6Groups(address: string): number[] | null {
  const [head, tail, ...more] = address.split('::')
  if (more.length > 0) return null
  const groups = (part: string | undefined): number[] | null => {
    if (!part) return []
    const out: number[] = []
    for (const piece of part.split(':')) {
      const v4 = piece.includes('.') ? ipv4(piece) : null
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      else if (/^[0-9a-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16))
      else return null
    }
    return out
  }
  const first = groups(head)
  const last = groups(tail)
  if (!first || !last) return null
  if (tail === undefined) return first.length === 8 ? first : null
  const missing = 8 - first.length - last.length
  return missing >= 1 ? [...first, ...Array<number>(missing).fill(0), ...last] : null
}

function isPrivateV6(address: string): boolean {
  const g = ipv6Groups(address)
  if (!g) return false
  if (g.slice(0, 7).every((x) => x === 0) && g[7]! <= 1) return true // :: and ::1
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return isPrivateV4([g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255]) // ::ffff:a.b.c.d
  return (g[0]! & 0xfe00) === 0xfc00 || (g[0]! & 0xffc0) === 0xfe80
}
