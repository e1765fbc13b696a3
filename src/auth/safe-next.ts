/** Where log-in may send a person back to. */

/**
 * A path inside Leadpool to return to after log-in (`/o/...` or `/invite/...`, URL-safe characters
 * only, so never another site, a header break or a backslash trick), or null.
 */
export function safeNext(next: string | undefined): string | null {
  return next && next.length <= 500 && /^\/(o|invite)\/[A-Za-z0-9][A-Za-z0-9\-._~%/?=&+]*$/.test(next) ? next : null
}
