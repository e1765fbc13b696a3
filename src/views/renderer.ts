/**
 * The page renderer: hono's jsxRenderer, so that every full page answered with `c.render(page, { title })`
 * starts with `<!DOCTYPE html>` (standards mode) and is wrapped in the layout (views/layout.tsx), whose
 * shell is read from the request context. htmx fragments are answered with `c.html(...)`: no doctype, no layout.
 */
import { jsxRenderer } from 'hono/jsx-renderer'
import { Layout, type LayoutOptions } from './layout'

declare module 'hono' {
  /** `c.render(page, { title, chrome?, live? })`: the page's content and how the layout frames it. */
  interface ContextRenderer {
    (content: string | Promise<string>, options: LayoutOptions): Response | Promise<Response>
  }
}

/** Middleware that makes `c.render(page, options)` answer `<!DOCTYPE html>` followed by the page in the layout. */
export function pageRenderer() {
  // `Layout` here is an enclosing renderer's layout: unused, so a renderer mounted twice wraps once.
  return jsxRenderer(({ children, Layout: _enclosing, ...options }) => Layout({ ...options, children }), {
    docType: true,
  })
}
