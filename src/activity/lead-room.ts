/**
 * LeadRoom: one Durable Object per lead that fans timeline items out to the people viewing the lead,
 * over hibernatable WebSockets (idle viewers cost nothing). It holds no truth that D1 lacks: a
 * viewer that reconnects reloads the timeline from D1.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { acceptViewer } from '../lib/websocket-room'

export class LeadRoom extends DurableObject<Env> {
  /** Accepts a WebSocket upgrade from a viewer of the lead. */
  override fetch(request: Request): Response {
    return acceptViewer(this.ctx, request)
  }

  /** Sends `html` (an htmx out-of-band fragment) to every connected viewer; returns how many. */
  broadcast(html: string): number {
    const sockets = this.ctx.getWebSockets()
    for (const socket of sockets) socket.send(html)
    return sockets.length
  }
}
