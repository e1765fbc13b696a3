/** Shared by the Durable Objects that stream to viewers over hibernatable WebSockets. */

/** Options of `acceptViewer`: tags to find the socket by, and what to remember about its viewer. */
export type AcceptOptions = {
  /** `ctx.getWebSockets(tag)` finds the socket by any of these (e.g. the viewer's user id). */
  tags?: string[]
  /** Kept with the socket across hibernation (`serializeAttachment`); read back with `attachmentOf`. */
  attachment?: unknown
}

/**
 * Accepts a WebSocket upgrade on `ctx` with the Hibernation API (`ctx.acceptWebSocket`), so idle
 * viewers keep the object asleep. Answers 426 to a request that is not an upgrade.
 */
export function acceptViewer(ctx: DurableObjectState, request: Request, options: AcceptOptions = {}): Response {
  if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket', { status: 426 })
  const { 0: client, 1: server } = new WebSocketPair()
  ctx.acceptWebSocket(server, options.tags)
  if (options.attachment !== undefined) server.serializeAttachment(options.attachment)
  return new Response(null, { status: 101, webSocket: client })
}

/** What `acceptViewer` remembered about the socket's viewer (its `attachment`), or null. */
export function attachmentOf<T>(socket: WebSocket): T | null {
  return (socket.deserializeAttachment() as T | null) ?? null
}

/**
 * Sends `message` on `socket`; a socket that can no longer be written to (its viewer went away
 * without a close) is closed instead, so dead sockets do not linger.
 * @returns whether it was sent
 */
export function sendOrDrop(socket: WebSocket, message: string): boolean {
  try {
    socket.send(message)
    return true
  } catch {
    try {
      socket.close(1011, 'unreachable')
    } catch {
      // Already closed.
    }
    return false
  }
}

/**
 * Sends `message` (e.g. an htmx out-of-band fragment) to every WebSocket accepted on `ctx`, dropping a socket
 * whose send fails (`sendOrDrop`).
 * @returns how many viewers it reached
 */
export function broadcast(ctx: DurableObjectState, message: string): number {
  let reached = 0
  for (const socket of ctx.getWebSockets()) if (sendOrDrop(socket, message)) reached++
  return reached
}
