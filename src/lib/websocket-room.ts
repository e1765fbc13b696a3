/** Shared by the Durable Objects that stream to viewers over hibernatable WebSockets. */

/**
 * Accepts a WebSocket upgrade on `ctx` with the Hibernation API (`ctx.acceptWebSocket`), so idle
 * viewers keep the object asleep. Answers 426 to a request that is not an upgrade.
 */
export function acceptViewer(ctx: DurableObjectState, request: Request): Response {
  if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket', { status: 426 })
  const { 0: client, 1: server } = new WebSocketPair()
  ctx.acceptWebSocket(server)
  return new Response(null, { status: 101, webSocket: client })
}

/**
 * Sends `message` (e.g. an htmx out-of-band fragment) to every WebSocket accepted on `ctx`, dropping a socket
 * whose send fails (a viewer gone without a close).
 * @returns how many viewers it reached
 */
export function broadcast(ctx: DurableObjectState, message: string): number {
  let reached = 0
  for (const socket of ctx.getWebSockets()) {
    try {
      socket.send(message)
      reached++
    } catch {
      try {
        socket.close(1011, 'gone')
      } catch {
        // Already closed.
      }
    }
  }
  return reached
}
