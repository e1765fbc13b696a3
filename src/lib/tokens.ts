/** Secret tokens for links sent by email: random, URL-safe, stored only as a SHA-256 hash. */

/** A new token: 32 random bytes as base64url (43 characters). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** SHA-256 of `token` as 64 lower-case hex characters: what the database keeps. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** True for the text form of a token from `newToken`: 43 base64url characters. */
export function isToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value)
}
