/**
 * The one error for "refused, with this status and this sentence": domain functions and routes raise
 * it, and app.ts `onError` answers it (views/render-error.tsx), as the page the form came from when
 * the route's declaration named one (views/refusal-page.ts `refusalPage`), else as an error page (or JSON).
 */

/**
 * HTTP status of a refusal: malformed (a body that is not what its Content-Type says), not signed in, forbidden,
 * not found (or not visible), method not allowed, conflict, gone, precondition failed (an API `If-Match` that no
 * longer matches), too large, wrong body type, invalid input, not a WebSocket upgrade where one is expected (426), too
 * many attempts; 503 when the database or a binding failed before the change was saved (app.ts `onError` raises
 * it, so the form comes back like any refused form).
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 412 | 413 | 415 | 422 | 426 | 429 | 503

export type RefusalOptions = {
  /** The form field the message belongs to (shown beside it with `data-error-for`); none: a page-level alert. */
  field?: string
  /** A message per field when several fields are refused at once (invalid form input). */
  errors?: Record<string, string>
  /**
   * Facts the page that shows the refusal may use, e.g. `{ existingId }` of a duplicate lead; `nextHref` with
   * `nextLabel` puts a link that gets the person going again on the error page (e.g. ask for a new link);
   * `explanation` replaces the error page's general explanation of the status.
   */
  details?: Record<string, string>
}

/**
 * A refused action with a message for the person who tried it, e.g.
 * `new Refusal(403, 'Only an Owner or Admin can assign leads.')` or
 * `new Refusal(422, 'An account with this email already exists.', { field: 'email' })`.
 */
export class Refusal extends Error {
  readonly field: string | undefined
  /** Message per form field: `errors`, or `{ [field]: message }`, or `{}` for a page-level alert. */
  readonly errors: Record<string, string>
  readonly details: Record<string, string>

  constructor(
    readonly status: RefusalStatus,
    message: string,
    options: RefusalOptions = {},
  ) {
    super(message)
    this.field = options.field
    this.errors = options.errors ?? (options.field ? { [options.field]: message } : {})
    this.details = options.details ?? {}
  }
}

/** 404 for anything the viewer may not know exists. */
export function notFound(): Refusal {
  return new Refusal(404, 'Page not found')
}
