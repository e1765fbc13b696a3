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
