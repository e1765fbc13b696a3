/** The error domain functions raise when an action is refused; routes and onError answer with it. */

/** HTTP-like status of a refusal: forbidden, not found (or not visible), conflict, invalid input. */
export type RefusalStatus = 403 | 404 | 409 | 410 | 422

/**
 * A refused action with a message for the person who tried it, e.g.
 * `new Refusal(403, 'Only an Owner or Admin can assign leads.')`.
 */
export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    message: string,
  ) {
    super(message)
  }
}

/** 404 for anything the viewer may not know exists. */
export function notFound(): Refusal {
  return new Refusal(404, 'Not found')
}
