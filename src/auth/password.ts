/**
 * Password hashing with scrypt (RFC 7914) from `node:crypto` (native under `nodejs_compat`).
 *
 * Stored as a self-describing PHC-style string so the cost can be raised later without a schema
 * change: `$scrypt$ln=14,r=8,p=5$<salt base64>$<key base64>`. The parameters (N=2^14, r=8, p=5,
 * 16 MiB) are one of OWASP's Password Storage Cheat Sheet equivalents of N=2^17,r=8,p=1 that fit a
 * Worker's 128 MiB memory. The measured cost is written in the README.
 */
import { Buffer } from 'node:buffer'
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** Cost parameters; `ln` is log2(N). */
export type ScryptParams = { ln: number; r: number; p: number }

export const DEFAULT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 5 }
const KEY_LENGTH = 32
const SALT_LENGTH = 16
/** Password length rule shared with the sign-up form. */
export const MIN_PASSWORD_LENGTH = 10

/** Bytes of unpadded standard base64 (the encoding the hash string uses). */
function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))
}

function derive(password: string, salt: Uint8Array, params: ScryptParams, keyLength: number) {
  const N = 2 ** params.ln
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      keyLength,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
}

/** Hashes `password` with a fresh random salt; returns the PHC-style string. */
export async function hashPassword(password: string, params = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, params, KEY_LENGTH)
  const encode = (b: Buffer) => b.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${encode(salt)}$${encode(key)}`
}

/**
 * Parses a stored hash string into its parts.
 * @returns null when the string is not a `$scrypt$` hash this module can read.
 */
export function parseHash(stored: string): { params: ScryptParams; salt: Uint8Array; key: Uint8Array } | null {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored)
  if (!match) return null
  const [, ln, r, p, salt, key] = match
  return {
    params: { ln: Number(ln), r: Number(r), p: Number(p) },
    salt: fromBase64(salt!),
    key: fromBase64(key!),
  }
}

/** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length)
  return timingSafeEqual(key, parsed.key)
}
