/**
 * The page renderer: hono's jsxRenderer, so that every full page answered with `c.render(...)`
 * starts with `<!DOCTYPE html>` (standards mode) and its components can read the request context
 * (views/layout.tsx). htmx fragments are answered with `c.html(...)`: no doctype, no layout.
 */
import { jsxRenderer } from 'hono/jsx-renderer'

/** Middleware that makes `c.render(page)` answer `<!DOCTYPE html>` followed by the page. */
export function pageRenderer() {
  return jsxRenderer(undefined, { docType: true })
}
