/**
 * The Content-Security-Policy of every answer: scripts, styles, images, fonts and connections from Leadpool's own
 * origin only (htmx and its extensions are self-hosted in public/vendor), no inline script or style, no plugins,
 * no framing by any site, forms posting only to Leadpool, no `<base>`.
 */
import type { Context } from 'hono'

/**
 * `connect-src` for the htmx WebSocket extension: `'self'` covers `ws:`/`wss:` to the own host in CSP Level 3
 * browsers; the explicit own-host WebSocket origin (`wss://host`, or `ws://host` on local http) covers those that
 * still treat `'self'` as http(s) only.
 */
export function ownWebSocketOrigin(c: Context): string {
  const url = new URL(c.req.url)
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`
}

/** The directives, in the shape of hono's `secureHeaders({ contentSecurityPolicy })`. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'", ownWebSocketOrigin],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

/**
 * The policy of the local dev mailbox (/_dev/mail) alone: the app's policy plus `style-src-attr 'unsafe-inline'`,
 * because the emails it shows carry inline `style="..."` attributes (mail clients need them). Inline scripts stay
 * forbidden. The page is development-only and shows HTML Leadpool's own templates wrote (escaped).
 */
export const DEV_MAIL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')
